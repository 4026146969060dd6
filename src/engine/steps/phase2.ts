/** Phase 2: version analysis (2.1), changelog (2.2), scope (2.3), artifacts (2.4), report (2.5). */
import { analyzeRelease } from "../../intel/read-release-analysis.js";
import { readFeatureReport } from "../../intel/read-feature-report.js";
import { readScope } from "../../intel/read-scope.js";
import { runBuild } from "../../intel/run-build.js";
import { renderPhaseReport } from "../../core/render/gate-report.js";
import type { StepExecutor, StepContext } from "../step-types.js";
import { stepVars } from "./vars.js";

async function analysis(ctx: StepContext) {
  const excluded = ctx.state.waivers.filter((w) => w.mode === "exclude").map((w) => w.feature);
  const features = (await readFeatureReport(ctx.root, ctx.config as never)).features.filter((f) => !excluded.includes(f.name));
  return analyzeRelease(ctx.root, { requested: ctx.state.version, date: ctx.now().slice(0, 10), environment: ctx.state.environment, features, signal: ctx.signal });
}

export const phase2Steps: Record<string, StepExecutor> = {
  "2.1": async (ctx) => {
    const a = await analysis(ctx);
    return {
      result: {
        summary: `v${a.version} after ${a.previous ? a.previous.tag : "no earlier release"}; changes call for ${a.bump.bump ?? "no"} bump`,
        version: a.version,
        previous: a.previous?.written ?? null,
        previousTag: a.previous?.tag ?? null,
        bump: a.bump as unknown as Record<string, unknown>,
        tagsIgnored: a.tagsIgnored,
        findings: a.findings,
      },
      ...(a.previous?.written !== (ctx.state.previous ?? undefined) ? { events: [{ type: "VersionResolved" as const, at: ctx.now(), actor: ctx.actor, data: { version: ctx.state.version, previous: a.previous?.written ?? null } }] } : {}),
    };
  },
  "2.2": async (ctx) => {
    const a = await analysis(ctx);
    return {
      result: {
        summary: `${a.changes.length} changes since ${a.changelogBase?.tag ?? "the first commit"}`,
        changelog: a.changelog as unknown as Record<string, unknown>,
        releaseNotes: a.releaseNotes as unknown as Record<string, unknown>,
      },
    };
  },
  "2.3": async (ctx) => {
    const prevTag = (ctx.state.steps["2.1"]?.result?.previousTag as string | null | undefined) ?? null;
    const count = await ctx.git.run(["rev-list", "--count", prevTag ? `${prevTag}..HEAD` : "HEAD"], { allowFail: true });
    const scope = await readScope(ctx.root, { from: prevTag }, Number(count.stdout.trim()) || 0);
    return { result: { summary: `${(scope as unknown as { commits?: number }).commits ?? 0} commits against ${prevTag ?? "the first commit"}`, ...(scope as unknown as Record<string, unknown>) } };
  },
  "2.4": async (ctx) => {
    if (ctx.config.build.length === 0) return { result: { summary: "no build commands configured", artifacts: [] } };
    const r = await runBuild({ root: ctx.root, releaseDir: ctx.releaseDir, builds: ctx.config.build as never, run: ctx.run, vars: stepVars(ctx), at: ctx.now(), signal: ctx.signal });
    const rec = r as unknown as Record<string, unknown> & { ok?: boolean; error?: string };
    if (rec.ok === false) return { result: rec, failure: { code: "E_ARTIFACT_MISSING", message: String(rec.error ?? "the build did not produce its artifacts") } };
    return { result: { summary: `${(rec.artifacts as unknown[] | undefined)?.length ?? 0} artifacts`, ...rec } };
  },
  "2.5": async (ctx) => ({ result: { summary: "package report composed", report: renderPhaseReport(ctx.state, 2) } }),
};
