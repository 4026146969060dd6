/**
 * The release's SEV level (spec "System-Level SEV Classification"): the most severe SEV of its
 * features, raised by system complexity factors. Pure. Rules, in the order they apply:
 *   1. Base: the most severe SEV any feature states; when none states one, SEV-3 (configurable
 *      `sev.default`). SEV-3 because it is the framework's "low impact" plan (phases 1, 2, 5, 6, 7)
 *      that still passes every HUM LEAD gate, and any factor below raises it.
 *   2. Feature count: `sev.featureCountRaise` (default 5) or more features raise it one level,
 *      but never beyond SEV-1 on count alone.
 *   3. Breaking changes (from features' documents or from commits): at least SEV-1.
 *   4. Infrastructure changes (paths matching `sev.infrastructurePaths`): at least SEV-1.
 *   5. Security-relevant changes (paths matching `sev.securityPaths`): SEV-1, and SEV-0 when they
 *      come with breaking or infrastructure changes (the framework: "SEV-0 or SEV-1").
 * A HUM LEAD may override the result; the engine records that (SevAssessed.overriddenBy).
 */
import type { Sev } from "../core/events.js";
import { globRegExp, normalisePath } from "../core/scope-fingerprint.js";

export interface SevFactor {
  factor: string;
  effect: string;
  sev?: Sev;
}

export interface SevSettings {
  securityPaths: readonly string[];
  infrastructurePaths: readonly string[];
  featureCountRaise: number;
  default: number;
}

export interface SevInput {
  features: readonly { name: string; sev: Sev | null; breakingChanges?: readonly unknown[] }[];
  /** Paths changed since the previous release. */
  changedPaths?: readonly string[];
  /** Short descriptions of breaking commits ("a1b2c3d feat(api)!: drop v1"). */
  breakingCommits?: readonly string[];
  settings: SevSettings;
}

export interface SevAssessment {
  sev: Sev;
  factors: SevFactor[];
}

const label = (s: number): string => `SEV-${s}`;

/** Assesses the release SEV. Example: `assessSev({features: [{name: "a", sev: 2}], breakingCommits: ["x"], settings}).sev` → 1. */
export function assessSev(input: SevInput): SevAssessment {
  const factors: SevFactor[] = [];
  const stated = input.features.filter((f) => f.sev !== null) as { name: string; sev: Sev }[];
  let sev: Sev;
  if (stated.length > 0) {
    const top = stated.reduce((a, b) => (b.sev < a.sev ? b : a));
    sev = top.sev;
    const same = stated.filter((f) => f.sev === top.sev).map((f) => f.name);
    factors.push({ factor: "feature SEV", effect: `inherits ${label(sev)} from ${list(same)}`, sev });
  } else {
    sev = clampSev(input.settings.default);
    factors.push({ factor: "default", effect: `no feature states a SEV level: ${label(sev)}`, sev });
  }
  const raiseTo = (factor: string, to: Sev, why: string): void => {
    if (to < sev) {
      factors.push({ factor, effect: `${why}: raises ${label(sev)} to ${label(to)}`, sev: to });
      sev = to;
    } else factors.push({ factor, effect: `${why}: requires ${label(to)} or higher, already ${label(sev)}`, sev: to });
  };

  const n = input.features.length;
  if (n >= input.settings.featureCountRaise && sev > 1)
    raiseTo(
      "feature count",
      Math.max(1, sev - 1) as Sev,
      `${n} features in one release (threshold ${input.settings.featureCountRaise})`,
    );

  const breaking = [
    ...input.features.filter((f) => (f.breakingChanges?.length ?? 0) > 0).map((f) => `feature ${f.name}`),
    ...(input.breakingCommits ?? []),
  ];
  if (breaking.length > 0) raiseTo("breaking changes", 1, `breaking changes (${list(breaking)})`);

  const paths = (input.changedPaths ?? []).map(normalisePath);
  const infra = matching(paths, input.settings.infrastructurePaths);
  if (infra.length > 0) raiseTo("infrastructure changes", 1, `infrastructure changes (${list(infra)})`);

  const security = matching(paths, input.settings.securityPaths);
  if (security.length > 0) {
    const combined = breaking.length > 0 || infra.length > 0;
    raiseTo(
      "security-relevant changes",
      combined ? 0 : 1,
      `security-relevant changes (${list(security)})${combined ? " together with breaking or infrastructure changes" : ""}`,
    );
  }
  return { sev, factors };
}

function matching(paths: readonly string[], globs: readonly string[]): string[] {
  if (globs.length === 0 || paths.length === 0) return [];
  const res = globs.map(globRegExp);
  return paths.filter((p) => res.some((re) => re.test(p)));
}

function list(items: readonly string[]): string {
  return items.slice(0, 5).join(", ") + (items.length > 5 ? ` and ${items.length - 5} more` : "");
}

function clampSev(n: number): Sev {
  return Math.min(5, Math.max(0, Math.trunc(n))) as Sev;
}
