/**
 * Phase 2: semantic versioning analysis (2.1), changelog and release notes (2.2), scope against
 * the previous release (2.3), artifacts (2.4: in a git repository the package is fixed — version
 * files committed, the release commit checked clean, built in a clean checkout of it, see
 * package/fix-package.ts), the package report (2.5). What the documents show
 * is what these steps record: 2.2's models are rendered by changelog.md and release-notes.md.
 */
import { renderPhaseReport } from "../../core/render/gate-report.js";
import type { AnyDraft } from "../../core/events.js";
import { intelSettings } from "../../config/schema-intel.js";
import { assessScope } from "../../intel/assess-scope.js";
import { summarizeChanges } from "../../intel/change-summary.js";
import { analyzeBump, changeModels, type ChangesOptions } from "../../intel/read-release-analysis.js";
import type { Change } from "../../intel/conventional-commit.js";
import { toSemver } from "../../intel/version-order.js";
import { validateRequestedVersion } from "../../intel/version-validate.js";
import { runBuild } from "../../intel/run-build.js";
import { fixPackage } from "../../package/fix-package.js";
import { verifyApprovedPackage } from "../../package/package-store.js";
import type { StepContext, StepExecutor } from "../step-types.js";
import { historyRecord, phase2Head, releaseHistory } from "./history.js";
import { currentFeatures } from "./phase1-readiness.js";
import { stepVars } from "./vars.js";
import { appStoreMetadataFindings } from "../../deploy/app-store-whats-new.js";

/** Changes listed in the changelog model; the rest are counted. */
const MAX_CHANGELOG_ENTRIES = 500;

/**
 * The version analysis of the release's history (read once, shared: see ./history.ts). A release
 * that recorded its base at request time keeps its version and base; an old log without one
 * checks the version against the tags again, as it always did.
 */
async function analysis(ctx: StepContext, head?: string) {
  const { base, history } = await releaseHistory(ctx, head ? { head } : {});
  const features = (await currentFeatures(ctx)).features;
  // The bump only: the models (the changelog's 500 entries) are built by 2.2 from `options`.
  const analyze = (h: typeof history, options: ChangesOptions) => ({ ...analyzeBump(h, options), options });
  const common = {
    date: ctx.now().slice(0, 10),
    environment: ctx.state.environment,
    features,
    maxEntries: MAX_CHANGELOG_ENTRIES,
  };
  if (base.recorded) {
    const semver = toSemver(ctx.state.version) ?? ctx.state.version;
    const a = analyze(history, {
      ...common,
      version: ctx.state.version,
      semver,
      base: base.name && base.semver ? { tag: base.name, version: base.semver } : null,
    });
    const b = base.release;
    return {
      ...a,
      base,
      history,
      version: ctx.state.version,
      semver,
      previous: b?.version ?? null,
      previousTag: b?.tag ?? null,
      previousTags: b?.tag ? [b.tag] : [],
      tagsIgnored: [] as string[],
      tagCheck: false,
    };
  }
  const tags = await ctx.git.tags();
  const check = validateRequestedVersion(ctx.state.version, tags);
  const tagged = check.changelogBase;
  const a = analyze(history, {
    ...common,
    version: check.version,
    semver: check.semver,
    base: tagged ? { tag: tagged.tag, version: tagged.version } : null,
  });
  if (check.previous && tagged && check.previous.version !== tagged.version) {
    a.findings.push({
      severity: "info",
      code: "VERSION_CHANGELOG_BASE",
      message: `Changes are counted from the last final release ${tagged.tag}, not from the pre-release ${check.previous.tag}.`,
      source: "2.2",
    });
  }
  const known = new Set(check.releases.flatMap((r) => r.tags));
  return {
    ...a,
    base,
    history,
    version: check.version,
    semver: check.semver,
    previous: check.previous?.written ?? null,
    previousTag: check.previous?.tag ?? null,
    previousTags: check.previous?.tags ?? [],
    tagsIgnored: tags.filter((t) => !known.has(t)).slice(0, 50),
    tagCheck: true,
  };
}

/** The scopes the changes name, first seen first (from the reading's summary, shared by 2.2 and 2.3). */
function commitScopes(changes: readonly Change[]): readonly string[] {
  return summarizeChanges(changes).scopes;
}

