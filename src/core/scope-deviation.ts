/**
 * Scope deviation (the spec's "Scope Checking Integration"): how far the current state has moved
 * from the fingerprint a HUM LEAD approved, as a system-impact percentage, and what to do about it.
 *
 * System impact, in percent:
 *   1. Size of the approved system S = the sum of the approved files' line counts (or the number of
 *      approved files when either fingerprint has no line counts). If the approved set is empty,
 *      S is the current set's size; never less than 1.
 *   2. Each added, removed or modified file touches size(f): its line count (for a modified file
 *      the larger of before and after; a file without a count weighs the approved mean), or 1 in
 *      file-count mode. Only hashes are compared, so a one-line edit touches the whole file: the
 *      measure is "how much of the system lies in changed files", deliberately conservative.
 *   3. Files: impact += 100 × weight(category) × size(f) / S. Weights: infrastructure 3,
 *      integration 2, business 1, feature 1 (system-level change is riskier than a feature edit).
 *   4. Fixed contributions: each feature added or removed +5 (feature), a changed config +5
 *      (infrastructure), each artifact added, removed or changed +2 (infrastructure).
 *   5. Each category and the total are capped at 100 and rounded to two decimals; the class is
 *      read from the rounded total, so what is shown is what was judged.
 * Classes: nothing changed → NONE; < minor → MINOR; minor … major (both inclusive) → MODERATE;
 * > major → MAJOR. A changed commit with nothing else changed is MINOR at 0 %: recorded, not blocked.
 */
import { BrtopsError } from "./errors.js";
import {
  createCategorizer,
  DEFAULT_SCOPE_CATEGORIES,
  SCOPE_CATEGORY_ORDER,
  type ScopeCategories,
  type ScopeCategory,
  type ScopeFingerprint,
} from "./scope-fingerprint.js";

export const DeviationClasses = { none: "NONE", minor: "MINOR", moderate: "MODERATE", major: "MAJOR" } as const;
export type DeviationClass = (typeof DeviationClasses)[keyof typeof DeviationClasses];

export const DeviationActions = { continue: "continue", approve: "approve-deviation", hold: "hold" } as const;
export type DeviationAction = (typeof DeviationActions)[keyof typeof DeviationActions];

export interface DeviationThresholds {
  /** Below this percent a deviation is MINOR (default 5). */
  minor: number;
  /** Above this percent a deviation is MAJOR (default 15). */
  major: number;
}

/** The spec's thresholds: < 5 % MINOR, 5–15 % MODERATE, > 15 % MAJOR. */
export const DEFAULT_DEVIATION_THRESHOLDS: Readonly<DeviationThresholds> = { minor: 5, major: 15 };

/** How much one changed line (or file) of each category counts towards the system impact. */
export const DEFAULT_SCOPE_WEIGHTS: Readonly<Record<ScopeCategory, number>> = {
  infrastructure: 3,
  integration: 2,
  business: 1,
  feature: 1,
};

/** Fixed percentage points added for changes that are not files. */
export const DEVIATION_POINTS = { feature: 5, config: 5, artifact: 2 } as const;

export interface FileChange {
  path: string;
  change: "added" | "removed" | "modified";
  category: ScopeCategory;
  /** Lines touched as counted in the impact (present in line mode). */
  lines?: number;
}

export interface Deviation {
  percent: number;
  class: DeviationClass;
  byCategory: Record<ScopeCategory, { percent: number; changed: string[] }>;
  changes: {
    files: FileChange[];
    artifacts: { name: string; change: "added" | "removed" | "modified" }[];
    features: { added: string[]; removed: string[] };
    configChanged: boolean;
    commitChanged: boolean;
  };
  action: DeviationAction;
  summary: string;
}

export interface MeasureDeviationOptions {
  categories?: ScopeCategories;
  thresholds?: DeviationThresholds;
  weights?: Partial<Record<ScopeCategory, number>>;
}

