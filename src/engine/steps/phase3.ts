/** Phase 3: integration (3.1), performance (3.2), security (3.3), UAT (3.4), report (3.5). */
import { runTestSteps } from "../../intel/run-system-tests.js";
import { summarizeOutcomes } from "../../intel/assess-test-run.js";
import { assessSignoffs } from "../../intel/assess-signoffs.js";
import { renderPhaseReport } from "../../core/render/gate-report.js";
import type { Finding } from "../../core/events.js";
import type { StepExecutor, StepContext } from "../step-types.js";
import { stepVars } from "./vars.js";

function tests(kind: "integration" | "performance" | "security"): StepExecutor {
  return async (ctx: StepContext) => {
    const steps = ctx.config.tests[kind];
    if (steps.length === 0) return { result: { summary: "no commands configured", kind, runs: [] } };
    const runs = await runTestSteps({ root: ctx.root, kind, steps: steps as never, run: ctx.run, vars: stepVars(ctx), redact: ctx.redact, signal: ctx.signal });
    const sum = summarizeOutcomes(runs);
    const findings: Finding[] = runs.flatMap((r) => r.findings);
    if (sum.failed > 0 && findings.length === 0) findings.push({ severity: "critical", code: `${kind.toUpperCase()}_FAILED`, message: `${sum.failed} of ${sum.commands} ${kind} command(s) failed` });
    return { result: { summary: `${sum.passed}/${sum.commands} passed`, kind, ...sum, runs: runs as unknown as Record<string, unknown>[], findings } };
  };
}

export const phase3Steps: Record<string, StepExecutor> = {
  "3.1": tests("integration"),
  "3.2": tests("performance"),
  "3.3": tests("security"),
  "3.4": async (ctx) => {
    const required = ctx.config.tests.uat.signoffs;
    // A UAT sign-off is a recorded approval or feedback by a configured person.
    const given = [
      ...ctx.state.decisions.filter((d) => d.type === "approve").map((d) => ({ by: d.actor.id, at: d.at, decision: "approve" as const })),
      ...ctx.state.feedback.filter((f) => /\b(uat|sign[- ]?off)\b/i.test(f.text)).map((f) => ({ by: f.actor.id, at: f.at, decision: "approve" as const, note: f.text })),
    ];
    const a = assessSignoffs(required, given);
    const findings: Finding[] = a.missing.length ? [{ severity: "warning", code: "UAT_SIGNOFF_MISSING", message: `UAT sign-off missing from ${a.missing.join(", ")}` }] : [];
    return { result: { summary: required.length ? `${a.signed.length}/${required.length} UAT sign-off(s)` : "no UAT sign-offs configured", ...(a as unknown as Record<string, unknown>), findings } };
  },
  "3.5": async (ctx) => ({ result: { summary: "testing report composed", report: renderPhaseReport(ctx.state, 3) } }),
};
