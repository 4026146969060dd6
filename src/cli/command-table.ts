/**
 * The command table: every brtops command defined once — its name, what it does, its arguments,
 * its own options (with their types), who may run it, and how it runs. The parser (parse-command)
 * accepts for a command only its options and the global ones, `--help` prints from here, and a
 * misspelt command is answered with the nearest names.
 *
 * To add a command: add an entry to COMMANDS (options by name from OPTIONS; add a new option there
 * first), with `run` importing its implementation lazily so `brtops status` stays light.
 */
import type { Action } from "../core/authority.js";
import type { Ctx } from "./context.js";

export type OptionType = "boolean" | "string" | "strings";

export interface OptionSpec {
  type: OptionType;
  short?: string;
  /** The value's name in help ("V", "ENV"). */
  value?: string;
  description: string;
}

/** Every option any command takes; a command lists the names it accepts. */
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
  step: { type: "string", value: "ID", description: "the step you saw (refused when the release has moved on)" },
  note: { type: "string", value: "T", description: "a note recorded with the decision" },
  reason: { type: "string", value: "T", description: "why (recorded)" },
  "return-to": { type: "string", value: "PHASE", description: "the phase the release returns to (NO-GO at 5.10)" },
  waive: { type: "string", value: "REASON", description: "approve over critical findings, with a recorded waiver" },
  proposal: {
    type: "string",
    value: "P1",
    description: "COLLAB: the AI LEAD's proposal this decision accepts (both named in the decision)",
  },
  "sign-key": {
    type: "string",
    value: "FILE",
    description:
      "sign the decision with this SSH key (else BRTOPS_SIGNING_KEY, else git's user.signingkey with gpg.format=ssh)",
  },
  to: { type: "string", value: "ENV", description: "the environment" },
  "override-promotion": {
    type: "string",
    value: "REASON",
    description: "a HUM LEAD deploys outside the promotion order",
  },
  "dry-run": { type: "boolean", description: "make every check, record nothing" },
  "hum-lead": { type: "strings", value: "ID", description: "a HUM LEAD (repeatable)" },
  "ai-lead": { type: "strings", value: "ID", description: "an AI LEAD (repeatable)" },
  force: { type: "boolean", description: "overwrite an existing config" },
  rebuild: { type: "boolean", description: "rewrite the documents from the logs" },
  check: { type: "boolean", description: "exit 1 when a document differs from the logs" },
  port: { type: "string", value: "N", description: "port (default 4300; 0 picks a free one)" },
  host: { type: "string", value: "H", description: "host (default 127.0.0.1)" },
  uat: { type: "boolean", description: "UAT sign-off (phase 3) rather than stakeholders (phase 5)" },
  reject: { type: "boolean", description: "sign off as rejected" },
  words: { type: "string", value: "N", description: "at most N words (default 2000)" },
  version: { type: "boolean", short: "v", description: "brtops's version" },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

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
  /** Who may run it: the authority action it is checked as (core/authority), or null for reading. */
  action: Action | null;
  run(ctx: Ctx): Promise<number>;
}

const decision =
  (name: string) =>
  async (ctx: Ctx): Promise<number> => {
    const { decisionCommands } = await import("./commands-decide.js");
    const run = decisionCommands[name];
    if (!run) throw new Error(`command ${name} has no implementation`);
    return run(ctx);
  };
const misc = async () => import("./commands-misc.js");
const view = async () => import("./commands-view.js");

