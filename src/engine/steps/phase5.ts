/**
 * Phase 5: final system health (5.1), stakeholder sign-offs (5.2), the system risk profile from
 * the features (5.3), the production readiness checklist with its CRITICAL / STANDARD / ADVISORY
 * gates and GO / NO-GO matrix (5.4), the pre-deployment report (5.5). Only 5.4 carries findings:
 * it consolidates what 5.1–5.3 and earlier phases recorded, so nothing is reported twice.
 */
import { renderPhaseReport } from "../../core/render/gate-report.js";
import type { ReleaseState } from "../../core/release-state.js";
import { intelSettings } from "../../config/schema-intel.js";
import { validateOperations } from "../../deploy/execute-validation.js";
import { aggregateRisks, type RiskProfile } from "../../intel/aggregate-risks.js";
import { assessSignoffs, type SignoffAssessment } from "../../intel/assess-signoffs.js";
import { buildReadinessChecklist, type ChecklistInput, type TestStepSummary } from "../../intel/readiness-checklist.js";
import { signoffsFromEvents } from "../../intel/signoffs-from-events.js";
import { stepResult } from "../../core/step-results.js";
import type { StepContext, StepExecutor } from "../step-types.js";
import { currentFeatures } from "./phase1-readiness.js";

const health: StepExecutor = async (ctx) => {
  const env = ctx.config.environments[ctx.state.environment];
  if (!env || env.health.length === 0)
    return {
      result: {
        summary: `not configured: no health checks for ${ctx.state.environment}`,
        passed: null,
        notConfigured: true,
        checks: [],
      },
    };
  // Nothing runs there yet (no earlier release at all): there is nothing to check the health of.
  if (ctx.state.previousSource === "none")
    return {
      result: {
        summary: `not applicable (first deployment to ${ctx.state.environment}: brtops never deployed there)`,
        passed: null,
        firstDeployment: true,
        notApplicable: true,
        checks: [],
      },
    };
  const o = await validateOperations(ctx, { before: true });
  const checks = Array.isArray(o.result?.checks)
    ? (o.result.checks as { name: string; ok: boolean; detail: string }[])
    : [];
  const failed = checks.filter((c) => !c.ok);
  // brtops never deployed there (the tag below stands in for what runs): a failing check is not
  // a finding against this release, and not a pass either.
  const first = ctx.state.previousSource !== "ledger";
  return {
    result: {
      summary: failed.length
        ? `${failed.length} of ${checks.length} health check(s) failing on ${ctx.state.environment}: ${failed.map((c) => c.name).join(", ")}${first ? ` — not applicable (first deployment by brtops to ${ctx.state.environment})` : ""}`
        : `${checks.length} health check(s) healthy on ${ctx.state.environment}`,
      passed: failed.length === 0 ? true : first ? null : false,
      ...(failed.length && first ? { notApplicable: true } : {}),
      firstDeployment: first,
      firstRelease: first,
      checks,
    },
  };
};

/** Stakeholder sign-offs as the log holds them now. */
export function stakeholderSignoffs(ctx: Pick<StepContext, "config" | "events">): SignoffAssessment {
  const s = intelSettings(ctx.config).signoffs;
  return assessSignoffs(s.stakeholders, signoffsFromEvents(ctx.events, "stakeholders"), s.required);
}

const signoffs: StepExecutor = async (ctx) => {
  const a = stakeholderSignoffs(ctx);
  if (a.required.length === 0)
    return {
      result: {
        summary: "not configured: no stakeholder sign-offs (signoffs.stakeholders)",
        ...(a as unknown as Record<string, unknown>),
        notConfigured: true,
      },
    };
  return {
    result: {
      summary: `${a.signed.length}/${a.needed} stakeholder sign-off(s)${a.rejected.length ? `, refused by ${a.rejected.map((r) => r.by).join(", ")}` : ""}${a.missing.length ? `, waiting for ${a.missing.join(", ")}` : ""}`,
      ...(a as unknown as Record<string, unknown>),
    },
  };
};

