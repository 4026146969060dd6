/** Commands that only look: status, sitrep, deployment-status, list. Kept light: no engine, no adapters. */
import { envFlag } from "./context.js";
import { statusView } from "../core/status-view.js";
import { selectRelease, listReleases, openProjectForReading, type ReleaseSummary } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import type { Ctx } from "./context.js";

async function withProject<T>(
  ctx: Ctx,
  fn: (p: Awaited<ReturnType<typeof openProjectForReading>>) => Promise<T>,
): Promise<T> {
  const p = await openProjectForReading(ctx.cwd);
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}
import { cachedStatus, rememberStatus } from "../engine/status-cache.js";
import { renderStatusText } from "./render-status.js";
import { renderDeploymentStatus, renderSitrep, deploymentStatus, sitrep } from "./views.js";

export async function cmdStatus(ctx: Ctx): Promise<number> {
  const code = await showStatus(ctx);
  // A HUM LEAD at a terminal may decide an open gate here (prompt-gate decides when).
  return ctx.out.mode.interactive ? (await import("./prompt-gate.js")).offerGateDecision(ctx, code, false) : code;
}

async function showStatus(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const flag = ctx.args.flags.release;
    const hit = ctx.args.flags.env ? null : await cachedStatus(p.store, flag);
    if (hit) {
      ctx.out.result(hit, renderStatusText(hit, ctx.out.style));
      if (ctx.out.mode.github) (await import("./ci-github.js")).reportToGitHub(hit);
      return 0;
    }
    // Every release's summary is remembered, so the next status can pick the release without a fold.
    const listed = async (all: { session: ReleaseSession; summary: ReleaseSummary }[]) => {
      for (const r of all) await rememberStatus(p.store, r.summary, r.session.lastSeq, undefined, null);
    };
    const session = await selectRelease(p.store, flag, { allowFinished: true, listed, ...envFlag(ctx) });
    const s = session.state;
    const v = statusView(s, flag);
    ctx.out.result(v, renderStatusText(v, ctx.out.style));
    if (ctx.out.mode.github) (await import("./ci-github.js")).reportToGitHub(v);
    await rememberStatus(
      p.store,
      {
        release: s.release,
        version: s.version,
        environment: s.environment,
        state: s.state,
        phase: s.phase,
        step: s.step,
        lastAt: s.lastAt,
      },
      s.lastSeq,
      flag,
      v,
    );
    return 0;
  });
}

export async function cmdSitrep(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const session = await selectRelease(p.store, ctx.args.flags.release, { allowFinished: true, ...envFlag(ctx) });
    const r = sitrep(session.state, session.events);
    ctx.out.result(r, renderSitrep(r));
    return 0;
  });
}

export async function cmdDeploymentStatus(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const session = await selectRelease(p.store, ctx.args.flags.release, { allowFinished: true, ...envFlag(ctx) });
    const r = deploymentStatus(session.state);
    ctx.out.result(r, renderDeploymentStatus(r));
    return 0;
  });
}

export async function cmdList(ctx: Ctx): Promise<number> {
  // Before `brtops init` there is no store yet: nothing was released with brtops here.
  const { findRoot } = await import("../config/find-root.js");
  if (!findRoot(ctx.cwd)) {
    ctx.out.result({ releases: [] }, "No releases yet (no brtops.config.yaml here: `brtops init` writes one).");
    return 0;
  }
  return withProject(ctx, async (p) => {
    const all = (await listReleases(p.store)).map((r) => r.summary);
    ctx.out.result(
      { releases: all },
      all.length
        ? all
            .map(
              (r) =>
                `${r.release}  v${r.version}  ${r.environment}  ${r.state}  phase ${r.phase} step ${r.step}  ${r.lastAt}`,
            )
            .join("\n")
        : "No releases yet.",
    );
    return 0;
  });
}