/** Measures the deviation of `current` from the `approved` fingerprint, e.g. `measureDeviation(a, b).class === "MINOR"`. */
export function measureDeviation(
  approved: ScopeFingerprint,
  current: ScopeFingerprint,
  opts: MeasureDeviationOptions = {},
): Deviation {
  const thresholds = checkThresholds(opts.thresholds ?? DEFAULT_DEVIATION_THRESHOLDS);
  const weights = checkWeights({ ...DEFAULT_SCOPE_WEIGHTS, ...opts.weights });
  const categorize = createCategorizer(opts.categories ?? DEFAULT_SCOPE_CATEGORIES);
  const lineMode = approved.lines !== undefined && current.lines !== undefined;

  const approvedPaths = Object.keys(approved.files);
  const currentPaths = Object.keys(current.files);
  let meanSize = 1;
  if (lineMode) {
    let sum = 0;
    let n = 0;
    for (const p of approvedPaths) {
      const v = own(approved.lines ?? {}, p);
      if (isCount(v)) {
        sum += v;
        n++;
      }
    }
    if (n > 0) meanSize = sum / n;
  }
  const sizeIn = (fp: ScopeFingerprint, path: string): number => {
    if (!lineMode) return 1;
    const v = own(fp.lines ?? {}, path);
    return isCount(v) ? v : meanSize;
  };
  const totalOf = (fp: ScopeFingerprint, paths: string[]): number => {
    let sum = 0;
    for (const p of paths) sum += sizeIn(fp, p);
    return sum;
  };
  const base = Math.max(1, totalOf(approved, approvedPaths) || totalOf(current, currentPaths));

  const raw: Record<ScopeCategory, { percent: number; changed: string[] }> = {
    infrastructure: { percent: 0, changed: [] },
    integration: { percent: 0, changed: [] },
    business: { percent: 0, changed: [] },
    feature: { percent: 0, changed: [] },
  };

  // Only changed paths are sorted and categorised: fingerprints can hold 100 000 files.
  const changedPaths = approvedPaths.filter((p) => own(current.files, p) !== approved.files[p]);
  for (const p of currentPaths) if (!Object.hasOwn(approved.files, p)) changedPaths.push(p);
  changedPaths.sort();
  const files: FileChange[] = [];
  for (const path of changedPaths) {
    const before = own(approved.files, path);
    const after = own(current.files, path);
    const change = before === undefined ? "added" : after === undefined ? "removed" : "modified";
    const size =
      change === "added"
        ? sizeIn(current, path)
        : change === "removed"
          ? sizeIn(approved, path)
          : Math.max(sizeIn(approved, path), sizeIn(current, path));
    const category = categorize(path);
    raw[category].percent += (100 * weights[category] * size) / base;
    raw[category].changed.push(path);
    files.push({ path, change, category, ...(lineMode ? { lines: size } : {}) });
  }

  const artifacts = diffRecords(approved.artifacts, current.artifacts);
  for (const a of artifacts) {
    raw.infrastructure.percent += DEVIATION_POINTS.artifact;
    raw.infrastructure.changed.push(`artifact:${a.name}`);
  }

  const approvedFeatures = new Set(approved.features);
  const currentFeatures = new Set(current.features);
  const features = {
    added: [...currentFeatures].filter((f) => !approvedFeatures.has(f)).sort(),
    removed: [...approvedFeatures].filter((f) => !currentFeatures.has(f)).sort(),
  };
  for (const f of features.added) raw.feature.changed.push(`feature:+${f}`);
  for (const f of features.removed) raw.feature.changed.push(`feature:-${f}`);
  raw.feature.percent += DEVIATION_POINTS.feature * (features.added.length + features.removed.length);

  const configChanged = approved.config !== current.config;
  if (configChanged) {
    raw.infrastructure.percent += DEVIATION_POINTS.config;
    raw.infrastructure.changed.push("config");
  }
  const commitChanged = approved.commit !== current.commit;

  const byCategory = { ...raw };
  let sum = 0;
  for (const cat of SCOPE_CATEGORY_ORDER) {
    sum += raw[cat].percent;
    byCategory[cat] = { percent: round2(Math.min(100, raw[cat].percent)), changed: raw[cat].changed };
  }
  const percent = round2(Math.min(100, sum));
  const anything =
    files.length > 0 ||
    artifacts.length > 0 ||
    features.added.length + features.removed.length > 0 ||
    configChanged ||
    commitChanged;
  const cls = classifyDeviation(percent, anything, thresholds);
  const action = actionFor(cls);
  const changes = { files, artifacts, features, configChanged, commitChanged };
  return {
    percent,
    class: cls,
    byCategory,
    changes,
    action,
    summary: summarize(cls, percent, byCategory, changes, approved, current),
  };
}

