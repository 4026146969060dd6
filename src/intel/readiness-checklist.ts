/**
 * Spec 5.4: the production readiness checklist in CRITICAL / STANDARD / ADVISORY classes and the
 * GO / NO-GO decision matrix, from what earlier steps recorded. A check whose step is not part of
 * the SEV plan is shown as not applicable and does not count. A check nothing is configured for is
 * not a pass: it counts in its class as not passed, and its finding weighs what the SEV says
 * (core/verdict `unconfiguredSeverity`: critical at SEV-0/1, STANDARD at SEV-2, advisory below;
 * health and artifacts not configured are advisory at every SEV). Pure.
 */
import type { Finding, Sev } from "../core/events.js";
import { unconfiguredSeverity, type Verdict } from "../core/verdict.js";
import type { GateClass, ReadinessLevel, Recommendation } from "./feature-types.js";
import type { RiskProfile } from "./aggregate-risks.js";
import type { SignoffAssessment } from "./assess-signoffs.js";

export interface ChecklistItem {
  class: GateClass;
  title: string;
  /** null: not applicable to this release (its phase is not in the plan), or nothing configured (see `notConfigured`). */
  passed: boolean | null;
  detail: string;
  /** Nothing is configured for this check: counted as not passed. */
  notConfigured?: boolean;
  /** How much an unconfigured check weighs at this release's SEV. */
  severity?: Finding["severity"];
  verdict: Verdict;
}

export interface MatrixRow {
  factor: string;
  status: "GO" | "CONDITIONAL" | "NO-GO" | "N/A";
  notes: string;
}

export interface ChecklistModel {
  items: ChecklistItem[];
  gates: Record<"critical" | "standard" | "advisory", { passed: number; total: number }>;
  matrix: MatrixRow[];
  recommendation: Recommendation;
  findings: Finding[];
  /** How many checks have nothing configured. */
  notConfigured: number;
}

/** What a finished test step (3.1–3.3) recorded, in short. */
export interface TestStepSummary {
  commands: number;
  failed: number;
  /** The HUM LEAD approved phase 3 despite failures (a waiver). */
  waived?: boolean;
}

export type ConfigurableCheck = "integration" | "performance" | "security" | "uat";

export interface ChecklistInput {
  /** The release's SEV: how much an unconfigured check weighs (null/absent: as SEV-2). */
  sev?: Sev | null;
  /** Which checks have something configured (absent: read from the recorded test summaries). */
  configured?: Record<ConfigurableCheck, boolean>;
  /** The environment has health checks (absent: assumed when a health result is given). */
  healthConfigured?: boolean;
  features: {
    readiness: ReadinessLevel;
    gates: Record<"critical" | "standard" | "advisory", { passed: number; total: number }>;
    waived: string[];
    contradictions: number;
    /** Failed system checks of the feature aggregation ("S4 No open HIGH risk: open HIGH risks in payments"). */
    failing?: { class: GateClass; text: string }[];
  } | null;
  /** null: phase 3 is not in the plan. */
  tests: { integration: TestStepSummary; performance: TestStepSummary; security: TestStepSummary } | null;
  uat: SignoffAssessment | null;
  health: { passed: boolean; detail: string } | null;
  stakeholders: SignoffAssessment | null;
  risks: RiskProfile | null;
  artifacts: { count: number; manifest: string | null; ok: boolean } | null;
  /** Phase 4 ran and its plan (with rollback procedures) was approved. */
  rollbackPlanned: boolean | null;
}

type Item = Omit<ChecklistItem, "verdict">;

const notConfigured = (cls: GateClass, title: string, detail: string, severity: Finding["severity"]): Item => ({
  class: cls,
  title,
  passed: null,
  notConfigured: true,
  severity,
  detail: `not configured: ${detail}`,
});

const testItem = (
  title: string,
  cls: GateClass,
  s: TestStepSummary | undefined,
  configured: boolean,
  severity: Finding["severity"],
  waived: boolean,
): Item => {
  if (!configured)
    return notConfigured(
      cls,
      title,
      `no commands configured${waived ? " — accepted by the HUM LEAD with a waiver at phase 3" : ""}`,
      waived ? "info" : severity,
    );
  if (!s) return { class: cls, title, passed: null, detail: "phase 3 is not part of this release's SEV plan" };
  if (s.failed === 0) return { class: cls, title, passed: true, detail: `${s.commands} command(s) passed` };
  return {
    class: cls,
    title,
    passed: s.waived ? true : false,
    detail: `${s.failed} of ${s.commands} command(s) failed${s.waived ? " — approved by the HUM LEAD with a waiver" : ""}`,
  };
};

const signoffItem = (title: string, cls: GateClass, s: SignoffAssessment | null): Item => {
  if (!s || s.required.length === 0)
    return { class: cls, title, passed: null, detail: "nobody is configured to sign off" };
  const parts = [`${s.signed.length}/${s.needed} signed`];
  if (s.rejected.length) parts.push(`refused by ${s.rejected.map((r) => r.by).join(", ")}`);
  if (s.missing.length) parts.push(`missing: ${s.missing.join(", ")}`);
  return { class: cls, title, passed: s.complete, detail: parts.join("; ") };
};

