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
    const outcomes = runs.map((r) => (r as unknown as { outcome: never }).outcome ?? r);
    const sum = summarizeOutcomes(outcomes as never);
    const findings: Finding[] = runs.flatMap((r) => ((r as unknown as { findings?: Finding[] }).findings ?? []));
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
    const given = ctx.state.decisions.filter((d) => d.type === "approve").map((d) => ({ id: d.actor.id, at: d.at }));
    const a = assessSignoffs(required, given as never);
    return { result: { summary: required.length ? `${required.length} UAT sign-off(s) configured` : "no UAT sign-offs configured", ...(a as unknown as Record<string, unknown>) } };
  },
  "3.5": async (ctx) => ({ result: { summary: "testing report composed", report: renderPhaseReport(ctx.state, 3) } }),
};
