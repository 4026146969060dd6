/**
 * The command table: every brtops command defined once — its name, what it does, its arguments,
 * its own options (with their types), who may run it, and how it runs. The parser (parse-command)
 * accepts for a command only its options and the global ones, `--help` prints from here, and a
 * misspelt command is answered with the nearest names.
 *
 * The commands that act on a release (request, run, the decisions, status, list, environments)
 * are generated from the action table (src/actions/table.ts), which the HTTP routes and the MCP
 * tools are generated from too: their options are the actions' options (`returnTo` is
 * `--return-to`), checked by the same schema. The others (init, serve, docs …) are listed here, with
 * options from OPTIONS and `run` importing their implementation lazily so `brtops status` stays light.
 */
import type { Action } from "../core/authority.js";
import { ACTIONS, type ActionSpec } from "../actions/table.js";
import type { Ctx } from "./context.js";
import { byCodeUnit } from "../core/text-order.js";

export type OptionType = "boolean" | "string" | "strings";

export interface OptionSpec {
  type: OptionType;
  short?: string;
  /** The value's name in help ("V", "ENV"). */
  value?: string;
  description: string;
}

/** The options of the commands not generated from the action table, and the global ones. */
export const OPTIONS = {
  json: { type: "boolean", description: "print one JSON object" },
  help: { type: "boolean", short: "h", description: "help for the command" },
  as: { type: "string", value: "ID", description: "act as ID (else BRTOPS_ACTOR, else git user.email)" },
  release: {
    type: "string",
    value: "V",
    description: "the release (a version, or a run such as 1.1.0@production), when more than one is open",
  },
  env: { type: "string", value: "ENV", description: "the release on that environment" },
  cwd: { type: "string", short: "C", value: "DIR", description: "the project folder" },
  jsonl: { type: "boolean", description: "one JSON line per event, then the final status" },
  "sign-key": {
    type: "string",
    value: "FILE",
    description:
      "sign the decision with this SSH key (else BRTOPS_SIGNING_KEY, else git's user.signingkey with gpg.format=ssh)",
  },
  to: { type: "string", value: "ENV", description: "the environment" },
  "dry-run": { type: "boolean", description: "make every check, record nothing" },
  "hum-lead": { type: "strings", value: "ID", description: "a HUM LEAD (repeatable)" },
  "ai-lead": { type: "strings", value: "ID", description: "an AI LEAD (repeatable)" },
  force: { type: "boolean", description: "overwrite an existing config" },
  rebuild: { type: "boolean", description: "rewrite the documents from the logs" },
  check: { type: "boolean", description: "exit 1 when a document differs from the logs" },
  port: { type: "string", value: "N", description: "port (default 4300; 0 picks a free one)" },
  host: { type: "string", value: "H", description: "host (default 127.0.0.1)" },
  "no-runner": {
    type: "boolean",
    description: "record decisions only; do not carry them out (then `brtops run` does)",
  },
  uat: { type: "boolean", description: "UAT sign-off (phase 3) rather than stakeholders (phase 5)" },
  words: { type: "string", value: "N", description: "at most N words (default 2000)" },
  version: { type: "boolean", short: "v", description: "brtops's version" },
} as const satisfies Record<string, OptionSpec>;

/** An option's name on the command line (without the dashes). */
export type OptionName = string;

/** Taken by every command. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ["json", "help", "as", "release", "env", "cwd"];

export const GROUPS = ["Start", "Advance", "Decide", "Talk", "Look", "Serve"] as const;
export type Group = (typeof GROUPS)[number];

export interface CommandSpec {
  name: string;
  group: Group;
  /** The arguments, as help shows them: `<VERSION|major|minor|patch>`, `"TEXT"`. */
  args: string;
  /** Most positional arguments it takes (text arguments: Infinity). */
  maxArgs: number;
  summary: string;
  /** More help, after the summary. */
  details?: string;
  /** The command's own options (the global ones come on top). */
  options: readonly OptionName[];
  /** Options this command defines itself (from its action's options); others come from OPTIONS. */
  optionSpecs?: Readonly<Record<string, OptionSpec>>;
  /** Who may run it: the authority action it is checked as (core/authority), or null for reading. */
  action: Action | null;
  /** The action of the action table it is generated from. */
  actionName?: string;
  run(ctx: Ctx): Promise<number>;
}