/** The class of a system-impact percentage; `changed` false means NONE whatever the percent. */
export function classifyDeviation(
  percent: number,
  changed: boolean,
  thresholds: DeviationThresholds = DEFAULT_DEVIATION_THRESHOLDS,
): DeviationClass {
  if (!changed) return DeviationClasses.none;
  if (percent < thresholds.minor) return DeviationClasses.minor;
  if (percent <= thresholds.major) return DeviationClasses.moderate;
  return DeviationClasses.major;
}

/** What the engine does for a class: go on, ask the HUM LEAD to approve the deviation, or hold. */
export function actionFor(cls: DeviationClass): DeviationAction {
  switch (cls) {
    case "NONE":
    case "MINOR":
      return DeviationActions.continue;
    case "MODERATE":
      return DeviationActions.approve;
    case "MAJOR":
      return DeviationActions.hold;
  }
}

/** A record's own value: a path named "constructor" must not find Object's. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

function diffRecords(
  before: Record<string, string>,
  after: Record<string, string>,
): { name: string; change: "added" | "removed" | "modified" }[] {
  const out: { name: string; change: "added" | "removed" | "modified" }[] = [];
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = own(before, name);
    const a = own(after, name);
    if (a === b) continue;
    out.push({ name, change: b === undefined ? "added" : a === undefined ? "removed" : "modified" });
  }
  return out;
}

function checkThresholds(t: DeviationThresholds): DeviationThresholds {
  const ok =
    Number.isFinite(t.minor) && Number.isFinite(t.major) && t.minor >= 0 && t.minor <= t.major && t.major <= 100;
  if (!ok) {
    throw new BrtopsError(
      "E_SCOPE_THRESHOLDS_INVALID",
      `Scope deviation thresholds minor=${t.minor}, major=${t.major} are not valid.`,
      {
        hint: "Use percentages with 0 ≤ minor ≤ major ≤ 100 (the spec's are minor 5, major 15).",
        details: { minor: t.minor, major: t.major },
      },
    );
  }
  return t;
}

function checkWeights(w: Record<ScopeCategory, number>): Record<ScopeCategory, number> {
  for (const cat of SCOPE_CATEGORY_ORDER) {
    if (!Number.isFinite(w[cat]) || w[cat] < 0) {
      throw new BrtopsError("E_SCOPE_WEIGHTS_INVALID", `The scope weight of ${cat} (${w[cat]}) is not a number ≥ 0.`, {
        hint: "Give each category a weight such as infrastructure 3, integration 2, business 1, feature 1.",
        details: { category: cat, weight: w[cat] },
      });
    }
  }
  return w;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function summarize(
  cls: DeviationClass,
  percent: number,
  byCategory: Deviation["byCategory"],
  changes: Deviation["changes"],
  approved: ScopeFingerprint,
  current: ScopeFingerprint,
): string {
  const short = (c: string): string => c.slice(0, 12);
  if (cls === "NONE") return `No deviation from the approved scope (commit ${short(approved.commit)}).`;
  const parts: string[] = [];
  const count = (change: FileChange["change"]): number => changes.files.filter((f) => f.change === change).length;
  for (const change of ["added", "removed", "modified"] as const) {
    const n = count(change);
    if (n > 0) parts.push(`${n} file${n === 1 ? "" : "s"} ${change}`);
  }
  if (changes.artifacts.length > 0)
    parts.push(`${changes.artifacts.length} artifact${changes.artifacts.length === 1 ? "" : "s"} changed`);
  if (changes.features.added.length > 0)
    parts.push(`feature${changes.features.added.length === 1 ? "" : "s"} added: ${changes.features.added.join(", ")}`);
  if (changes.features.removed.length > 0)
    parts.push(
      `feature${changes.features.removed.length === 1 ? "" : "s"} removed: ${changes.features.removed.join(", ")}`,
    );
  if (changes.configChanged) parts.push("config changed");
  if (changes.commitChanged) parts.push(`commit ${short(approved.commit)} → ${short(current.commit)}`);
  const cats = SCOPE_CATEGORY_ORDER.filter((c) => byCategory[c].percent > 0).map(
    (c) => `${c} ${byCategory[c].percent}%`,
  );
  const next =
    cls === "MINOR"
      ? "Recorded; the release goes on."
      : cls === "MODERATE"
        ? "The HUM LEAD must approve this deviation before the release goes on."
        : "Deployment is on hold; escalated to the HUM LEAD.";
  return `${cls} scope deviation: ${percent}% system impact${cats.length > 0 ? ` (${cats.join(", ")})` : ""}: ${parts.join("; ")}. ${next}`;
}
