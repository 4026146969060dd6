/**
 * Spec 2.1 + 2.2 end to end (I/O): the tags, the requested version checked against them (or a
 * version type resolved), the commits since the changelog base (the release's history, read once:
 * intel/release-history), the bump they call for, and the changelog and release-notes models the
 * steps record. `analyzeChanges` is the pure half: what a history says about a version.
 */
import { createGit } from "../adapters/git.js";
import type { Finding } from "../core/events.js";
import { buildChangelogModel, type ChangelogModel } from "./changelog-model.js";
import type { Change } from "./conventional-commit.js";
import type { FeatureReadiness } from "./feature-types.js";
import { readReleaseHistory, type ReleaseHistory } from "./release-history.js";
import { buildReleaseNotesModel, type ReleaseNotesModel } from "./release-notes-model.js";
import { bumpCountsOf, bumpFindings, bumpFrom, type BumpNeed } from "./version-bump.js";
import { summarizeChanges } from "./change-summary.js";
import type { TaggedRelease } from "./version-order.js";
import {
  VERSION_TYPES,
  previousRelease,
  resolveVersionType,
  validateRequestedVersion,
  type VersionType,
} from "./version-validate.js";

export interface ReleaseAnalysis extends ChangesAnalysis {
  /** Written form without "v" ("1.1.005"). */
  version: string;
  semver: string;
  /** Set when a version type was asked for ("minor"). */
  resolvedFrom: VersionType | null;
  previous: TaggedRelease | null;
  changelogBase: TaggedRelease | null;
  tagsIgnored: string[];
}

/** What a release's history says about its version: the bump it needs and the two models. */
export interface ChangesAnalysis {
  bump: BumpNeed;
  findings: Finding[];
  changelog: ChangelogModel;
  releaseNotes: ReleaseNotesModel;
  /** Every change (unbounded, not for recording): scope and SEV use it. */
  changes: Change[];
}

export interface AnalysisOptions {
  /** A version ("2.1.0", "v1.1.005") or a type ("major", "minor", "patch"). */
  requested: string;
  /** YYYY-MM-DD, from the engine's clock. */
  date: string;
  environment?: string | null;
  features?: readonly FeatureReadiness[];
  maxEntries?: number;
  signal?: AbortSignal;
}

export interface ChangesOptions {
  /** Written form without "v". */
  version: string;
  semver: string;
  /** The release changes are counted from: its name in messages ("v1.1.000") and its normalised SemVer ("1.1.0"); null for a first release. */
  base: { tag: string; version: string } | null;
  date: string;
  environment?: string | null;
  features?: readonly FeatureReadiness[];
  maxEntries?: number;
}

const TYPES = new Set<string>(VERSION_TYPES);

/** Analyses version and changes from the tags (the changelog base is the tag-derived one). Example: `(await analyzeRelease(root, {requested: "minor", date: "2025-08-27"})).version` → "1.2.000" after v1.1.004. */
export async function analyzeRelease(root: string, o: AnalysisOptions): Promise<ReleaseAnalysis> {
  const tags = await createGit(root).tags();
  let requested = o.requested.trim();
  let resolvedFrom: VersionType | null = null;
  if (TYPES.has(requested.toLowerCase())) {
    resolvedFrom = requested.toLowerCase() as VersionType;
    requested = resolveVersionType(resolvedFrom, previousRelease(tags)?.written ?? null);
  }
  const check = validateRequestedVersion(requested, tags);
  const known = new Set(check.releases.flatMap((r) => r.tags));
  const base = check.changelogBase;
  const history = await readReleaseHistory(root, { base: base?.tag ?? null }, o.signal ? { signal: o.signal } : {});
  const a = analyzeChanges(history, {
    ...o,
    version: check.version,
    semver: check.semver,
    base: base ? { tag: base.tag, version: base.version } : null,
  });
  if (check.previous && base && check.previous.version !== base.version) {
    a.findings.push({
      severity: "info",
      code: "VERSION_CHANGELOG_BASE",
      message: `Changes are counted from the last final release ${base.tag}, not from the pre-release ${check.previous.tag}.`,
      source: "2.2",
    });
  }
  return {
    version: check.version,
    semver: check.semver,
    resolvedFrom,
    previous: check.previous,
    changelogBase: base,
    ...a,
    tagsIgnored: tags.filter((t) => !known.has(t)).slice(0, 50),
  };
}

/** The bump, findings and models of a history read for `o.version`. Pure. */
export function analyzeChanges(history: ReleaseHistory, o: ChangesOptions): ChangesAnalysis {
  return { ...analyzeBump(history, o), ...changeModels(history, o) };
}

/** The bump the history calls for and the findings on the version (step 2.1 needs no more). Pure. */
export function analyzeBump(
  history: ReleaseHistory,
  o: ChangesOptions,
): Pick<ChangesAnalysis, "bump" | "findings" | "changes"> {
  // Counted from the reading's summary, which 1.4 made and 2.2 uses too (intel/change-summary).
  const bump = bumpFrom(bumpCountsOf(summarizeChanges(history.changes)), o.features ?? []);
  return { bump, findings: bumpFindings(bump, o.base, o.semver, o.version), changes: history.changes };
}

/** The changelog and release-notes models (step 2.2). Pure. */
export function changeModels(
  history: ReleaseHistory,
  o: ChangesOptions,
): Pick<ChangesAnalysis, "changelog" | "releaseNotes"> {
  const features = o.features ?? [];
  const migration = features.flatMap((f) => f.notes.migration.map((m) => ({ text: m.text, source: f.name })));
  const previousTag = o.base?.tag ?? null;
  return {
    changelog: buildChangelogModel({
      version: o.version,
      previous: previousTag,
      date: o.date,
      collected: history,
      migration,
      ...(o.maxEntries ? { maxEntries: o.maxEntries } : {}),
    }),
    releaseNotes: buildReleaseNotesModel({
      version: o.version,
      previous: previousTag,
      date: o.date,
      environment: o.environment ?? null,
      features,
      changes: history.changes,
    }),
  };
}
