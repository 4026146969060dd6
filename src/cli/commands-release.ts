/** Commands that start, advance and show releases. */
import { envFlag } from "./context.js";
import { statusView, type StatusView } from "../core/status-view.js";
import type { Actor, AnyEvent } from "../core/events.js";
import { authorize, roleOf, situationOf } from "../core/authority.js";
import { ExitCodes } from "../core/errors.js";
import { styled } from "./style.js";
import { selectRelease, type Project } from "../engine/project.js";
import { actorId, withProject, type Ctx } from "./context.js";
export { actorId, withProject, type Ctx };
import { planRequest, requestRelease } from "../engine/request-release.js";
import type { RunOutcome } from "../engine/run-release.js";
import type { ReleaseSession } from "../engine/release-session.js";

/** Exit code for where a run stopped. */
export function exitFor(o: RunOutcome, v: StatusView, automaticRollback = false): number {
  if (o.stopped === "failed" || v.state === "failed") return ExitCodes.STEP_FAILED;
  // Rolled back on its own after a failure (onFailure: rollback): the deployment failed.
  if (v.state === "rolled-back" && automaticRollback) return ExitCodes.STEP_FAILED;
  if (o.stopped === "awaiting" || v.state === "awaiting-hum-lead" || v.state === "paused" || v.state === "on-hold")
    return ExitCodes.AWAITING_HUM_LEAD;
  return ExitCodes.OK;
}

export async function advance(ctx: Ctx, p: Project, session: ReleaseSession, actor: Actor): Promise<number> {
  // The engine (every step, deployment, GitHub) is loaded here, not with the command: a request
  // has started reading the release's history by now, and git walks it while this code compiles.
  const [{ runRelease }, { renderStatusText }, { createStepDisplay }] = await Promise.all([
    import("../engine/run-release.js"),
    import("./render-status.js"),
    import("./live-steps.js"),
  ]);
  const appended: AnyEvent[] = [];
  // --jsonl streams the events on stdout: no display beside them.
  const display = ctx.args.flags.jsonl ? null : createStepDisplay(ctx.out);
  const outcome = await runRelease(p, session, actor, {
    progress: (e) => display?.progress(e),
    onEvents: (evs) => {
      appended.push(...evs);
      if (ctx.args.flags.jsonl)
        for (const e of evs)
          process.stdout.write(
            `${JSON.stringify({ event: { seq: e.seq, type: e.type, at: e.at, actor: e.actor.id, data: e.data } })}\n`,
          );
    },
  }).finally(() => display?.stop());
  const v = statusView(session.state, ctx.args.flags.release);
  const code = exitFor(
    outcome,
    v,
    session.state.decisions.some((d) => d.type === "incident" && d.choice === "rollback" && d.actor.role === "system"),
  );
  if (ctx.args.flags.jsonl)
    process.stdout.write(`${JSON.stringify({ final: true, ...v, stopped: outcome.stopped })}\n`);
  else
    ctx.out.result(
      {
        ...v,
        stopped: outcome.stopped,
        events: appended.map((e) => ({ seq: e.seq, type: e.type, at: e.at, actor: e.actor.id })),
      },
      styled`\n${renderStatusText(v, ctx.out.style)}`,
    );
  if (ctx.out.mode.github) (await import("./ci-github.js")).reportToGitHub(v);
  return code;
}

