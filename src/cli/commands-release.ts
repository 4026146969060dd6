/** Commands that start, advance and show releases. */
import { envFlag } from "./context.js";
import { statusView, type StatusView } from "../core/status-view.js";
import type { Actor, AnyEvent } from "../core/events.js";
import { authorize } from "../core/authority.js";
import { ExitCodes } from "../core/errors.js";
import { selectRelease, type Project } from "../engine/project.js";
import { actorId, withProject, type Ctx } from "./context.js";
export { actorId, withProject, type Ctx };
import { planRequest, requestRelease } from "../engine/request-release.js";
import { runRelease, type RunOutcome } from "../engine/run-release.js";
import type { ReleaseSession } from "../engine/release-session.js";
import { renderStatusText } from "./render-status.js";

/** Exit code for where a run stopped. */
export function exitFor(o: RunOutcome, v: StatusView, automaticRollback = false): number {
  if (o.stopped === "failed" || v.state === "failed") return ExitCodes.STEP_FAILED;
  // Rolled back on its own after a failure (onFailure: rollback): the deployment failed.
  if (v.state === "rolled-back" && automaticRollback) return ExitCodes.STEP_FAILED;
  if (o.stopped === "awaiting" || v.state === "awaiting-hum-lead" || v.state === "paused" || v.state === "on-hold") return ExitCodes.AWAITING_HUM_LEAD;
  return ExitCodes.OK;
}

export async function advance(ctx: Ctx, p: Project, session: ReleaseSession, actor: Actor): Promise<number> {
  const appended: AnyEvent[] = [];
  const outcome = await runRelease(p, session, actor, {
    progress: (e) => {
      if (ctx.args.flags.jsonl || (e.kind === "step" && e.status === "start" && !e.message.startsWith("waiting"))) return;
      const mark = e.status === "ok" ? "✔" : e.status === "fail" ? "✘" : e.status === "skip" ? "–" : "▸";
      ctx.out.info(`  ${mark} ${e.step.padEnd(6)} ${e.message}`);
    },
    onEvents: (evs) => {
      appended.push(...evs);
      if (ctx.args.flags.jsonl) for (const e of evs) process.stdout.write(`${JSON.stringify({ event: { seq: e.seq, type: e.type, at: e.at, actor: e.actor.id, data: e.data } })}\n`);
    },
  });
  const v = statusView(session.state, ctx.args.flags.release);
  const code = exitFor(outcome, v, session.state.decisions.some((d) => d.type === "incident" && d.choice === "rollback" && d.actor.role === "system"));
  if (ctx.args.flags.jsonl) process.stdout.write(`${JSON.stringify({ final: true, ...v, stopped: outcome.stopped })}\n`);
  else ctx.out.result({ ...v, stopped: outcome.stopped, events: appended.map((e) => ({ seq: e.seq, type: e.type, at: e.at, actor: e.actor.id })) }, `\n${renderStatusText(v)}`);
  return code;
}

export async function cmdRelease(ctx: Ctx, version: string | undefined, environment: string | undefined, trigger?: string): Promise<number> {
  const { BrtopsError } = await import("../core/errors.js");
  if (!version) throw new BrtopsError("E_USAGE", "Which version?", { hint: "brtops release 2.1.0 --to staging   (or major | minor | patch)" });
  if (!environment) throw new BrtopsError("E_USAGE", "Which environment?", { hint: "brtops release 2.1.0 --to staging" });
  return withProject(ctx, async (p) => {
    const id = actorId(ctx, p);
    const override = ctx.args.flags["override-promotion"];
    const request = { version, environment, actorId: id, ...(trigger ? { trigger } : {}), ...(override !== undefined ? { overridePromotion: override } : {}) };
    if (ctx.args.flags["dry-run"]) {
      // The same checks as the real request (authority, environment, version order, promotion, a busy environment).
      const plan = await planRequest(p, request);
      const what = plan.kind === "promotion" ? `promote v${plan.version} (approved as ${plan.promotion!.from}) to ${plan.environment}` : plan.kind === "attempt" ? `request v${plan.version} to ${plan.environment} again (attempt ${plan.attempt}; earlier: ${plan.earlier.join(", ") || "none here"})` : `request v${plan.version} to ${plan.environment}`;
      const prev = plan.previous ? `v${plan.previous} (${plan.previousSource === "ledger" ? "what runs there now" : "the newest tag below: brtops never deployed there"})` : "none (first deployment there)";
      ctx.out.result({ dryRun: true, ...plan, requestedBy: id }, `Dry run: would ${what} as release ${plan.release}, requested by ${id}.\n  previous on ${plan.environment}: ${prev}\nNothing was recorded.`);
      return 0;
    }
    const session = await requestRelease(p, request);
    const st = session.state;
    ctx.out.info(`Release v${st.version} to ${st.environment} requested by ${id}${st.release !== st.version ? ` (release ${st.release})` : ""}${st.promotion ? `: promoting the package approved as ${st.promotion.from}` : ""}.`);
    return advance(ctx, p, session, session.state.requestedBy);
  });
}

export async function cmdRun(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const id = actorId(ctx, p);
    const actor = authorize(p.config.leads, id, "run", "advance a release");
    const session = await selectRelease(p.store, ctx.args.flags.release, envFlag(ctx));
    return advance(ctx, p, session, actor);
  });
}

