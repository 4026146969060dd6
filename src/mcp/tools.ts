/**
 * The MCP tools: the AI LEAD's face. The tools of the actions are generated from the action table
 * (src/actions/table.ts) — every action an AI LEAD may take, by core authority, with the same
 * options, checks, messages and error codes as the CLI and the HTTP API — plus a few views of
 * this face (sitrep, deployment status, the gate's report, scope, orient, defrag). No tool
 * approves, rejects, decides GO/NO-GO, grants auto-proceed or certifies: core authority gives an
 * AI LEAD none of those actions, so none is generated.
 */
import { z } from "zod";
import { authorize } from "../core/authority.js";
import { BrtopsError } from "../core/errors.js";
import { statusView, type StatusView } from "../core/status-view.js";
import { stepResult } from "../core/step-results.js";
import { parseActionInput } from "../actions/input.js";
import { performDecision } from "../actions/perform.js";
import { ACTIONS, actionSpec, mcpName, type ActionSpec } from "../actions/table.js";
import { rolesFor, whoMay } from "../actions/who.js";
import { listReleases, selectRelease, type Project } from "../engine/project.js";
import { readLedger } from "../engine/read-ledger.js";
import type { ReleaseSession } from "../engine/release-session.js";
import type { ProgressEvent } from "../engine/step-types.js";
import { deploymentStatus, sitrep } from "../cli/views.js";
import { AdvanceOut, DecisionOut, EnvironmentsOut, ReleasesOut, StatusOut, ViewOut } from "./outputs.js";

/** What a tool runs with: the project (acting as the server's AI LEAD), and the caller's progress channel. */
export interface ToolDeps {
  withProject<T>(fn: (p: Project, actorId: string) => Promise<T>): Promise<T>;
  statusOf(p: Project, release?: string): Promise<StatusView>;
  /** Tells the caller how a long call goes (MCP notifications/progress, when it asked with a progressToken). */
  progress(message: string): void;
}

/** MCP's tool annotations. */
export interface ToolHints {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface McpTool {
  name: string;
  description: string;
  /** The action of the action table it is generated from (null: a view of the MCP face alone). */
  action: string | null;
  input: Record<string, z.ZodType>;
  output: z.ZodType;
  annotations: ToolHints;
  run(deps: ToolDeps, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Names (a release, a version, an environment, a feedback id) are short; the message size bounds the rest. */
const release = z
  .string()
  .max(256)
  .optional()
  .describe(
    "The release: a version (its open or latest run) or a run such as 2.1.0@production (default: the current release).",
  );
const rel = (a: Record<string, unknown>): string | undefined => a.release as string | undefined;

/** Advances a release, telling the caller each step as it starts and ends (and a deploy's output lines). */
async function advance(
  p: Project,
  session: ReleaseSession,
  actorId: string,
  deps: ToolDeps,
  r?: string,
): Promise<Record<string, unknown>> {
  const actor = authorize(p.config.leads, actorId, "run", "advance a release");
  const { runRelease } = await import("../engine/run-release.js");
  const outcome = await runRelease(p, session, actor, {
    progress: (e: ProgressEvent) =>
      deps.progress(p.redact(`${e.step} ${e.status ? `[${e.status}] ` : ""}${e.message}`.slice(0, 500))),
  });
  return { ...statusView(session.state, r), stopped: outcome.stopped };
}

const hintsOf = (a: ActionSpec): ToolHints => ({
  title: a.title,
  readOnlyHint: a.hints.readOnly,
  destructiveHint: a.hints.destructive,
  idempotentHint: a.hints.idempotent,
  openWorldHint: a.hints.openWorld,
});

/** The input of an action's tool: its options (the environment one of `environments`), and which release. */
function inputOf(a: ActionSpec, environments: readonly string[]): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, f] of Object.entries(a.fields)) shape[k] = f.schema;
  if (a.name === "request" && environments.length)
    shape.environment = z
      .enum(environments as [string, ...string[]])
      .describe("the environment: one configured in brtops.config.yaml, or one of its aliases");
  if (a.name !== "request" && a.name !== "list" && a.name !== "environments") shape.release = release;
  return shape;
}

/** The action's own input (without the tool's release selector and context usage), checked by its schema. */
function actionInput(a: ActionSpec, args: Record<string, unknown>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const k of Object.keys(a.fields)) if (args[k] !== undefined) own[k] = args[k];
  return parseActionInput(a, own);
}