const misc = async () => import("./commands-misc.js");
const view = async () => import("./commands-view.js");

/** The command line's words for an action's options: option name → the input key it fills. */
export function cliOptionsOf(a: ActionSpec): {
  names: string[];
  specs: Record<string, OptionSpec>;
  keys: Record<string, string>;
} {
  const names: string[] = [];
  const specs: Record<string, OptionSpec> = {};
  const keys: Record<string, string> = {};
  for (const [key, fl] of Object.entries(a.fields)) {
    if (fl.ui.arg !== undefined) continue;
    const name = fl.ui.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    names.push(name);
    keys[name] = key;
    specs[name] = fl.ui.value
      ? { type: "string", value: fl.ui.value, description: fl.ui.description }
      : { type: "boolean", description: fl.ui.description };
  }
  return { names, specs, keys };
}

/** How help shows an action's words: `F1 "TEXT"`, `SEV-N`. */
function argsOf(a: ActionSpec): { args: string; max: number } {
  const pos = Object.values(a.fields).filter((fl) => fl.ui.arg !== undefined);
  const words = pos
    .sort((x, y) => (x.ui.arg === "rest" ? 1 : y.ui.arg === "rest" ? -1 : Number(x.ui.arg) - Number(y.ui.arg)))
    .map((fl) => (fl.ui.arg === "rest" ? `"${fl.ui.value ?? "TEXT"}"` : (fl.ui.value ?? "VALUE")));
  const rest = pos.some((fl) => fl.ui.arg === "rest") || a.cliInput !== undefined;
  return { args: a.args ?? words.join(" "), max: rest ? Infinity : pos.length };
}

/** The command line's name for an action (request is `brtops release`). */
const CLI_NAME: Record<string, string> = { request: "release" };
/** Options of the command line alone: how it prints (--jsonl) and how it signs (--sign-key). */
const CLI_ONLY: Record<string, readonly OptionName[]> = {
  request: ["jsonl"],
  run: ["jsonl"],
  abort: ["jsonl"],
  rollback: ["jsonl"],
};
/** The commands of actions each face carries out itself (not a decision on a release). */
const RUNS: Record<string, (ctx: Ctx) => Promise<number>> = {
  request: async (ctx) => (await import("./commands-action.js")).cmdRequest(ctx),
  run: async (ctx) => (await import("./commands-release.js")).cmdRun(ctx),
  validate: async (ctx) => (await misc()).cmdValidate(ctx),
  status: async (ctx) => (await view()).cmdStatus(ctx),
  list: async (ctx) => (await view()).cmdList(ctx),
  environments: async (ctx) => (await import("./commands-environments.js")).cmdEnvironments(ctx),
};

/** A command for each action of the action table. */
function actionCommand(a: ActionSpec): CommandSpec {
  const o = cliOptionsOf(a);
  const extra = [...(a.cliOptions ?? []), ...(a.signs ? ["sign-key"] : []), ...(CLI_ONLY[a.name] ?? [])];
  const { args, max } = argsOf(a);
  const run = RUNS[a.name];
  return {
    name: CLI_NAME[a.name] ?? a.name,
    group: a.group,
    args,
    maxArgs: max,
    summary: a.summary,
    ...(a.details ? { details: a.details } : {}),
    options: [...o.names, ...extra],
    optionSpecs: o.specs,
    action: a.authority === "read" ? null : a.authority,
    actionName: a.name,
    run: run ?? (async (ctx) => (await import("./commands-action.js")).runAction(ctx, a)),
  };
}

