/** Command-line parsing: one option table for every command (node:util parseArgs, strict). */
import { parseArgs } from "node:util";
import { BrtopsError } from "../core/errors.js";

export const OPTIONS = {
  json: { type: "boolean" },
  jsonl: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  as: { type: "string" },
  release: { type: "string" },
  cwd: { type: "string", short: "C" },
  step: { type: "string" },
  note: { type: "string" },
  reason: { type: "string" },
  "return-to": { type: "string" },
  waive: { type: "string" },
  to: { type: "string" },
  env: { type: "string" },
  "override-promotion": { type: "string" },
  "dry-run": { type: "boolean" },
  "hum-lead": { type: "string", multiple: true },
  "ai-lead": { type: "string", multiple: true },
  rebuild: { type: "boolean" },
  check: { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
  force: { type: "boolean" },
  uat: { type: "boolean" },
  words: { type: "string" },
  reject: { type: "boolean" },
  version: { type: "boolean", short: "v" },
} as const;

export interface Args {
  command: string | undefined;
  positionals: string[];
  flags: {
    json?: boolean;
    jsonl?: boolean;
    help?: boolean;
    as?: string;
    release?: string;
    cwd?: string;
    step?: string;
    note?: string;
    reason?: string;
    "return-to"?: string;
    waive?: string;
    to?: string;
    env?: string;
    "override-promotion"?: string;
    "dry-run"?: boolean;
    "hum-lead"?: string[];
    "ai-lead"?: string[];
    rebuild?: boolean;
    check?: boolean;
    port?: string;
    host?: string;
    force?: boolean;
    uat?: boolean;
    words?: string;
    reject?: boolean;
    version?: boolean;
  };
}

export function parseCli(argv: readonly string[]): Args {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    return { command: positionals[0], positionals: positionals.slice(1), flags: values as Args["flags"] };
  } catch (e) {
    throw new BrtopsError("E_USAGE", (e as Error).message.split("\n")[0]!, { hint: "Run `brtops --help` or `brtops COMMAND --help`." });
  }
}
