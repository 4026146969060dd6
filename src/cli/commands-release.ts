/** Commands that start, advance and show releases. */
import { statusView, type StatusView } from "../core/status-view.js";
import type { Actor, AnyEvent } from "../core/events.js";
import { authorize } from "../core/authority.js";
import { ExitCodes } from "../core/errors.js";
import { selectRelease, type Project } from "../engine/project.js";
import { actorId, withProject, type Ctx } from "./context.js";
export { actorId, withProject, type Ctx };
import { requestRelease } from "../engine/request-release.js";
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
    if (ctx.args.flags["dry-run"]) {
      authorize(p.config.leads, id, "request", "request a release");
      const { resolveEnvironment, buildEnvironmentCatalog } = await import("../core/environments.js");
      const env = resolveEnvironment(environment, buildEnvironmentCatalog(p.config.environments));
      ctx.out.result({ dryRun: true, version, environment: env, requestedBy: id }, `Dry run: would request v${version} to ${env} as ${id}. Nothing was recorded.`);
      return 0;
    }
    const session = await requestRelease(p, { version, environment, actorId: id, ...(trigger ? { trigger } : {}) });
    ctx.out.info(`Release v${session.state.version} to ${session.state.environment} requested by ${id}.`);
    return advance(ctx, p, session, session.state.requestedBy);
  });
}

export async function cmdRun(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const id = actorId(ctx, p);
    const actor = authorize(p.config.leads, id, "run", "advance a release");
    const session = await selectRelease(p.store, ctx.args.flags.release);
    return advance(ctx, p, session, actor);
  });
}