const HAND_COMMANDS: readonly CommandSpec[] = [
  {
    name: "init",
    group: "Start",
    args: "",
    maxArgs: 0,
    summary:
      "Writes a commented brtops.config.yaml from what it finds (a GitHub origin, package.json, tags, scripts/), the docs folders, and .brtops/ into .gitignore. Asks on a terminal; --dry-run prints it.",
    options: ["hum-lead", "ai-lead", "force", "dry-run"],
    action: null,
    run: async (ctx) => (await import("./commands-init.js")).cmdInit(ctx),
  },
  {
    name: "demo",
    group: "Start",
    args: "",
    maxArgs: 0,
    summary:
      "A whole release on a generated sample project with a scripted HUM LEAD (labelled as such), ending CERTIFIED.",
    options: [],
    action: null,
    run: async (ctx) => (await import("../demo/demo-command.js")).cmdDemo(ctx),
  },
  {
    name: "parse",
    group: "Start",
    args: '"PHRASE"',
    maxArgs: Infinity,
    summary: "Shows how a BRTOPS phrase is understood.",
    options: [],
    action: null,
    run: async (ctx) => (await misc()).cmdParse(ctx, ctx.args.positionals.join(" ")),
  },
  {
    name: "escalate",
    group: "Advance",
    args: "",
    maxArgs: 0,
    summary:
      "Emergency Authority: pages the emergency contacts about every incident that waited emergency.escalateAfter with no HUM LEAD decision (once per incident; `brtops serve` does it on a timer).",
    options: [],
    action: "read",
    run: async (ctx) => (await import("./commands-emergency.js")).cmdEscalate(ctx),
  },
  {
    name: "sitrep",
    group: "Look",
    args: "",
    maxArgs: 0,
    summary: "SITREP RELEASE: status ON TRACK | BLOCKED | COMPLETE | AT RISK, last and next action.",
    options: [],
    action: null,
    run: async (ctx) => (await view()).cmdSitrep(ctx),
  },
  {
    name: "deployment-status",
    group: "Look",
    args: "",
    maxArgs: 0,
    summary: "DEPLOYMENT STATUS: each deployment step with its timing and health.",
    options: [],
    action: null,
    run: async (ctx) => (await view()).cmdDeploymentStatus(ctx),
  },
  {
    name: "features",
    group: "Look",
    args: "",
    maxArgs: 0,
    summary: "Feature readiness: each feature's status with its source, the system readiness and recommendation.",
    options: [],
    action: null,
    run: async (ctx) => (await misc()).cmdFeatures(ctx),
  },
  {
    name: "docs",
    group: "Look",
    args: "",
    maxArgs: 0,
    summary: "The version's documents, every run of it; --rebuild rewrites them from the logs, --check compares them.",
    options: ["rebuild", "check"],
    action: null,
    run: async (ctx) => (await misc()).cmdDocs(ctx),
  },
  {
    name: "audit",
    group: "Look",
    args: "[verify]",
    maxArgs: 1,
    summary:
      "Shows the event log; `verify` checks the hash chain and every decision's signature against the configured keys, names the first bad event (exit 1) and lists unsigned decisions.",
    options: [],
    action: null,
    run: async (ctx) => (await misc()).cmdAudit(ctx),
  },
  {
    name: "orient",
    group: "Look",
    args: "",
    maxArgs: 1,
    summary:
      "ORIENT: a briefing to resume cold (step, open items, last decisions, next action, Ready for operations), within N words.",
    options: ["words"],
    action: null,
    run: async (ctx) => (await import("./commands-context.js")).cmdOrient(ctx),
  },
  {
    name: "defrag",
    group: "Look",
    args: "",
    maxArgs: 0,
    summary:
      "DEFRAG: writes a checkpoint in the release folder (decisions, open items, step, documents kept) and records it.",
    options: [],
    action: null,
    run: async (ctx) => (await import("./commands-context.js")).cmdDefrag(ctx),
  },
  {
    name: "serve",
    group: "Serve",
    args: "",
    maxArgs: 0,
    summary:
      "Serves the web dashboard at / and the HTTP API (default 127.0.0.1:4300); browsers sign in with a password (brtops user add ID), agents send Authorization: Bearer <token>. Its runner carries out the decisions recorded (as `brtops run` would; several servers and runners can share a PostgreSQL store). Stop with Ctrl-C: the steps in hand finish first.",
    options: ["port", "host", "no-runner"],
    action: null,
    run: async (ctx) => (await import("./commands-serve.js")).cmdServe(ctx),
  },
  {
    name: "mcp",
    group: "Serve",
    args: "",
    maxArgs: 0,
    summary:
      "Serves the AI LEAD's tools over the Model Context Protocol (stdio). No tool approves, rejects, decides GO/NO-GO or certifies.",
    options: [],
    action: null,
    run: async (ctx) => (await import("./commands-context.js")).cmdMcp(ctx),
  },
  {
    name: "token",
    group: "Serve",
    args: "create ID",
    maxArgs: 2,
    summary: "Creates an API token acting as ID (shown once; stored hashed in .brtops/tokens.json).",
    options: [],
    action: null,
    run: async (ctx) => (await import("./commands-serve.js")).cmdToken(ctx),
  },
  {
    name: "user",
    group: "Serve",
    args: "add ID",
    maxArgs: 2,
    summary: "Sets ID's password (read from stdin; scrypt-hashed in .brtops/users.json) for the dashboard's sign-in.",
    options: [],
    action: null,
    run: async (ctx) => (await import("./commands-serve.js")).cmdUser(ctx),
  },
  {
    name: "completion",
    group: "Serve",
    args: "bash|zsh|fish",
    maxArgs: 1,
    summary:
      "Prints the shell completion script (commands and their options): source <(brtops completion bash), brtops completion fish | source.",
    options: [],
    action: null,
    run: async (ctx) => {
      const { completionScript } = await import("./completion.js");
      const script = completionScript(ctx.args.positionals[0]);
      ctx.out.result({ shell: ctx.args.positionals[0], script }, script);
      return 0;
    },
  },
  {
    name: "store",
    group: "Serve",
    args: "copy",
    maxArgs: 1,
    summary:
      "Copies releases (or --release V) from this project's store to another (e.g. postgres://…), chains intact.",
    options: ["to"],
    action: null,
    run: async (ctx) => (await misc()).cmdStore(ctx),
  },
];