/** How each action of the table runs as a tool (decisions all alike; the others by name). */
function runOf(a: ActionSpec): McpTool["run"] {
  if (a.kind === "decision")
    return (d, args) =>
      d.withProject(async (p, id) => {
        const input = actionInput(a, args);
        const s = await selectRelease(p.store, rel(args), a.allowFinished ? { allowFinished: true } : {});
        const done = await performDecision(p, a, s, id, input);
        return {
          recorded: !done.dryRun,
          ...(done.dryRun ? { dryRun: true } : {}),
          said: done.said,
          then: done.runs ? "advance" : null,
          ...statusView(done.state, rel(args)),
        };
      });
  switch (a.name) {
    case "request":
      return (d, args) =>
        d.withProject(async (p, id) => {
          const input = actionInput(a, args);
          const req = {
            version: input.version as string,
            environment: input.environment as string,
            actorId: id,
            ...(typeof input.overridePromotion === "string" ? { overridePromotion: input.overridePromotion } : {}),
          };
          const { planRequest, requestRelease } = await import("../engine/request-release.js");
          if (input.dryRun) return { dryRun: true, recorded: false, ...(await planRequest(p, req)) };
          const session = await requestRelease(p, req);
          d.progress(`1.1 release ${session.release} requested by ${id}`);
          return advance(p, session, id, d, session.state.release);
        });
    case "run":
      return (d, args) =>
        d.withProject(async (p, id) => advance(p, await selectRelease(p.store, rel(args)), id, d, rel(args)));
    case "validate":
      return (d, args) =>
        d.withProject(async (p, id) => {
          const { validateRelease } = await import("../engine/validate-release.js");
          const session = await selectRelease(p.store, rel(args), { allowFinished: true });
          return { ...(await validateRelease(p, session, id)) };
        });
    case "status":
      return (d, args) => d.withProject(async (p) => ({ ...(await d.statusOf(p, rel(args))) }));
    case "list":
      return (d) => d.withProject(async (p) => ({ releases: (await listReleases(p.store)).map((r) => r.summary) }));
    case "environments":
      return (d) =>
        d.withProject(async (p) => ({
          ...(await readLedger(p.store, Object.keys(p.config.environments), p.config.promotion)),
        }));
    default:
      throw new Error(`action ${a.name} has no MCP implementation`);
  }
}

const OUTPUT: Record<string, z.ZodType> = {
  request: z.looseObject({ release: z.string(), version: z.string(), environment: z.string() }),
  run: AdvanceOut,
  status: StatusOut,
  list: ReleasesOut,
  environments: EnvironmentsOut,
};

/** The tool of an action of the table. */
function actionTool(a: ActionSpec, environments: readonly string[], name = mcpName(a)): McpTool {
  return {
    name,
    description: `${a.summary} Who: ${whoMay(a.authority)}.`,
    action: a.name,
    input: inputOf(a, environments),
    output: OUTPUT[a.name] ?? (a.kind === "decision" ? DecisionOut : ViewOut),
    annotations: hintsOf(a),
    run: runOf(a),
  };
}

