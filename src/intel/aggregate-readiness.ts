/**
 * The framework's aggregation rules (spec 1.2/1.3; conventions "Aggregation rules"): system checks
 * in three gate classes, overall readiness and a recommendation. Pure.
 *
 *   CRITICAL (failure blocks: NOT_READY / NO_GO)
 *     C1 every feature complete or conditional (in-progress, blocked and pending fail)
 *     C2 zero critical issues: no failed (❌) validation in any feature
 *     C3 security score ≥ 90 wherever one is given
 *   STANDARD (failure needs a waiver: CONDITIONAL / CONDITIONAL_GO)
 *     S1 every feature complete without conditions (conditional and waived features fail it)
 *     S2 every feature's validation score ≥ 80 where scores exist
 *     S3 performance score ≥ 85 wherever one is given
 *     S4 no open HIGH risk
 *     S5 no pending validation (🟡, unchecked "- [ ]")
 *   ADVISORY (failure is documented)
 *     A1 every feature has readable readiness documents
 *     A2 each feature's documents agree on its status
 *     A3 every feature states its SEV level
 *
 * A waived feature counts as conditional-accepted: it fails only S1 and the advisory checks. An
 * excluded feature is left out of everything. With no features at all nothing was assessed: the
 * readiness is NO_FEATURES (recommendation CONDITIONAL_GO, never a plain GO) and A1 says so.
 */
import type { Sev } from "../core/events.js";
import type {
  FeatureCounts,
  FeatureReadiness,
  FeatureReport,
  GateCheck,
  GateClass,
  GateTally,
} from "./feature-types.js";

export interface Waivers {
  waived?: readonly string[];
  excluded?: readonly string[];
}

export interface ReadinessThresholds {
  validationScore: number;
  performanceScore: number;
  securityScore: number;
}

export const DEFAULT_READINESS_THRESHOLDS: Readonly<ReadinessThresholds> = {
  validationScore: 80,
  performanceScore: 85,
  securityScore: 90,
};