/** Every command: the action table's, then the others, in the order of their groups. */
export const COMMANDS: readonly CommandSpec[] = GROUPS.flatMap((g) => [
  ...ACTIONS.map(actionCommand).filter((c) => c.group === g),
  ...HAND_COMMANDS.filter((c) => c.group === g),
]);

const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c]));

/** The command named `name`, if there is one. */
export function commandSpec(name: string): CommandSpec | undefined {
  return BY_NAME.get(name);
}

/** Every option a command accepts: its own, then the global ones. */
export function optionsOf(spec: Pick<CommandSpec, "options">): OptionName[] {
  return [...new Set<OptionName>([...spec.options, ...GLOBAL_OPTIONS])];
}

/** An option as `spec` defines it (its action's option), else from OPTIONS. */
export function optionSpec(name: OptionName, spec?: Pick<CommandSpec, "optionSpecs">): OptionSpec {
  const o = spec?.optionSpecs?.[name] ?? (OPTIONS as Record<string, OptionSpec>)[name];
  if (!o) throw new Error(`option --${name} is not defined`);
  return o;
}

/** How help shows an option: `-C, --cwd DIR`. */
export function optionLabel(name: OptionName, spec?: Pick<CommandSpec, "optionSpecs">): string {
  const o = optionSpec(name, spec);
  return `${o.short ? `-${o.short}, ` : ""}--${name}${o.value ? ` ${o.value}` : ""}`;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) d[0]![j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      // A swap of two neighbours (stauts → status) counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The command names nearest to a misspelt one (at most a third of its letters off). */
export function similarCommands(word: string): string[] {
  const w = word.toLowerCase();
  const scored = COMMANDS.map((c) => ({
    name: c.name,
    d: c.name.startsWith(w) && w.length >= 3 ? 0 : distance(w, c.name),
  })).filter((x) => x.d <= Math.max(1, Math.floor(w.length / 3)));
  return scored.sort((a, b) => a.d - b.d || byCodeUnit(a.name, b.name)).map((x) => x.name);
}