const VIEW: ToolHints = {
  title: "",
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** The views of the MCP face alone (the CLI has them as commands too). */
const VIEWS: readonly McpTool[] = [
  {
    name: "sitrep",
    description: "SITREP RELEASE: ON TRACK | BLOCKED | COMPLETE | AT RISK, last and next action.",
    action: null,
    input: { release },
    output: ViewOut,
    annotations: { ...VIEW, title: "Situation report" },
    run: (d, a) =>
      d.withProject(async (p) => {
        const s = await selectRelease(p.store, rel(a), { allowFinished: true });
        return { ...sitrep(s.state, s.events) };
      }),
  },
  {
    name: "deployment_status",
    description: "DEPLOYMENT STATUS of the release: each deployment step with its timing and health.",
    action: null,
    input: { release },
    output: ViewOut,
    annotations: { ...VIEW, title: "Deployment status" },
    run: (d, a) =>
      d.withProject(async (p) => ({
        ...deploymentStatus((await selectRelease(p.store, rel(a), { allowFinished: true })).state),
      })),
  },
  {
    name: "current_report",
    description: "The report of the open gate (what the HUM LEAD is asked to decide on).",
    action: null,
    input: { release },
    output: z.looseObject({
      step: z.string(),
      round: z.string(),
      kind: z.string(),
      title: z.string(),
      report: z.string(),
    }),
    annotations: { ...VIEW, title: "The open gate's report" },
    run: (d, a) =>
      d.withProject(async (p) => {
        const v = await d.statusOf(p, rel(a));
        if (!v.gate)
          throw new BrtopsError(
            "E_NOT_AT_GATE",
            `Release ${v.version} is not at a gate (state ${v.state}, step ${v.step}); there is no report waiting.`,
            { hint: "Use the status tool, or advance the release." },
          );
        return {
          step: v.gate.step,
          round: v.gate.round,
          roundHash: v.gate.roundHash,
          kind: v.gate.kind,
          title: v.gate.title,
          report: v.gate.report,
          findings: v.gate.findings,
        };
      }),
  },
  {
    name: "check_scope",
    description: "The scope verification of step 2.3 (commits against the features), as recorded.",
    action: null,
    input: { release },
    output: z.looseObject({ step: z.literal("2.3"), status: z.string() }),
    annotations: { ...VIEW, title: "Scope verification" },
    run: (d, a) =>
      d.withProject(async (p) => {
        const s = (await selectRelease(p.store, rel(a), { allowFinished: true })).state;
        const r = s.steps["2.3"];
        if (!r)
          return {
            step: "2.3",
            status: "not-run",
            message: `Step 2.3 has not run yet for v${s.version} (at step ${s.step}).`,
          };
        return { step: "2.3", status: r.status, result: stepResult(s, "2.3") ?? null };
      }),
  },
  {
    name: "orient",
    description: "ORIENT: a cold-resume briefing (release, step, open items, last decisions, next action, readiness).",
    action: null,
    input: { release, words: z.number().int().min(10).optional() },
    output: z.looseObject({ text: z.string() }),
    annotations: { ...VIEW, title: "Orient" },
    run: (d, a) =>
      d.withProject(async (p) => {
        const { orient } = await import("../engine/orient.js");
        const r = await orient(p.store, rel(a), (a.words as number | undefined) ?? undefined);
        return { ...r.view, text: r.text };
      }),
  },
  {
    name: "defrag",
    description: "DEFRAG: writes a checkpoint summary into the release folder and records it in the log.",
    action: null,
    input: { release },
    output: z.looseObject({ file: z.string() }),
    annotations: { ...VIEW, title: "Defrag", readOnlyHint: false, idempotentHint: false },
    run: (d, a) =>
      d.withProject(async (p, id) => {
        const { defrag } = await import("../engine/defrag.js");
        return { ...(await defrag(p, rel(a), id)) };
      }),
  },
];

/** Every tool takes how full the agent's context is. */
export const CONTEXT_USAGE = z
  .number()
  .min(0)
  .max(100)
  .optional()
  .describe("How full your context is, in percent: the result then says whether to DEFRAG or ORIENT.");

/**
 * A tool's arguments checked as the other faces check them: the action's options by the action
 * table's schema (E_BAD_REQUEST with the CLI's and the API's message), the rest (which release,
 * contextUsage) by the tool's; an unknown argument is refused, naming the ones it takes.
 */
export function checkToolInput(t: McpTool, args: Record<string, unknown>): Record<string, unknown> {
  const a = t.action ? actionSpec(t.action) : undefined;
  const own = new Set(a ? Object.keys(a.fields) : []);
  const mine: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) (own.has(k) ? mine : rest)[k] = v;
  const shape: Record<string, z.ZodType> = { contextUsage: CONTEXT_USAGE };
  for (const [k, v] of Object.entries(t.input)) if (!own.has(k)) shape[k] = v;
  const r = z.strictObject(shape).safeParse(rest);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    const takes = Object.keys({ ...t.input, contextUsage: true });
    throw new BrtopsError("E_BAD_REQUEST", `The input of \`${t.name}\` is invalid: ${msg}.`, {
      hint: `\`${t.name}\` takes ${takes.join(", ")}.`,
      details: { tool: t.name, options: takes },
    });
  }
  return { ...r.data, ...(a ? parseActionInput(a, mine) : {}) };
}

/**
 * Every tool the server registers for a project whose configured environments are `environments`:
 * each action of the table an AI LEAD may take (core authority decides which), then the views.
 * `environments` stays as the name it had before list_environments, for agents that know it.
 */
export function mcpTools(environments: readonly string[]): McpTool[] {
  const mine = ACTIONS.filter((a) => {
    const roles = rolesFor(a.authority);
    return roles === null || roles.includes("ai-lead");
  });
  const tools = mine.map((a) => actionTool(a, environments));
  const ledger = ACTIONS.find((a) => a.name === "environments")!;
  return [...tools, actionTool(ledger, environments, "environments"), ...VIEWS];
}
