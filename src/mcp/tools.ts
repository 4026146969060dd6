/** The MCP tools: what an AI LEAD may do. No tool approves, rejects, decides GO/NO-GO, grants auto-proceed or certifies. */
import { stepResult } from "../core/step-results.js";
import { z } from "zod";
import { authorize } from "../core/authority.js";
import { BrtopsError } from "../core/errors.js";
import { statusView, type StatusView } from "../core/status-view.js";
import { askQuestion, propose, respondToFeedback } from "../engine/decisions.js";
import { selectRelease, type Project } from "../engine/project.js";
import { requestRelease } from "../engine/request-release.js";
import { readLedger } from "../engine/read-ledger.js";
import { runRelease } from "../engine/run-release.js";
import type { ReleaseSession } from "../engine/release-session.js";
import { deploymentStatus, sitrep } from "../cli/views.js";

export interface ToolDeps {
  withProject<T>(fn: (p: Project, actorId: string) => Promise<T>): Promise<T>;
  statusOf(p: Project, release?: string): Promise<StatusView>;
}

export interface McpTool {
  name: string;
  description: string;
  input: Record<string, z.ZodType>;
  run(deps: ToolDeps, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Names (a release, a version, an environment, a feedback id) are short; the message size bounds the rest. */
const name = z.string().max(256);
const release = name
  .optional()
  .describe(
    "The release: a version (its open or latest run) or a run such as 2.1.0@production (default: the current release).",
  );
const rel = (a: Record<string, unknown>): string | undefined => a.release as string | undefined;

async function advance(
  p: Project,
  session: ReleaseSession,
  actorId: string,
  r?: string,
): Promise<Record<string, unknown>> {
  const actor = authorize(p.config.leads, actorId, "run", "advance a release");
  const outcome = await runRelease(p, session, actor);
  return { ...statusView(session.state, r), stopped: outcome.stopped };
}

/** Every tool the server registers. */
export const MCP_TOOLS: readonly McpTool[] = [
  {
    name: "request_release",
    description: "RELEASE v{version} to {environment}: requests a release and advances it to the first HUM LEAD gate.",
    input: {
      version: name.describe("2.1.0, or major | minor | patch"),
      environment: name.describe("e.g. staging, production"),
    },
    run: (d, a) =>
      d.withProject(async (p, id) => {
        const session = await requestRelease(p, {
          version: a.version as string,
          environment: a.environment as string,
          actorId: id,
        });
        return advance(p, session, id, session.state.release);
      }),
  },
  {
    name: "environments",
    description:
      "What runs where (the ledger): per environment the version running now, since when, by which release, its commit and artifact digests, and its history.",
    input: {},
    run: (d) =>
      d.withProject(async (p) => ({
        ...(await readLedger(p.store, Object.keys(p.config.environments), p.config.promotion)),
      })),
  },
  {
    name: "advance",
    description: "Runs the release as far as it can go: until a HUM LEAD must decide, it ends, or a step fails.",
    input: { release },
    run: (d, a) => d.withProject(async (p, id) => advance(p, await selectRelease(p.store, rel(a)), id, rel(a))),
  },
  {
    name: "status",
    description: "RELEASE STATUS: phase, step, state, the gate and what comes next.",
    input: { release },
    run: (d, a) => d.withProject(async (p) => ({ ...(await d.statusOf(p, rel(a))) })),
  },
  {
    name: "sitrep",
    description: "SITREP RELEASE: ON TRACK | BLOCKED | COMPLETE | AT RISK, last and next action.",
    input: { release },
    run: (d, a) =>
      d.withProject(async (p) => {
        const s = await selectRelease(p.store, rel(a), { allowFinished: true });
        return { ...sitrep(s.state, s.events) };
      }),
  },
  {
    name: "deployment_status",
    description: "DEPLOYMENT STATUS of the release.",
    input: { release },
    run: (d, a) =>
      d.withProject(async (p) => ({
        ...deploymentStatus((await selectRelease(p.store, rel(a), { allowFinished: true })).state),
      })),
  },
  {
    name: "current_report",
    description: "The report of the open gate (what the HUM LEAD is asked to decide on).",
    input: { release },
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
    name: "ask_hum_lead",
    description: "HUM CALL: asks the HUM LEAD a clarifying question; it appears in their status.",
    input: { question: z.string().min(1), release },
    run: (d, a) =>
      d.withProject(async (p, id) => {
        const session = await selectRelease(p.store, rel(a));
        const s = await askQuestion(p, session, { actorId: id, text: a.question as string });
        return { asked: s.questions.at(-1)?.id ?? null, ...statusView(s, rel(a)) };
      }),
  },
  {
    name: "propose",
    description:
      "COLLAB: the AI LEAD proposes a joint decision for a HUM LEAD to accept — accept-risk at the phase-5 gate (5.3's risk acceptance), or guidance (retry, rollback, continue) at an open incident. It decides nothing by itself.",
    input: {
      kind: z.enum(["accept-risk", "guidance"]),
      text: z.string().min(1).max(4000),
      choice: z.enum(["retry", "rollback", "continue"]).optional().describe("For guidance: the choice proposed."),
      release,
    },
    run: (d, a) =>
      d.withProject(async (p, id) => {
        const session = await selectRelease(p.store, rel(a));
        const s = await propose(p, session, {
          actorId: id,
          kind: a.kind as "accept-risk" | "guidance",
          text: a.text as string,
          ...(a.choice ? { choice: a.choice as "retry" | "rollback" | "continue" } : {}),
        });
        return { ...statusView(s, rel(a)) };
      }),
  },
  {
    name: "respond_to_feedback",
    description: "Answers a piece of HUM LEAD feedback (F1, F2…).",
    input: { id: name, text: z.string().min(1), release },
    run: (d, a) =>
      d.withProject(async (p, id) => {
        const session = await selectRelease(p.store, rel(a));
        return {
          ...statusView(
            await respondToFeedback(p, session, { actorId: id, id: a.id as string, text: a.text as string }),
            rel(a),
          ),
        };
      }),
  },
  {
    name: "validate",
    description:
      "RELEASE VALIDATE: runs post-deployment validation (health, performance, smoke) on its own and records it.",
    input: { release },
    run: (d, a) =>
      d.withProject(async (p, id) => {
        const { validateRelease } = await import("../engine/validate-release.js");
        const session = await selectRelease(p.store, rel(a), { allowFinished: true });
        return { ...(await validateRelease(p, session, id)) } as never;
      }),
  },
  {
    name: "check_scope",
    description: "The scope verification of step 2.3 (commits against the features), as recorded.",
    input: { release },
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
    input: { release, words: z.number().int().min(10).optional() },
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
    input: { release },
    run: (d, a) =>
      d.withProject(async (p, id) => {
        const { defrag } = await import("../engine/defrag.js");
        return { ...(await defrag(p, rel(a), id)) };
      }),
  },
];
