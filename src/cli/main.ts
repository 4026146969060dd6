/** The brtops CLI: parse, dispatch, and map errors to exit codes — the only process.exit (after output is flushed). */
import { resolve } from "node:path";
import { BrtopsError, exitCodeFor, isBrtopsError } from "../core/errors.js";
import { createRedactor, secretValuesFrom } from "../core/redact.js";
import { urlPasswords } from "../core/config-secrets.js";
import { checkPhraseOptions, parseCommandLine } from "./parse-command.js";
import { createOut } from "./output.js";
import { colourFor, createStyle, plain, styled } from "./style.js";
import type { Ctx } from "./context.js";

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  const args = parsed.args;
  const out = createOut(!!args.flags.json, !!args.flags.jsonl);
  const ctx: Ctx = { args, out, cwd: resolve(args.flags.cwd ?? process.cwd()) };
  if (parsed.kind === "main") {
    if (args.flags.version && !args.command) {
      out.result({ version: "0.1.0" }, "brtops 0.1.0");
      return 0;
    }
    const { commandHelp, commandJson, mainHelpJson } = await import("./help.js");
    const { commandSpec } = await import("./command-table.js");
    const topic = args.command === "help" && args.positionals[0] ? commandSpec(args.positionals[0]) : undefined;
    const obj = topic ? { help: commandHelp(topic), ...commandJson(topic) } : mainHelpJson();
    out.result(obj, obj.help);
    return 0;
  }
  // A release's history starts being read before the command's code loads (engine/prefetch-request).
  // Awaited: the guess waits only on the ref files (or two short git processes), and the command's
  // module loading would otherwise run first and hold back the spawn of the long git log it overlaps with.
  if (parsed.kind === "command" && parsed.spec.name === "release" && !args.flags.help && !args.flags["dry-run"])
    await import("../engine/prefetch-request.js").then((m) =>
      m.prefetchRequestHistory(ctx.cwd, args.positionals[0] ?? "", process.env),
    );
  if (parsed.kind === "phrase") return runPhrase(ctx, parsed.phrase);
  if (args.flags.help) {
    const text = (await import("./help.js")).commandHelp(parsed.spec);
    out.result({ help: text, command: parsed.spec.name, options: [...parsed.spec.options] }, text);
    return 0;
  }
  return parsed.spec.run(ctx);
}

async function runPhrase(ctx: Ctx, phrase: string): Promise<number> {
  const { parseTrigger } = await import("../core/trigger-grammar.js");
  const { buildEnvironmentCatalog } = await import("../core/environments.js");
  const { findRoot, loadConfig } = await import("../config/load-config.js");
  const root = findRoot(ctx.cwd);
  const t = parseTrigger(phrase, buildEnvironmentCatalog(root ? loadConfig(root).config.environments : undefined));
  if (t.command !== "init") checkPhraseOptions(t.command, ctx.args.flags);
  const r = { ...(await import("./commands-release.js")), ...(await import("./commands-view.js")) };
  const { decisionCommands } = await import("./commands-decide.js");
  if (t.version && t.command !== "release" && t.command !== "init" && !ctx.args.flags.release)
    ctx.args.flags.release = t.version;
  switch (t.command) {
    case "release":
      // "GO RELEASE v2.1.0 to Staging": the request and the GO RELEASE grant in one phrase.
      if (t.autoProceed) return (await import("./commands-go-release.js")).cmdGoRelease(ctx, t, phrase);
      return r.cmdRelease(ctx, t.version ?? t.versionType, t.environment, phrase);
    case "init": {
      // INIT RELEASE: the documentation structure only, for a version named as such.
      if (!t.version) {
        throw new BrtopsError(
          "E_USAGE",
          `INIT RELEASE needs a version number${t.versionType ? `, not "${t.versionType}"` : ""}: the folder is named after it.`,
          { hint: 'brtops "INIT RELEASE v2.1.0"' },
        );
      }
      const version = t.version;
      return r.withProject(ctx, async (p) => {
        const { mkdirSync } = await import("node:fs");
        const dir = p.releaseDir(version);
        mkdirSync(dir, { recursive: true });
        ctx.out.result({ command: "init", folder: dir }, `Created ${dir}`);
        return 0;
      });
    }
    case "go":
      return decisionCommands.go!(ctx);
    case "sitrep":
      return r.cmdSitrep(ctx);
    case "status":
      return r.cmdStatus(ctx);
    case "deployment-status":
      return r.cmdDeploymentStatus(ctx);
    case "validate":
      return (await import("./commands-misc.js")).cmdValidate(ctx);
    default:
      return decisionCommands[t.command]!(ctx);
  }
}

/**
 * Exits once stdout and stderr have handed everything to the OS: process.exit() alone drops what
 * is still queued for a pipe (a large `status --json` was cut at 64 KiB). Exiting at all, rather
 * than letting the loop drain, ends whatever a command left open (pools, watchers, timers).
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => exitAfterFlush(code),
  (e: unknown) => {
    const json = process.argv.includes("--json");
    // The last line of defence: an error may quote a tool's output (git's stderr, a server's
    // answer), so whatever reaches the terminal passes the same redactor as the log and documents.
    const redact = createRedactor([...secretValuesFrom(process.env), ...urlPasswords(process.env.BRTOPS_STORE)]);
    if (isBrtopsError(e)) {
      if (json) process.stdout.write(`${JSON.stringify({ error: redact.deep(e.toJSON()) })}\n`);
      else {
        // Redacted, made safe for the terminal, then painted (style.ts decides whether).
        const st = createStyle(colourFor(process.stderr, false));
        const hint = e.hint ? styled`  → ${st.cyan(redact(e.hint))}\n` : plain("");
        process.stderr.write(
          styled`${st.red(st.bold("brtops:"))} ${redact(e.message)}\n${hint}  ${st.dim(`(${e.code})`)}\n`.text,
        );
      }
      return exitAfterFlush(exitCodeFor(e.code));
    }
    const err = e as Error;
    if (json)
      process.stdout.write(
        `${JSON.stringify({ error: { code: "E_INTERNAL", message: redact(err?.message ?? String(e)) } })}\n`,
      );
    else
      process.stderr.write(
        redact(
          `brtops: internal error: ${err?.message ?? String(e)}\n  → Please report this; run with BRTOPS_DEBUG=1 for details.\n`,
        ),
      );
    if (process.env.BRTOPS_DEBUG) process.stderr.write(redact(`${err?.stack ?? ""}\n`));
    exitAfterFlush(1);
  },
);