/** True when `ref` names this feature (its name or its folder name, case and separators ignored). */
export function namesFeature(ref: string, f: { name: string; path: string }): boolean {
  const k = slug(ref);
  return k !== "" && (slug(f.name) === k || slug(f.path.split("/").pop() ?? "") === k || slug(f.path) === k);
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Aggregates feature readiness into the system result. Example: `aggregateReadiness(features, {waived: ["search"]}).recommendation` → "CONDITIONAL_GO". */
export function aggregateReadiness(
  all: readonly FeatureReadiness[],
  waivers: Waivers = {},
  thresholds: ReadinessThresholds = DEFAULT_READINESS_THRESHOLDS,
  remarks: readonly string[] = [],
): FeatureReport {
  const waivedRefs = waivers.waived ?? [];
  const excludedRefs = waivers.excluded ?? [];
  const out: string[] = [...remarks];
  const excluded: string[] = [];
  const features: FeatureReadiness[] = [];
  for (const f of all) {
    if (excludedRefs.some((r) => namesFeature(r, f))) {
      excluded.push(f.name);
      continue;
    }
    features.push(waivedRefs.some((r) => namesFeature(r, f)) ? { ...f, waived: true } : f);
  }
  for (const r of [...waivedRefs, ...excludedRefs])
    if (!all.some((f) => namesFeature(r, f))) out.push(`"${r}" was waived or excluded but names no feature`);
  const active = features.filter((f) => !f.waived);

  const checks: GateCheck[] = [];
  const check = (
    id: string,
    cls: GateClass,
    title: string,
    failing: FeatureReadiness[],
    detail: (n: string[]) => string,
  ): void => {
    const names = failing.map((f) => f.name);
    checks.push({ id, class: cls, title, passed: names.length === 0, detail: detail(names), features: names });
  };
  const list = (n: string[]): string => n.slice(0, 20).join(", ") + (n.length > 20 ? ` and ${n.length - 20} more` : "");
  const scored = (k: "validation" | "performance" | "security"): FeatureReadiness[] =>
    active.filter((f) => f.scores[k] !== undefined);

  check(
    "C1",
    "CRITICAL",
    "All features complete",
    active.filter((f) => f.status !== "complete" && f.status !== "conditional"),
    (n) => (n.length ? `not complete: ${list(n)}` : `${features.length} feature(s) complete or conditional`),
  );
  const failedCount = active.reduce((a, f) => a + f.failed.length, 0);
  check(
    "C2",
    "CRITICAL",
    "Zero critical issues",
    active.filter((f) => f.failed.length > 0),
    (n) => (n.length ? `${failedCount} failed validation(s) in ${list(n)}` : "no failed validation"),
  );
  check(
    "C3",
    "CRITICAL",
    `Security score ≥ ${thresholds.securityScore}`,
    scored("security").filter((f) => f.scores.security! < thresholds.securityScore),
    (n) =>
      n.length
        ? `below ${thresholds.securityScore}: ${list(n)}`
        : scored("security").length
          ? `${scored("security").length} feature(s) scored`
          : "no security scores given",
  );
  check(
    "S1",
    "STANDARD",
    "All features complete without conditions",
    features.filter((f) => f.waived || f.status === "conditional"),
    (n) => (n.length ? `conditional or waived: ${list(n)}` : "no conditions"),
  );
  check(
    "S2",
    "STANDARD",
    `Validation score ≥ ${thresholds.validationScore}`,
    scored("validation").filter((f) => f.scores.validation! < thresholds.validationScore),
    (n) =>
      n.length
        ? `below ${thresholds.validationScore}: ${list(n)}`
        : scored("validation").length
          ? `${scored("validation").length} feature(s) scored`
          : "no validation scores given",
  );
  check(
    "S3",
    "STANDARD",
    `Performance score ≥ ${thresholds.performanceScore}`,
    scored("performance").filter((f) => f.scores.performance! < thresholds.performanceScore),
    (n) =>
      n.length
        ? `below ${thresholds.performanceScore}: ${list(n)}`
        : scored("performance").length
          ? `${scored("performance").length} feature(s) scored`
          : "no performance scores given",
  );
  check(
    "S4",
    "STANDARD",
    "No open HIGH risk",
    active.filter((f) => f.risks.some((r) => r.level === "HIGH" && r.open)),
    (n) => (n.length ? `open HIGH risks in ${list(n)}` : "no open HIGH risk"),
  );
  check(
    "S5",
    "STANDARD",
    "No pending validation",
    active.filter((f) => f.pending.length > 0),
    (n) => (n.length ? `pending validations in ${list(n)}` : "no pending validation"),
  );
  check(
    "A1",
    "ADVISORY",
    "Readiness documents present",
    features.filter((f) => f.source === null),
    (n) =>
      n.length
        ? `nothing readable for ${list(n)}`
        : features.length
          ? "every feature has readiness documents"
          : "no features found",
  );
  check(
    "A2",
    "ADVISORY",
    "Documents agree",
    features.filter((f) => f.contradictions.length > 0),
    (n) => (n.length ? `contradicting documents in ${list(n)}` : "no contradictions"),
  );
  check(
    "A3",
    "ADVISORY",
    "SEV level stated",
    features.filter((f) => f.sev === null),
    (n) => (n.length ? `no SEV level for ${list(n)}` : "every feature states its SEV level"),
  );

  const tally = (cls: GateClass): GateTally => {
    const cs = checks.filter((c) => c.class === cls);
    return { passed: cs.filter((c) => c.passed).length, total: cs.length };
  };
  const gates = { critical: tally("CRITICAL"), standard: tally("STANDARD"), advisory: tally("ADVISORY") };
  const readiness =
    features.length === 0
      ? "NO_FEATURES"
      : gates.critical.passed < gates.critical.total
        ? "NOT_READY"
        : gates.standard.passed < gates.standard.total
          ? "CONDITIONAL"
          : "READY";
  const recommendation =
    readiness === "READY"
      ? "GO"
      : readiness === "CONDITIONAL" || readiness === "NO_FEATURES"
        ? "CONDITIONAL_GO"
        : "NO_GO";
  const sevs = features.map((f) => f.sev).filter((s): s is Sev => s !== null);
  return {
    features,
    readiness,
    recommendation,
    sev: sevs.length ? (Math.min(...sevs) as Sev) : null,
    gates,
    checks,
    counts: countFeatures(features, excluded.length),
    waived: features.filter((f) => f.waived).map((f) => f.name),
    excluded,
    remarks: out,
  };
}

function countFeatures(features: readonly FeatureReadiness[], excluded: number): FeatureCounts {
  const c: FeatureCounts = {
    total: features.length,
    complete: 0,
    conditional: 0,
    inProgress: 0,
    blocked: 0,
    pending: 0,
    waived: 0,
    excluded,
  };
  for (const f of features) {
    if (f.waived) c.waived++;
    if (f.status === "complete") c.complete++;
    else if (f.status === "conditional") c.conditional++;
    else if (f.status === "in-progress") c.inProgress++;
    else if (f.status === "blocked") c.blocked++;
    else c.pending++;
  }
  return c;
}

/** "passed 3/3" as the framework writes a gate class. */
export function gateLine(t: GateTally): string {
  return `passed ${t.passed}/${t.total}`;
}
