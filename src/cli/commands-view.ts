/** Commands that only look: status, sitrep, deployment-status, list. Kept light: no engine, no adapters. */
import { statusView } from "../core/status-view.js";
import { selectRelease, listReleases, openProjectForReading } from "../engine/project.js";
import type { Ctx } from "./context.js";

async function withProject<T>(ctx: Ctx, fn: (p: Awaited<ReturnType<typeof openProjectForReading>>) => Promise<T>): Promise<T> {
  const p = await openProjectForReading(ctx.cwd);
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}
import { renderStatusText } from "./render-status.js";
import { renderDeploymentStatus, renderSitrep, deploymentStatus, sitrep } from "./views.js";

export async function cmdStatus(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const session = await selectRelease(p.store, ctx.args.flags.release, { allowFinished: true });
    const v = statusView(session.state, ctx.args.flags.release);
    ctx.out.result(v, renderStatusText(v));
    return 0;
  });
}

export async function cmdSitrep(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const session = await selectRelease(p.store, ctx.args.flags.release, { allowFinished: true });
    const r = sitrep(session.state, session.events);
    ctx.out.result(r, renderSitrep(r));
    return 0;
  });
}

export async function cmdDeploymentStatus(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const session = await selectRelease(p.store, ctx.args.flags.release, { allowFinished: true });
    const r = deploymentStatus(session.state);
    ctx.out.result(r, renderDeploymentStatus(r));
    return 0;
  });
}

export async function cmdList(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const all = (await listReleases(p.store)).map((r) => r.summary);
    ctx.out.result({ releases: all }, all.length ? all.map((r) => `v${r.version}  ${r.environment}  ${r.state}  phase ${r.phase} step ${r.step}  ${r.lastAt}`).join("\n") : "No releases yet.");
    return 0;
  });
}
