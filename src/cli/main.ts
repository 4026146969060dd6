#!/usr/bin/env node
/** The brtops CLI: parse, dispatch, and map errors to exit codes — the only process.exit (after output is flushed). */
import { resolve } from "node:path";
import { BrtopsError, exitCodeFor, isBrtopsError } from "../core/errors.js";
import { createRedactor, secretValuesFrom } from "../core/redact.js";
import { parseCli } from "./args.js";
import { COMMAND_HELP, MAIN_HELP } from "./help.js";
import { createOut } from "./output.js";
import type { Ctx } from "./context.js";

async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv);
  const out = createOut(!!args.flags.json);
  const ctx: Ctx = { args, out, cwd: resolve(args.flags.cwd ?? process.cwd()) };
  const cmd = args.command;
  if (args.flags.version && !cmd) {
    out.result({ version: "0.1.0" }, "brtops 0.1.0");
    return 0;
  }
  if (!cmd || cmd === "help") {
    const topic = args.positionals[0];
    out.result({ help: topic ? COMMAND_HELP[topic] ?? MAIN_HELP : MAIN_HELP }, topic ? COMMAND_HELP[topic] ?? MAIN_HELP : MAIN_HELP);
    return 0;
  }
  if (args.flags.help) {
    const text = COMMAND_HELP[cmd] ?? MAIN_HELP;
    out.result({ help: text }, text);
    return 0;
  }
  switch (cmd) {
    case "release":
      return (await import("./commands-release.js")).cmdRelease(ctx, args.positionals[0], args.flags.to);
    case "run":
      return (await import("./commands-release.js")).cmdRun(ctx);
    case "status":
      return (await import("./commands-view.js")).cmdStatus(ctx);
    case "sitrep":
      return (await import("./commands-view.js")).cmdSitrep(ctx);
    case "deployment-status":
      return (await import("./commands-view.js")).cmdDeploymentStatus(ctx);
    case "list":
      return (await import("./commands-view.js")).cmdList(ctx);
    case "environments":
      return (await import("./commands-environments.js")).cmdEnvironments(ctx);
    case "orient":
      return (await import("./commands-context.js")).cmdOrient(ctx);
    case "defrag":
      return (await import("./commands-context.js")).cmdDefrag(ctx);
    case "mcp":
      return (await import("./commands-context.js")).cmdMcp(ctx);
    case "serve":
      return (await import("./commands-serve.js")).cmdServe(ctx);
    case "token":
      return (await import("./commands-serve.js")).cmdToken(ctx);
    case "user":
      return (await import("./commands-serve.js")).cmdUser(ctx);
    case "init":
    case "parse":
    case "audit":
    case "docs":
    case "features":
    case "store":
    case "validate": {
      const m = await import("./commands-misc.js");
      if (cmd === "init") return m.cmdInit(ctx);
      if (cmd === "parse") return m.cmdParse(ctx, args.positionals.join(" "));
      if (cmd === "audit") return m.cmdAudit(ctx);
      if (cmd === "docs") return m.cmdDocs(ctx);
      if (cmd === "features") return m.cmdFeatures(ctx);
      if (cmd === "store") return m.cmdStore(ctx);
      return m.cmdValidate(ctx);
    }
    default: {
      const { decisionCommands } = await import("./commands-decide.js");
      const decision = decisionCommands[cmd];
      if (decision) return decision(ctx);
      // A BRTOPS phrase: brtops "RELEASE v2.1.0 to Staging"
      if (args.positionals.length > 0 || /\s/.test(cmd)) return runPhrase(ctx, [cmd, ...args.positionals].join(" "));
      throw new BrtopsError("E_UNKNOWN_COMMAND", `Unknown command "${cmd}".`, { hint: "Run `brtops --help` for the commands, or quote a BRTOPS phrase: brtops \"RELEASE v2.1.0 to Staging\"." });
    }
  }
}

async function runPhrase(ctx: Ctx, phrase: string): Promise<number> {
  const { parseTrigger } = await import("../core/trigger-grammar.js");
  const { buildEnvironmentCatalog } = await import("../core/environments.js");
  const { findRoot, loadConfig } = await import("../config/load-config.js");
  const root = findRoot(ctx.cwd);
  const t = parseTrigger(phrase, buildEnvironmentCatalog(root ? loadConfig(root).config.environments : undefined));
  const r = { ...(await import("./commands-release.js")), ...(await import("./commands-view.js")) };
  const { decisionCommands } = await import("./commands-decide.js");
  if (t.version && t.command !== "release" && t.command !== "init" && !ctx.args.flags.release) ctx.args.flags.release = t.version;
  switch (t.command) {
    case "release":
      return r.cmdRelease(ctx, t.version ?? t.versionType, t.environment, phrase);
    case "init": {
      // INIT RELEASE: the documentation structure only.
      return r.withProject(ctx, async (p) => {
        const { mkdirSync } = await import("node:fs");
        const dir = p.releaseDir(t.version!);
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
    const redact = createRedactor(secretValuesFrom(process.env));
    if (isBrtopsError(e)) {
      if (json) process.stdout.write(`${JSON.stringify({ error: redact.deep(e.toJSON()) })}\n`);
      else process.stderr.write(redact(`brtops: ${e.message}\n${e.hint ? `  → ${e.hint}\n` : ""}  (${e.code})\n`));
      return exitAfterFlush(exitCodeFor(e.code));
    }
    const err = e as Error;
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: "E_INTERNAL", message: redact(err?.message ?? String(e)) } })}\n`);
    else process.stderr.write(redact(`brtops: internal error: ${err?.message ?? String(e)}\n  → Please report this; run with BRTOPS_DEBUG=1 for details.\n`));
    if (process.env.BRTOPS_DEBUG) process.stderr.write(redact(`${err?.stack ?? ""}\n`));
    exitAfterFlush(1);
  },
);
