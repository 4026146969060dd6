/**
 * The version bump the changes call for (spec 2.1): breaking → major, feat → minor, fix/perf →
 * patch, from conventional commits and the features' release notes; and the findings when the
 * requested version does not match. Pure.
 *
 * Below 1.0.0 SemVer promises nothing, so a breaking change needs only a minor bump there.
 * The bump actually requested is measured from the changelog base (the last final release), so
 * 1.2.0-rc → 1.2.0 counts as the minor bump from 1.1.x that it is.
 */
import diff from "semver/functions/diff.js";
import majorOf from "semver/functions/major.js";
import type { Finding } from "../core/events.js";
import type { Change } from "./conventional-commit.js";
import type { NoteSections } from "./readiness-sections.js";
import { countOfTypes, type ChangeSummary } from "./change-summary.js";

export type Bump = "major" | "minor" | "patch";
const RANK: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };

export interface BumpNeed {
  bump: Bump | null;
  /** Why, e.g. ["2 breaking commits", "feature auth: 1 breaking change"]. */
  reasons: string[];
}

/** What the bump depends on in a history's changes. */
export interface BumpCounts {
  breakingCommits: number;
  feats: number;
  fixes: number;
}

/** Commit types that call for a minor release, and for a patch release. */
const MINOR_TYPES = ["feat"];
const PATCH_TYPES = ["fix", "perf"];

/** Counts the changes the bump depends on: one pass over what may be 50,000 changes. */
function countBumpChanges(changes: readonly Pick<Change, "type" | "breaking">[]): BumpCounts {
  const n: BumpCounts = { breakingCommits: 0, feats: 0, fixes: 0 };
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if (c.breaking) n.breakingCommits++;
    if (c.type === null) continue;
    if (MINOR_TYPES.includes(c.type)) n.feats++;
    else if (PATCH_TYPES.includes(c.type)) n.fixes++;
  }
  return n;
}

/** The same counts, from a summary of the changes (made once per reading and shared). */
export function bumpCountsOf(summary: ChangeSummary): BumpCounts {
  return {
    breakingCommits: summary.breaking.length,
    feats: countOfTypes(summary, ...MINOR_TYPES),
    fixes: countOfTypes(summary, ...PATCH_TYPES),
  };
}

type FeatureNotes = readonly {
  name: string;
  notes: Pick<NoteSections, "breakingChanges" | "newFeatures" | "enhancements" | "bugFixes">;
}[];

/** The bump these changes and feature notes call for. Example: `inferBump([{type: "feat", …}], [])` → `{bump: "minor", …}`. */
export function inferBump(changes: readonly Pick<Change, "type" | "breaking">[], features: FeatureNotes): BumpNeed {
  return bumpFrom(countBumpChanges(changes), features);
}

/** The bump counted changes (countBumpChanges) and feature notes call for. */
export function bumpFrom({ breakingCommits, feats, fixes }: BumpCounts, features: FeatureNotes): BumpNeed {
  const fBreaking = features.filter((f) => f.notes.breakingChanges.length > 0);
  const fNew = features.filter((f) => f.notes.newFeatures.length + f.notes.enhancements.length > 0);
  const fFix = features.filter((f) => f.notes.bugFixes.length > 0);
  const reasons: string[] = [];
  let bump: Bump | null = null;
  if (breakingCommits || fBreaking.length) {
    bump = "major";
    if (breakingCommits) reasons.push(`${breakingCommits} breaking commit(s)`);
    for (const f of fBreaking) reasons.push(`feature ${f.name}: ${f.notes.breakingChanges.length} breaking change(s)`);
  } else if (feats || fNew.length) {
    bump = "minor";
    if (feats) reasons.push(`${feats} feat commit(s)`);
    for (const f of fNew.slice(0, 5)) reasons.push(`feature ${f.name}: new features or enhancements`);
  } else if (fixes || fFix.length) {
    bump = "patch";
    if (fixes) reasons.push(`${fixes} fix/perf commit(s)`);
    for (const f of fFix.slice(0, 5)) reasons.push(`feature ${f.name}: bug fixes`);
  }
  return { bump, reasons };
}

/** The bump from `base` to `version` (normalised SemVer both), pre-release kinds folded into their base kind. */
export function actualBump(base: string | null, version: string): Bump | null {
  if (base === null) return null;
  const d = diff(base, version);
  if (d === null) return null;
  if (d === "major" || d === "premajor") return "major";
  if (d === "minor" || d === "preminor") return "minor";
  return "patch";
}

/**
 * Findings when the requested bump and the needed one differ. Example: a breaking change in
 * 1.2.0 after 1.1.0 → `{severity: "critical", code: "VERSION_BREAKING_IN_MINOR", …}`.
 */
export function bumpFindings(
  need: BumpNeed,
  base: { tag: string; version: string } | null,
  version: string,
  written = version,
): Finding[] {
  const got = actualBump(base?.version ?? null, version);
  const why = need.reasons.join("; ");
  if (base === null || got === null)
    return need.bump
      ? [
          {
            severity: "info",
            code: "VERSION_FIRST_RELEASE",
            message: `First release v${written}; the changes call for a ${need.bump} release (${why}).`,
          },
        ]
      : [];
  if (need.bump === null)
    return [
      {
        severity: "warning",
        code: "VERSION_NO_CHANGES",
        message: `No feature, fix or breaking change found since ${base.tag}; v${written} is a ${got} release with nothing user-facing in it.`,
        source: "2.1",
      },
    ];
  const needed: Bump = need.bump === "major" && majorOf(base.version) === 0 ? "minor" : need.bump;
  if (RANK[got] < RANK[needed]) {
    const breaking = need.bump === "major";
    return [
      {
        severity: breaking ? "critical" : "warning",
        code: breaking
          ? got === "minor"
            ? "VERSION_BREAKING_IN_MINOR"
            : "VERSION_BREAKING_IN_PATCH"
          : "VERSION_FEATURE_IN_PATCH",
        message: `v${written} is a ${got} release after ${base.tag}, but the changes call for ${needed}: ${why}.`,
        source: "2.1",
      },
    ];
  }
  if (RANK[got] > RANK[needed])
    return [
      {
        severity: "info",
        code: "VERSION_BUMP_LARGER",
        message: `v${written} is a ${got} release after ${base.tag}; the changes alone would need only ${needed} (${why}).`,
        source: "2.1",
      },
    ];
  return [];
}