/** Builds the checklist. Example: `buildReadinessChecklist(input).recommendation` → "GO". */
export function buildReadinessChecklist(i: ChecklistInput): ChecklistModel {
  const f = i.features;
  const failing = (cls: GateClass): string => {
    const t = (f?.failing ?? []).filter((x) => x.class === cls).map((x) => x.text);
    return t.length ? `; failing: ${t.join("; ")}` : "";
  };
  const sev = unconfiguredSeverity(i.sev ?? null);
  const configured = (k: Exclude<ConfigurableCheck, "uat">): boolean =>
    i.configured?.[k] ?? (i.tests ? i.tests[k].commands > 0 : true);
  const waived3 = (k: Exclude<ConfigurableCheck, "uat">): boolean => i.tests?.[k].waived === true;
  const uatConfigured = i.configured?.uat ?? true;
  const noFeatures = f !== null && f.readiness === "NO_FEATURES";
  const raw: Item[] = [
    noFeatures
      ? {
          class: "CRITICAL",
          title: "Feature readiness: critical gates",
          passed: null,
          detail: "no features found: nothing was assessed",
        }
      : {
          class: "CRITICAL",
          title: "Feature readiness: critical gates",
          passed: f ? f.gates.critical.passed === f.gates.critical.total : null,
          detail: f
            ? `passed ${f.gates.critical.passed}/${f.gates.critical.total}; system ${f.readiness}${failing("CRITICAL")}`
            : "not assessed",
        },
    testItem(
      "Cross-feature integration tests",
      "CRITICAL",
      i.tests?.integration,
      configured("integration"),
      sev,
      waived3("integration"),
    ),
    testItem("Security validation", "CRITICAL", i.tests?.security, configured("security"), sev, waived3("security")),
    i.healthConfigured === false
      ? notConfigured("CRITICAL", "Final system health verification", "the environment has no health checks", "info")
      : {
          class: "CRITICAL",
          title: "Final system health verification",
          passed: i.health ? i.health.passed : null,
          detail: i.health?.detail ?? "not applicable (nothing runs there yet)",
        },
    {
      class: "CRITICAL",
      title: "Release artifacts built and recorded",
      passed: i.artifacts ? i.artifacts.ok : null,
      detail: i.artifacts
        ? i.artifacts.ok
          ? `${i.artifacts.count} artifact(s) in ${i.artifacts.manifest ?? "the manifest"}`
          : "the build or an artifact failed"
        : "no build configured",
    },
    {
      class: "STANDARD",
      title: "Feature readiness: standard gates",
      passed: f ? f.gates.standard.passed === f.gates.standard.total : null,
      detail: f
        ? `passed ${f.gates.standard.passed}/${f.gates.standard.total}${f.waived.length ? `; waived: ${f.waived.join(", ")}` : ""}${failing("STANDARD")}`
        : "not assessed",
    },
    testItem(
      "Performance at scale",
      "STANDARD",
      i.tests?.performance,
      configured("performance"),
      sev,
      waived3("performance"),
    ),
    uatConfigured
      ? signoffItem("User acceptance sign-offs", "STANDARD", i.uat)
      : notConfigured(
          "STANDARD",
          "User acceptance sign-offs",
          "nobody is configured to sign off (tests.uat.signoffs)",
          i.tests && (i.tests.integration.waived || i.tests.security.waived || i.tests.performance.waived)
            ? "info"
            : sev,
        ),
    signoffItem("Stakeholder sign-offs", "STANDARD", i.stakeholders),
    {
      class: "STANDARD",
      title: "No open HIGH risk without mitigation",
      passed: i.risks ? i.risks.unmitigatedHigh === 0 : null,
      detail: i.risks
        ? `${i.risks.counts.HIGH.open} open HIGH risk(s), ${i.risks.unmitigatedHigh} without mitigation`
        : "not assessed",
    },
    {
      class: "ADVISORY",
      title: "Feature readiness: advisory gates",
      passed: f ? f.gates.advisory.passed === f.gates.advisory.total : null,
      detail: f ? `passed ${f.gates.advisory.passed}/${f.gates.advisory.total}${failing("ADVISORY")}` : "not assessed",
    },
    {
      class: "ADVISORY",
      title: "Feature documents agree",
      passed: f ? f.contradictions === 0 : null,
      detail: f
        ? f.contradictions
          ? `${f.contradictions} feature(s) with contradicting documents (the cautious reading was used)`
          : "no contradictions"
        : "not assessed",
    },
    {
      class: "ADVISORY",
      title: "Rollback procedures planned",
      passed: i.rollbackPlanned,
      detail:
        i.rollbackPlanned === null
          ? "phase 4 is not part of this release's SEV plan"
          : i.rollbackPlanned
            ? "phase 4 approved"
            : "phase 4 not approved yet",
    },
    {
      class: "ADVISORY",
      title: "No open MEDIUM risk",
      passed: i.risks ? i.risks.counts.MEDIUM.open === 0 : null,
      detail: i.risks ? `${i.risks.counts.MEDIUM.open} open MEDIUM risk(s)` : "not assessed",
    },
  ];
  const items: ChecklistItem[] = raw.map((x) => ({
    ...x,
    verdict: x.notConfigured ? "not-configured" : x.passed === null ? "not-applicable" : x.passed ? "pass" : "fail",
  }));
  // Not configured counts as not passed: "passed 3/5", never "3/3".
  const tally = (cls: GateClass): { passed: number; total: number } => {
    const cs = items.filter((x) => x.class === cls && (x.passed !== null || x.notConfigured));
    return { passed: cs.filter((x) => x.passed).length, total: cs.length };
  };
  const gates = { critical: tally("CRITICAL"), standard: tally("STANDARD"), advisory: tally("ADVISORY") };
  const failedIn = (cls: GateClass): boolean => items.some((x) => x.class === cls && x.passed === false);
  const unconfigured = items.filter((x) => x.notConfigured);
  const recommendation: Recommendation =
    failedIn("CRITICAL") || unconfigured.some((x) => x.severity === "critical")
      ? "NO_GO"
      : failedIn("STANDARD") || unconfigured.some((x) => x.severity === "warning")
        ? "CONDITIONAL_GO"
        : "GO";
  const findings: Finding[] = [
    ...items
      .filter((x) => x.passed === false && x.class !== "ADVISORY")
      .map((x): Finding => ({
        severity: x.class === "CRITICAL" ? "critical" : "warning",
        code: x.class === "CRITICAL" ? "READINESS_CRITICAL_GATE" : "READINESS_STANDARD_GATE",
        message: `${x.title}: ${x.detail}`,
        source: "5.4",
      })),
    ...unconfigured.map((x): Finding => ({
      severity: x.severity ?? "info",
      code: "READINESS_NOT_CONFIGURED",
      message: `${x.class} ${x.title}: ${x.detail} — not a pass`,
      source: "5.4",
    })),
  ];
  const status = (ok: boolean | null, conditional = false): MatrixRow["status"] =>
    ok === null ? "N/A" : ok ? (conditional ? "CONDITIONAL" : "GO") : "NO-GO";
  const matrix: MatrixRow[] = [
    {
      factor: "Feature readiness",
      status:
        f && !noFeatures
          ? f.readiness === "READY"
            ? "GO"
            : f.readiness === "CONDITIONAL"
              ? "CONDITIONAL"
              : "NO-GO"
          : "N/A",
      notes: f
        ? `${f.readiness}; critical passed ${f.gates.critical.passed}/${f.gates.critical.total}, standard ${f.gates.standard.passed}/${f.gates.standard.total}`
        : "not assessed",
    },
    {
      factor: "System testing",
      status: i.tests
        ? status(
            [i.tests.integration, i.tests.performance].every((t) => t.failed === 0 || t.waived),
            [i.tests.integration, i.tests.performance].some((t) => t.failed > 0),
          )
        : "N/A",
      notes: i.tests
        ? `integration ${i.tests.integration.commands - i.tests.integration.failed}/${i.tests.integration.commands}, performance ${i.tests.performance.commands - i.tests.performance.failed}/${i.tests.performance.commands}`
        : "phase 3 not in plan",
    },
    {
      factor: "Security",
      status: i.tests
        ? status(i.tests.security.failed === 0 || i.tests.security.waived === true, i.tests.security.failed > 0)
        : "N/A",
      notes: i.tests
        ? `${i.tests.security.commands - i.tests.security.failed}/${i.tests.security.commands} security command(s) passed${i.tests.security.waived && i.tests.security.failed ? " (waived)" : ""}`
        : "phase 3 not in plan",
    },
    {
      factor: "System health",
      status: status(i.health ? i.health.passed : null),
      notes: i.health?.detail ?? "no health checks configured",
    },
    {
      factor: "Risks",
      status: i.risks
        ? i.risks.unmitigatedHigh > 0
          ? "NO-GO"
          : i.risks.counts.HIGH.open > 0
            ? "CONDITIONAL"
            : "GO"
        : "N/A",
      notes: i.risks
        ? `HIGH ${i.risks.counts.HIGH.open}/${i.risks.counts.HIGH.total} open, MEDIUM ${i.risks.counts.MEDIUM.open}/${i.risks.counts.MEDIUM.total} open`
        : "not assessed",
    },
    {
      factor: "Stakeholder sign-offs",
      status:
        i.stakeholders && i.stakeholders.required.length
          ? i.stakeholders.complete
            ? "GO"
            : i.stakeholders.rejected.length
              ? "NO-GO"
              : "CONDITIONAL"
          : "N/A",
      notes: signoffItem("", "STANDARD", i.stakeholders).detail,
    },
    {
      factor: "Artifacts",
      status: status(i.artifacts ? i.artifacts.ok : null),
      notes: i.artifacts ? `${i.artifacts.count} recorded` : "no build configured",
    },
  ];
  return { items, gates, matrix, recommendation, findings, notConfigured: unconfigured.length };
}