/** Options of the commands that record a decision: all of them take --dry-run (checked, not recorded). */
const DECIDE = ["step", "note", "dry-run"] as const satisfies readonly OptionName[];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "init",
    group: "Start",
    args: "",
    maxArgs: 0,
    summary: "Writes a commented brtops.config.yaml and creates the docs folders.",
    options: ["hum-lead", "ai-lead", "force", "dry-run"],
    action: null,
    run: async (ctx) => (await misc()).cmdInit(ctx),
  },
  {
    name: "release",
    group: "Start",
    args: "<VERSION|major|minor|patch>",
    maxArgs: 1,
    summary: "Requests a release (RELEASE v{version} to {target}) and advances it to the first HUM LEAD gate.",
    details:
      "A version already certified on another environment is promoted: the same approved package, no rebuild.\nA version whose earlier attempts ended aborted or rolled back is tried again as a new attempt.\nOne release per environment at a time. --override-promotion (a HUM LEAD, with a reason) deploys outside\nthe configured promotion order. --dry-run makes every check of the real request (version, order, environment,\nexisting or busy release, preflight), records nothing, and exits with the code of the real request's refusal.",
    options: ["to", "override-promotion", "dry-run", "jsonl"],
    action: "request",
    run: async (ctx) =>
      (await import("./commands-release.js")).cmdRelease(ctx, ctx.args.positionals[0], ctx.args.flags.to),
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
    name: "run",
    group: "Advance",
    args: "",
    maxArgs: 0,
    summary: "Advances the release as far as it can go: until a HUM LEAD must decide, it ends, or a step fails.",
    options: ["jsonl"],
    action: "run",
    run: async (ctx) => (await import("./commands-release.js")).cmdRun(ctx),
  },
  {
    name: "go",
    group: "Advance",
    args: "",
    maxArgs: 0,
    summary:
      "GO RELEASE: grants auto-proceed. For SEV-2 and lower, gates without findings are approved on this grant; GO/NO-GO and certification still wait for a person. Refused at SEV-0 and SEV-1.",
    options: ["note", "dry-run"],
    action: "grant-auto-proceed",
    run: decision("go"),
  },
  {
    name: "pause",
    group: "Advance",
    args: "",
    maxArgs: 0,
    summary: "RELEASE PAUSE: holds the release at the next safe checkpoint.",
    options: ["note", "dry-run"],
    action: "pause",
    run: decision("pause"),
  },
  {
    name: "resume",
    group: "Advance",
    args: "",
    maxArgs: 0,
    summary: "RELEASE RESUME: goes on from the checkpoint (then `brtops run`).",
    options: ["note", "dry-run"],
    action: "resume",
    run: decision("resume"),
  },
  {
    name: "abort",
    group: "Advance",
    args: "",
    maxArgs: 0,
    summary: "RELEASE ABORT: stops and rolls back what was deployed, in reverse order.",
    options: ["note", "dry-run", "jsonl"],
    action: "abort",
    run: decision("abort"),
  },
  {
    name: "rollback",
    group: "Advance",
    args: "",
    maxArgs: 0,
    summary: "RELEASE ROLLBACK: takes the deployment back to the previous version (--env ENV after certification).",
    options: ["note", "dry-run", "jsonl"],
    action: "rollback",
    run: decision("rollback"),
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
    name: "validate",
    group: "Advance",
    args: "",
    maxArgs: 0,
    summary: "RELEASE VALIDATE: runs post-deployment validation on its own and records it.",
    options: [],
    action: "validate",
    run: async (ctx) => (await misc()).cmdValidate(ctx),
  },
  {
    name: "approve",
    group: "Decide",
    args: "",
    maxArgs: 0,
    summary: "Approves the open gate (at 5.10 the GO decision, at 7.10 certification). Critical findings need --waive.",
    options: [...DECIDE, "waive", "sign-key", "proposal"],
    action: "approve",
    run: decision("approve"),
  },
  {
    name: "reject",
    group: "Decide",
    args: "",
    maxArgs: 0,
    summary: "Rejects the open gate (at 5.10: NO-GO); the release returns to the start of PHASE.",
    options: [...DECIDE, "reason", "return-to", "sign-key"],
    action: "reject",
    run: decision("reject"),
  },
  {
    name: "guide",
    group: "Decide",
    args: "retry|rollback|continue",
    maxArgs: 1,
    summary:
      "A HUM LEAD chooses how to handle an incident (a failed step); an emergency contact may choose rollback (Emergency Authority).",
    options: [...DECIDE, "proposal"],
    action: "incident-guidance",
    run: decision("guide"),
  },
  {
    name: "propose",
    group: "Decide",
    args: 'accept-risk "TEXT" | guidance retry|rollback|continue "TEXT"',
    maxArgs: Infinity,
    summary:
      "COLLAB: the AI LEAD proposes a joint decision for a HUM LEAD to accept — a risk acceptance at the phase 5 gate (the risks 5.3 assessed) or an incident's guidance.",
    details:
      "A proposal decides nothing on its own. A HUM LEAD accepts it with `brtops accept P1`, or names it in their\ndecision (`brtops approve --proposal P1`, `brtops guide rollback --proposal P2`); the decision names both.",
    options: DECIDE,
    action: "propose",
    run: decision("propose"),
  },
  {
    name: "accept",
    group: "Decide",
    args: "P1",
    maxArgs: 1,
    summary:
      "COLLAB: a HUM LEAD accepts the AI LEAD's proposal (a risk acceptance, or an incident's guidance, which then applies).",
    options: DECIDE,
    action: "accept-proposal",
    run: decision("accept"),
  },
  {
    name: "incident",
    group: "Decide",
    args: 'note "TEXT"',
    maxArgs: Infinity,
    summary:
      "A HUM LEAD adds to the remediation plan of a run that had an incident, a rollback or an abort (also after it ended).",
    options: DECIDE,
    action: "incident-note",
    run: decision("incident"),
  },
  {
    name: "waive",
    group: "Decide",
    args: "FEATURE",
    maxArgs: Infinity,
    summary: "Lets a feature that is not ready into the release, recorded.",
    options: [...DECIDE, "reason"],
    action: "waive",
    run: decision("waive"),
  },
  {
    name: "exclude",
    group: "Decide",
    args: "FEATURE",
    maxArgs: Infinity,
    summary: "Leaves a feature out of the release, recorded.",
    options: [...DECIDE, "reason"],
    action: "waive",
    run: decision("exclude"),
  },
  {
    name: "sev",
    group: "Decide",
    args: "SEV-N",
    maxArgs: 1,
    summary: "A HUM LEAD overrides the release SEV (and so its phase plan).",
    options: [...DECIDE, "reason"],
    action: "override-sev",
    run: decision("sev"),
  },
  {
    name: "signoff",
    group: "Decide",
    args: '["NOTE"]',
    maxArgs: Infinity,
    summary:
      "A configured person signs off (UAT for phase 3 with --uat, else stakeholders for phase 5). AI LEADs cannot sign off.",
    options: [...DECIDE, "uat", "reject"],
    action: "signoff",
    run: decision("signoff"),
  },
  {
    name: "feedback",
    group: "Talk",
    args: '"TEXT"',
    maxArgs: Infinity,
    summary: "Adds feedback to the current gate (anyone named in the config).",
    options: DECIDE,
    action: "feedback",
    run: decision("feedback"),
  },
  {
    name: "respond",
    group: "Talk",
    args: 'F1 "TEXT"',
    maxArgs: Infinity,
    summary: "The AI LEAD answers a piece of feedback.",
    options: DECIDE,
    action: "respond",
    run: decision("respond"),
  },
  {
    name: "ask",
    group: "Talk",
    args: '"QUESTION"',
    maxArgs: Infinity,
    summary: "Asks the HUM LEAD a clarifying question (HUM CALL).",
    options: DECIDE,
    action: "ask",
    run: decision("ask"),
  },
  {
    name: "answer",
    group: "Talk",
    args: 'Q1 "TEXT"',
    maxArgs: Infinity,
    summary: "A HUM LEAD answers a question.",
    options: DECIDE,
    action: "answer",
    run: decision("answer"),
  },
  {
    name: "status",
    group: "Look",
    args: "",
    maxArgs: 0,
    summary: "RELEASE STATUS: phase, step, state, the gate's report and the commands to type next.",
    options: [],
    action: null,
    run: async (ctx) => (await view()).cmdStatus(ctx),
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
    name: "environments",
    group: "Look",
    args: "",
    maxArgs: 0,
    summary:
      "What runs where: per environment the version running now, since when, by which release, its commit and artifact digests, and its history.",
    options: [],
    action: null,
    run: async (ctx) => (await import("./commands-environments.js")).cmdEnvironments(ctx),
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
    name: "list",
    group: "Look",
    args: "",
    maxArgs: 0,
    summary: "Every release in the store.",
    options: [],
    action: null,
    run: async (ctx) => (await view()).cmdList(ctx),
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
      "Serves the web dashboard at / and the HTTP API (default 127.0.0.1:4300); browsers sign in with a password (brtops user add ID), agents send Authorization: Bearer <token>. Stop with Ctrl-C.",
    options: ["port", "host"],
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

const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c]));

/** The command named `name`, if there is one. */
export function commandSpec(name: string): CommandSpec | undefined {
  return BY_NAME.get(name);
}

/** Every option a command accepts: its own, then the global ones. */
export function optionsOf(spec: Pick<CommandSpec, "options">): OptionName[] {
  return [...new Set<OptionName>([...spec.options, ...GLOBAL_OPTIONS])];
}

/** How help shows an option: `-C, --cwd DIR`. */
export function optionLabel(name: OptionName): string {
  const o: OptionSpec = OPTIONS[name];
  return `${o.short ? `-${o.short}, ` : ""}--${name}${"value" in o && o.value ? ` ${o.value}` : ""}`;
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
  return scored.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name)).map((x) => x.name);
}