export async function cmdRelease(
  ctx: Ctx,
  version: string | undefined,
  environment: string | undefined,
  trigger?: string,
): Promise<number> {
  const { BrtopsError } = await import("../core/errors.js");
  if (!version)
    throw new BrtopsError("E_USAGE", "Which version?", {
      hint: "brtops release 2.1.0 --to staging   (or major | minor | patch)",
    });
  if (!environment)
    throw new BrtopsError("E_USAGE", "Which environment?", { hint: "brtops release 2.1.0 --to staging" });
  // git starts walking the release's history first; the config is validated and the request
  // checked and planned while it walks (engine/prefetch-request).
  if (!ctx.args.flags["dry-run"])
    await (await import("../engine/prefetch-request.js")).prefetchRequestHistory(ctx.cwd, version, process.env);
  let release: string | undefined;
  const code = await withProject(ctx, async (p) => {
    const id = actorId(ctx, p);
    const override = ctx.args.flags["override-promotion"];
    const request = {
      version,
      environment,
      actorId: id,
      ...(trigger ? { trigger } : {}),
      ...(override !== undefined ? { overridePromotion: override } : {}),
    };
    if (ctx.args.flags["dry-run"]) return dryRunRelease(ctx, p, request);
    const session = await requestRelease(p, request);
    const st = session.state;
    ctx.out.info(
      `Release v${st.version} to ${st.environment} requested by ${id}${st.release !== st.version ? ` (release ${st.release})` : ""}${st.promotion ? `: promoting the package approved as ${st.promotion.from}` : ""}.`,
    );
    release = session.release;
    return advance(ctx, p, session, session.state.requestedBy);
  });
  if (!release) return code;
  return offerGate({ ...ctx, args: { ...ctx.args, flags: { ...ctx.args.flags, release } } }, code);
}

/** The gate prompt after a command that ran a release (prompt-gate decides whether to ask; loaded only where it may). */
async function offerGate(ctx: Ctx, code: number): Promise<number> {
  return ctx.out.mode.interactive ? (await import("./prompt-gate.js")).offerGateDecision(ctx, code, true) : code;
}

/**
 * `release --dry-run`: every check of the real request (authority, version validity and order, the
 * environment configured and free, the release not existing, promotion order) and the preflight
 * the real run makes at 1.8, with nothing recorded. A refusal exits with the real run's code.
 */
async function dryRunRelease(ctx: Ctx, p: Project, request: Parameters<typeof planRequest>[1]): Promise<number> {
  const plan = await planRequest(p, request);
  const { preflight } = await import("../deploy/preflight.js");
  const { createGit } = await import("../adapters/git.js");
  // The SEV (and so whether phase 3's tests run) is assessed at 1.4: the dry run checks every phase's needs.
  const pre = await preflight({
    root: p.root,
    config: p.config,
    environment: plan.environment,
    version: plan.version,
    plan: [1, 2, 3, 4, 5, 6, 7],
    env: p.env,
    git: createGit(p.root, p.redact),
    redact: p.redact,
  });
  const what =
    plan.kind === "promotion"
      ? `promote v${plan.version} (approved as ${plan.promotion!.from}) to ${plan.environment}`
      : plan.kind === "attempt"
        ? `request v${plan.version} to ${plan.environment} again (attempt ${plan.attempt}; earlier: ${plan.earlier.join(", ") || "none here"})`
        : `request v${plan.version} to ${plan.environment}`;
  const prev = plan.previous
    ? `v${plan.previous} (${plan.previousSource === "ledger" ? "what runs there now" : "the newest tag below: brtops never deployed there"})`
    : "none (first deployment there)";
  const findings = pre.findings.map((f) => `    - [${f.severity.toUpperCase()}] ${f.code}: ${f.message}`);
  const text = [
    `Dry run: would ${what} as release ${plan.release}, requested by ${request.actorId}.`,
    `  previous on ${plan.environment}: ${prev}`,
    `  ${pre.summary} (network checks time out after ${pre.timeoutMs / 1000} s)${findings.length ? "; shown at the first gate:" : ""}`,
    ...findings,
    "Nothing was recorded.",
  ].join("\n");
  ctx.out.result({ dryRun: true, ...plan, requestedBy: request.actorId, preflight: pre }, text);
  return 0;
}

export async function cmdRun(ctx: Ctx): Promise<number> {
  const code = await withProject(ctx, async (p) => {
    const id = actorId(ctx, p);
    // An emergency contact may run a release only to carry out a rollback or abort (their own order).
    const contact = roleOf(p.config.leads, id) === "emergency";
    const lead = contact ? null : authorize(p.config.leads, id, "run", "advance a release");
    const session = await selectRelease(p.store, ctx.args.flags.release, envFlag(ctx));
    const actor = lead ?? authorize(p.config.leads, id, "run", "advance a release", situationOf(session.state));
    return advance(ctx, p, session, actor);
  });
  return offerGate(ctx, code);
}