const risks: StepExecutor = async (ctx) => {
  const r = await currentFeatures(ctx);
  const p = aggregateRisks(r.features);
  return {
    result: {
      summary: `${p.counts.HIGH.open} open HIGH, ${p.counts.MEDIUM.open} open MEDIUM, ${p.counts.LOW.open} open LOW risk(s) across ${r.features.length} feature(s)${p.unmitigatedHigh ? `; ${p.unmitigatedHigh} HIGH without mitigation` : ""}`,
      profile: p as unknown as Record<string, unknown>,
      features: {
        readiness: r.readiness,
        recommendation: r.recommendation,
        gates: r.gates,
        waived: r.waived,
        excluded: r.excluded,
        contradictions: r.features.filter((f) => f.contradictions.length > 0).length,
        failing: r.checks
          .filter((c) => !c.passed)
          .map((c) => ({ class: c.class, text: `${c.id} ${c.title}: ${c.detail}` })),
      },
    },
  };
};

function testSummary(s: ReleaseState, step: "3.1" | "3.2" | "3.3", waived: boolean): TestStepSummary {
  const r = stepResult(s, step);
  return { commands: r?.commands ?? 0, failed: r?.failed ?? 0, ...(waived ? { waived } : {}) };
}

/** The checklist's inputs, from what the log recorded (and the sign-offs given so far). */
export function checklistInput(ctx: Pick<StepContext, "state" | "events" | "config">): ChecklistInput {
  const s = ctx.state;
  const phase3 = s.plan.includes(3);
  const waived3 = s.decisions.some((d) => d.type === "approve" && d.phase === 3 && (d.note ?? "").includes("waiver:"));
  const r53 = stepResult(s, "5.3");
  const r24 = stepResult(s, "2.4");
  const r51 = stepResult(s, "5.1");
  const uatRequired = ctx.config.tests.uat.signoffs;
  const stakeholders = stakeholderSignoffs(ctx);
  const features = r53?.features as ChecklistInput["features"] | undefined;
  const builds = Array.isArray(r24?.builds) ? r24.builds.length : 0;
  return {
    features: features ?? null,
    sev: s.sev,
    configured: {
      integration: ctx.config.tests.integration.length > 0,
      performance: ctx.config.tests.performance.length > 0,
      security: ctx.config.tests.security.length > 0,
      uat: uatRequired.length > 0,
    },
    tests: phase3
      ? {
          integration: testSummary(s, "3.1", waived3),
          performance: testSummary(s, "3.2", waived3),
          security: testSummary(s, "3.3", waived3),
        }
      : null,
    uat: phase3 && uatRequired.length ? assessSignoffs(uatRequired, signoffsFromEvents(ctx.events, "uat")) : null,
    health:
      r51 && r51.passed !== null && r51.passed !== undefined
        ? { passed: r51.passed === true, detail: String(r51.summary ?? "") }
        : null,
    healthConfigured: (ctx.config.environments[s.environment]?.health.length ?? 0) > 0,
    stakeholders: stakeholders.required.length ? stakeholders : null,
    risks: (r53?.profile as RiskProfile | undefined) ?? null,
    artifacts:
      builds > 0
        ? {
            count: Array.isArray(r24?.artifacts) ? r24.artifacts.length : 0,
            manifest: r24?.manifest ?? null,
            ok: r24?.ok === true,
          }
        : null,
    rollbackPlanned: s.plan.includes(4) ? s.approvedAt[4] !== undefined : null,
  };
}

const checklist: StepExecutor = async (ctx) => {
  const input = checklistInput(ctx);
  const c = buildReadinessChecklist(input);
  return {
    result: {
      summary: `${c.recommendation}: CRITICAL passed ${c.gates.critical.passed}/${c.gates.critical.total}, STANDARD ${c.gates.standard.passed}/${c.gates.standard.total}, ADVISORY ${c.gates.advisory.passed}/${c.gates.advisory.total}${c.notConfigured ? `; ${c.notConfigured} check(s) not configured` : ""}`,
      recommendation: c.recommendation,
      notConfiguredChecks: c.notConfigured,
      input: input as unknown as Record<string, unknown>,
      checklist: c as unknown as Record<string, unknown>,
      findings: c.findings,
    },
  };
};

export const phase5Steps: Record<string, StepExecutor> = {
  "5.1": health,
  "5.2": signoffs,
  "5.3": risks,
  "5.4": checklist,
  "5.5": async (ctx) => ({ result: { summary: "readiness report composed", report: renderPhaseReport(ctx.state, 5) } }),
};
