/**
 * Phase 3: cross-feature integration (3.1), performance at scale (3.2), security (3.3) — the
 * configured commands, with time limits, their JUnit / TAP / npm audit reports read — and user
 * acceptance as sign-offs (3.4); the testing report (3.5). A failing command is a critical
 * finding at the phase gate, not a failed step: the HUM LEAD decides, and approving needs a
 * recorded waiver (`brtops approve --waive "why"`).
 */
import { renderPhaseReport } from "../../core/render/gate-report.js";
import type { Finding } from "../../core/events.js";
import { unconfiguredFinding } from "../../core/verdict.js";
import { summarizeOutcomes, type TestKind } from "../../intel/assess-test-run.js";
import { assessSignoffs } from "../../intel/assess-signoffs.js";
import { runTestSteps, type TestRunRecord } from "../../intel/run-system-tests.js";
import { signoffsFromEvents } from "../../intel/signoffs-from-events.js";
import type { StepContext, StepExecutor } from "../step-types.js";
import { stepVars } from "./vars.js";
import { releaseCheckout } from "../../package/package-store.js";

const MAX_RUNS = 50;

/** One run as recorded: its lists cut (20 failures, 20 vulnerabilities). */
function boundRun(r: TestRunRecord): Record<string, unknown> {
  return {
    ...r,
    ...(r.tests ? { tests: { ...r.tests, failures: r.tests.failures.slice(0, 20) } } : {}),
    ...(r.audit ? { audit: { ...r.audit, vulnerabilities: r.audit.vulnerabilities.slice(0, 20) } } : {}),
    findings: r.findings.slice(0, 25),
  };
}

function tests(kind: TestKind): StepExecutor {
  return async (ctx: StepContext) => {
    const steps = ctx.config.tests[kind];
    if (steps.length === 0) {
      // Nothing configured is not a pass: a finding weighed by the SEV (core/verdict).
      const findings = [
        unconfiguredFinding(ctx.state.sev, kind, `${kind} test command (tests.${kind})`, ctx.state.step),
      ];
      return {
        result: {
          summary: `not configured: no ${kind} commands (tests.${kind})`,
          kind,
          notConfigured: true,
          commands: 0,
          passed: 0,
          failed: 0,
          tests: 0,
          testsFailed: 0,
          runs: [],
          findings,
        },
        findings,
      };
    }
    // The tests run against the release commit (a clean checkout of it), never the working folder.
    const root = await releaseCheckout(ctx);
    const runs = await runTestSteps({
      root,
      kind,
      steps,
      run: ctx.run,
      vars: stepVars(ctx),
      redact: ctx.redact,
      signal: ctx.signal,
      onResult: (r) =>
        ctx.progress({
          kind: "info",
          step: ctx.state.step,
          message: `${kind} "${r.name}": ${r.passed ? "passed" : "FAILED"} (${r.outcome})`,
          status: r.passed ? "ok" : "fail",
        }),
    });
    const sum = summarizeOutcomes(runs);
    const findings: Finding[] = runs.flatMap((r) => r.findings);
    if (sum.failed > 0 && !findings.some((f) => f.severity === "critical"))
      findings.push({
        severity: "critical",
        code: `${kind.toUpperCase()}_FAILED`,
        message: `${sum.failed} of ${sum.commands} ${kind} command(s) failed`,
      });
    const testsPart = sum.tests ? `; ${sum.tests - sum.testsFailed}/${sum.tests} tests passed` : "";
    return {
      result: {
        summary: `${sum.passed}/${sum.commands} ${kind} command(s) passed${testsPart}`,
        kind,
        ...sum,
        runs: runs.slice(0, MAX_RUNS).map(boundRun),
        findings: findings.slice(0, 50),
      },
    };
  };
}

const uat: StepExecutor = async (ctx) => {
  const required = ctx.config.tests.uat.signoffs;
  if (required.length === 0) {
    const findings = [
      unconfiguredFinding(ctx.state.sev, "uat", "user acceptance sign-off (tests.uat.signoffs)", "3.4"),
    ];
    return {
      result: {
        summary: "not configured: no UAT sign-offs (tests.uat.signoffs)",
        required: [],
        notConfigured: true,
        findings,
      },
      findings,
    };
  }
  const a = assessSignoffs(required, signoffsFromEvents(ctx.events, "uat"));
  const findings: Finding[] = [
    ...a.rejected.map((s): Finding => ({
      severity: "critical",
      code: "UAT_REJECTED",
      message: `${s.by} did not accept the release${s.note ? `: ${s.note}` : ""}`,
      source: "3.4",
    })),
    ...(a.missing.length
      ? [
          {
            severity: "warning",
            code: "UAT_SIGNOFF_MISSING",
            message: `Waiting for UAT sign-off from ${a.missing.join(", ")}`,
            source: "3.4",
          } satisfies Finding,
        ]
      : []),
  ];
  return {
    result: {
      summary: `UAT: ${a.signed.length}/${a.needed} signed${a.rejected.length ? `, ${a.rejected.length} refused` : ""}${a.missing.length ? `, waiting for ${a.missing.join(", ")}` : ""}`,
      ...(a as unknown as Record<string, unknown>),
      findings,
    },
  };
};

export const phase3Steps: Record<string, StepExecutor> = {
  "3.1": tests("integration"),
  "3.2": tests("performance"),
  "3.3": tests("security"),
  "3.4": uat,
  "3.5": async (ctx) => ({ result: { summary: "testing report composed", report: renderPhaseReport(ctx.state, 3) } }),
};