const versioning: StepExecutor = async (ctx) => {
  const a = await analysis(ctx);
  // The version and the base are fixed at request time; only an old log resolves `previous` here.
  const events: AnyDraft[] =
    a.tagCheck && a.previous !== ctx.state.previous
      ? [
          {
            type: "VersionResolved",
            at: ctx.now(),
            actor: ctx.actor,
            data: { version: ctx.state.version, previous: a.previous, from: "2.1" },
          },
        ]
      : [];
  const after = a.tagCheck ? a.previousTag : a.base.name;
  return {
    result: {
      summary: `v${a.version} after ${after ?? "no earlier release"}; the changes call for ${a.bump.bump ?? "no"} release${a.bump.reasons.length ? ` (${a.bump.reasons.slice(0, 3).join("; ")})` : ""}`,
      version: a.version,
      semver: a.semver,
      previous: a.previous,
      previousTag: a.previousTag,
      previousTags: a.previousTags,
      changelogBase: a.base.name,
      bump: { needed: a.bump.bump, reasons: a.bump.reasons },
      tagsIgnored: a.tagsIgnored,
      findings: a.findings,
      history: historyRecord(a.base, a.history),
    },
    events,
  };
};

const changelog: StepExecutor = async (ctx) => {
  const a = await analysis(ctx, phase2Head(ctx));
  const { changelog, releaseNotes } = changeModels(a.history, a.options);
  const scopes = commitScopes(a.changes).slice(0, 200);
  const c = changelog.counts;
  return {
    result: {
      summary: `${c.changes} change(s) from ${c.commits} commit(s) since ${a.base.name ?? "the first commit"}: ${c.breaking} breaking, ${c.reverted} reverted; ${releaseNotes.features.length} feature(s) with release notes`,
      changelog: changelog as unknown as Record<string, unknown>,
      releaseNotes: releaseNotes as unknown as Record<string, unknown>,
      scopes,
      history: historyRecord(a.base, a.history),
    },
  };
};

const scope: StepExecutor = async (ctx) => {
  const { base, history } = await releaseHistory(ctx, { head: phase2Head(ctx) });
  const from = base.name;
  const features = (await currentFeatures(ctx)).features.map((f) => ({ name: f.name, path: f.path }));
  const s = assessScope({
    range: history.range,
    commits: history.commits,
    files: history.files,
    categories: intelSettings(ctx.config).scope.categories,
    features,
    commitScopes: commitScopes(history.changes),
  });
  const cats = Object.entries(s.byCategory)
    .filter(([, c]) => c.files > 0)
    .map(([k, c]) => `${k} ${c.files}`)
    .join(", ");
  return {
    result: {
      summary: `${s.commits} commit(s), ${s.files} file(s) (+${s.linesAdded} −${s.linesDeleted}) since ${from ?? "the first commit"}${cats ? `: ${cats}` : ""}; ${s.features.length} feature(s) touched`,
      ...(s as unknown as Record<string, unknown>),
      history: historyRecord(base, history),
    },
  };
};

const artifacts: StepExecutor = async (ctx) => {
  // A promotion deploys the package approved in an earlier run: checked, never rebuilt.
  const promoted = ctx.state.promotion?.package;
  if (promoted) {
    const findings = await verifyApprovedPackage(ctx, promoted);
    return {
      result: {
        summary: `approved package of ${promoted.commit.slice(0, 12)} (from ${ctx.state.promotion!.from}) reused, not rebuilt${findings.length ? `: ${findings.length} problem(s)` : ""}`,
        ok: findings.length === 0,
        promoted: true,
        commit: promoted.commit,
        artifacts: promoted.artifacts.slice(0, 1000),
        findings,
      },
      findings,
    };
  }
  // A repository with a commit (outside a repository there is no HEAD either: one git process asks both).
  const head = await ctx.git.head();
  if (head !== null) return fixPackage(ctx, head);
  if (ctx.config.build.length === 0)
    return {
      result: {
        summary: "no build commands configured",
        ok: true,
        builds: [],
        artifacts: [],
        missing: [],
        manifest: null,
      },
    };
  const r = await runBuild({
    root: ctx.root,
    releaseDir: ctx.releaseDir,
    builds: ctx.config.build,
    run: ctx.run,
    vars: stepVars(ctx),
    at: ctx.now(),
    signal: ctx.signal,
  });
  const result = {
    summary: r.ok
      ? `${r.artifacts.length} artifact(s) recorded in ${r.manifest}`
      : (r.failure?.message ?? "the build failed"),
    ...r,
    artifacts: r.artifacts.slice(0, 1000),
    artifactsOmitted: Math.max(0, r.artifacts.length - 1000),
  } as unknown as Record<string, unknown>;
  if (!r.ok)
    return {
      result,
      failure: r.failure ?? { code: "E_BUILD_FAILED", message: "the build did not produce its artifacts" },
    };
  return { result };
};

export const phase2Steps: Record<string, StepExecutor> = {
  "2.1": versioning,
  "2.2": changelog,
  "2.3": scope,
  "2.4": artifacts,
  "2.5": async (ctx) => {
    // The App Store's "What's New" per locale (missing, too long): found now, not at 6.1 after two approvals.
    const findings = appStoreMetadataFindings(ctx);
    return {
      result: {
        summary: "package report composed",
        report: renderPhaseReport(ctx.state, 2),
        ...(findings.length ? { findings } : {}),
      },
    };
  },
};
