#!/usr/bin/env node
// The GitHub Action's step (action.yml): runs one brtops phrase or command with --json and writes
// where the release stands to $GITHUB_OUTPUT (state, version, step, release). brtops itself, seeing
// GITHUB_ACTIONS=true, turns gates and findings into annotations and appends the step summary.
// The inputs arrive in the environment (INPUT_*), never inside a shell line; the phrase is split
// into words here (quotes group words) and handed to brtops as an argument array.
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Words of a command line: whitespace separates, '…' and "…" group; nothing is expanded. */
export function words(line) {
  const out = [];
  let cur = "";
  let quote = null;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else cur += ch;
  }
  if (quote) throw new Error(`unclosed ${quote} in the phrase`);
  if (has || cur) out.push(cur);
  return out;
}

/** One line of $GITHUB_OUTPUT: the value on one line (the runner reads name=value). */
function output(file, name, value) {
  if (file) appendFileSync(file, `${name}=${String(value ?? "").replace(/[\r\n]+/g, " ")}\n`);
}

/** A workflow command's message and property escaping (the runner's rules). */
const data = (t) => t.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const prop = (t) => data(t).replace(/:/g, "%3A").replace(/,/g, "%2C");

function main(env) {
  const phrase = (env.INPUT_PHRASE ?? "").trim();
  if (!phrase) {
    process.stderr.write(`::error title=${prop("brtops action")}::${data("The input `phrase` is required.")}\n`);
    return 2;
  }
  const cli = env.BRTOPS_CLI || resolve(dirname(fileURLToPath(import.meta.url)), "../dist/cli.js");
  const args = [...words(phrase), "--json"];
  if (env.INPUT_AS) args.push("--as", env.INPUT_AS);
  if (env.INPUT_RELEASE) args.push("--release", env.INPUT_RELEASE);
  if (env.INPUT_CWD) args.push("--cwd", env.INPUT_CWD);
  const r = spawnSync(process.execPath, [cli, ...args], {
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const code = r.status ?? 1;
  let result = null;
  try {
    result = JSON.parse((r.stdout ?? "").trim().split("\n").at(-1) ?? "");
  } catch {
    result = null;
  }
  const file = env.GITHUB_OUTPUT;
  if (result?.error) {
    const e = result.error;
    process.stderr.write(
      `::error title=${prop(`brtops: ${e.code}`)}::${data(`${e.message}${e.hint ? ` — ${e.hint}` : ""}`)}\n`,
    );
    if (env.GITHUB_STEP_SUMMARY)
      appendFileSync(
        env.GITHUB_STEP_SUMMARY,
        `### brtops: \`${phrase.replace(/`/g, "")}\` refused\n\n${e.code}: ${String(e.message).replace(/[<>|\r\n]/g, " ")}\n\n`,
      );
    output(file, "state", "error");
    output(file, "error", e.code);
  } else if (result) {
    output(file, "state", result.state ?? "");
    output(file, "version", result.version ?? "");
    output(file, "step", result.step ?? "");
    output(file, "release", result.release ?? "");
  }
  output(file, "exit-code", code);
  process.stdout.write(r.stdout ?? "");
  // Waiting for a HUM LEAD (exit 3) is where a release stops between jobs, not a failure.
  return code === 3 ? 0 : code;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.env);
