/**
 * Phase 2: semantic versioning analysis (2.1), changelog and release notes (2.2), scope against
 * the previous release (2.3), artifacts (2.4), the package report (2.5). What the documents show
 * is what these steps record: 2.2's models are rendered by changelog.md and release-notes.md.
 */
import { renderPhaseReport } from "../../core/render/gate-report.js";
import type { AnyDraft } from "../../core/events.js";
import { intelSettings } from "../../config/schema-intel.js";
import { analyzeRelease } from "../../intel/read-release-analysis.js";
import { readScope } from "../../intel/read-scope.js";
import { runBuild, type BuildStep } from "../../intel/run-build.js";
import type { StepContext, StepExecutor } from "../step-types.js";
import { currentFeatures } from "./phase1-readiness.js";
import { stepVars } from "./vars.js";

/** Changes listed in the changelog model; the rest are counted. */
const MAX_CHANGELOG_ENTRIES = 500;

async function analysis(ctx: StepContext, withFeatures: boolean) {
  const features = withFeatures ? (await currentFeatures(ctx)).features : [];
  return analyzeRelease(ctx.root, {
    requested: ctx.state.version,
    date: ctx.now().slice(0, 10),
    environment: ctx.state.environment,
    features,
    maxEntries: MAX_CHANGELOG_ENTRIES,
    signal: ctx.signal,
  });
}

const versioning: StepExecutor = async (ctx) => {
  const a = await analysis(ctx, true);
  const previous = a.previous?.written ?? null;
  const events: AnyDraft[] = previous !== ctx.state.previous ? [{ type: "VersionResolved", at: ctx.now(), actor: ctx.actor, data: { version: ctx.state.version, previous, from: "2.1" } }] : [];
  return {
    result: {
      summary: `v${a.version} after ${a.previous ? a.previous.tag : "no earlier release"}; the changes call for ${a.bump.bump ?? "no"} release${a.bump.reasons.length ? ` (${a.bump.reasons.slice(0, 3).join("; ")})` : ""}`,
      version: a.version,
      semver: a.semver,
      previous,
      previousTag: a.previous?.tag ?? null,
      previousTags: a.previous?.tags ?? [],
      changelogBase: a.changelogBase?.tag ?? null,
      bump: { needed: a.bump.bump, reasons: a.bump.reasons },
      tagsIgnored: a.tagsIgnored,
      findings: a.findings,
    },
    events,
  };
};

const changelog: StepExecutor = async (ctx) => {
  const a = await analysis(ctx, true);
  const scopes = [...new Set(a.changes.map((c) => c.scope).filter((s): s is string => s !== null))].slice(0, 200);
  const c = a.changelog.counts;
  return {
    result: {
      summary: `${c.changes} change(s) from ${c.commits} commit(s) since ${a.changelogBase?.tag ?? "the first commit"}: ${c.breaking} breaking, ${c.reverted} reverted; ${a.releaseNotes.features.length} feature(s) with release notes`,
      changelog: a.changelog as unknown as Record<string, unknown>,
      releaseNotes: a.releaseNotes as unknown as Record<string, unknown>,
      scopes,
    },
  };
};

const scope: StepExecutor = async (ctx) => {
  const v = ctx.state.steps["2.1"]?.result;
  const from = typeof v?.changelogBase === "string" ? v.changelogBase : null;
  const cl = ctx.state.steps["2.2"]?.result;
  const commits = Number((cl?.changelog as { counts?: { commits?: number } } | undefined)?.counts?.commits ?? 0);
  const features = (await currentFeatures(ctx)).features.map((f) => ({ name: f.name, path: f.path }));
  const s = await readScope(ctx.root, { from }, commits, {
    categories: intelSettings(ctx.config).scope.categories,
    features,
    commitScopes: Array.isArray(cl?.scopes) ? (cl.scopes as string[]) : [],
  });
  const cats = Object.entries(s.byCategory)
    .filter(([, c]) => c.files > 0)
    .map(([k, c]) => `${k} ${c.files}`)
    .join(", ");
  return {
    result: {
      summary: `${s.commits} commit(s), ${s.files} file(s) (+${s.linesAdded} −${s.linesDeleted}) since ${from ?? "the first commit"}${cats ? `: ${cats}` : ""}; ${s.features.length} feature(s) touched`,
      ...(s as unknown as Record<string, unknown>),
    },
  };
};

const artifacts: StepExecutor = async (ctx) => {
  if (ctx.config.build.length === 0) return { result: { summary: "no build commands configured", ok: true, builds: [], artifacts: [], missing: [], manifest: null } };
  const r = await runBuild({ root: ctx.root, releaseDir: ctx.releaseDir, builds: ctx.config.build as readonly BuildStep[], run: ctx.run, vars: stepVars(ctx), at: ctx.now(), signal: ctx.signal });
  const result = {
    summary: r.ok ? `${r.artifacts.length} artifact(s) recorded in ${r.manifest}` : (r.failure?.message ?? "the build failed"),
    ...r,
    artifacts: r.artifacts.slice(0, 1000),
    artifactsOmitted: Math.max(0, r.artifacts.length - 1000),
  } as unknown as Record<string, unknown>;
  if (!r.ok) return { result, failure: r.failure ?? { code: "E_BUILD_FAILED", message: "the build did not produce its artifacts" } };
  return { result };
};

export const phase2Steps: Record<string, StepExecutor> = {
  "2.1": versioning,
  "2.2": changelog,
  "2.3": scope,
  "2.4": artifacts,
  "2.5": async (ctx) => ({ result: { summary: "package report composed", report: renderPhaseReport(ctx.state, 2) } }),
};
