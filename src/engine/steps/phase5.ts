/** Phase 5: health (5.1), sign-offs (5.2), risks (5.3), readiness checklist (5.4), report (5.5). */
import { renderPhaseReport } from "../../core/render/gate-report.js";
import { validateOperations } from "../../deploy/execute-validation.js";
import type { StepExecutor } from "../step-types.js";

export const phase5Steps: Record<string, StepExecutor> = {
  "5.1": async (ctx) => {
    // The system as it runs now, before this release: a problem is for the HUM LEAD to weigh, not a stop.
    const o = await validateOperations(ctx);
    const findings = o.failure ? [{ severity: "warning" as const, code: "PRE_DEPLOY_HEALTH", message: o.failure.message }] : [];
    const { findings: _f, ...rest } = (o.result ?? {}) as Record<string, unknown>;
    return { result: { ...rest, summary: o.failure ? `current system unhealthy: ${o.failure.message}` : "current system healthy", findings }, findings };
  },
  "5.2": async (ctx) => {
    const approvals = ctx.state.decisions.filter((d) => d.type === "approve").map((d) => ({ phase: d.phase, by: d.actor.id, at: d.at, authority: d.authority ?? "person" }));
    return { result: { summary: `${approvals.length} phase approval(s) on record`, approvals } };
  },
  "5.3": async (ctx) => {
    const findings = Object.values(ctx.state.steps).flatMap((r) => (Array.isArray(r.result?.findings) ? (r.result!.findings as unknown[]) : []));
    return { result: { summary: `${findings.length} finding(s) from earlier phases`, carried: findings.length } };
  },
  "5.4": async (ctx) => {
    const waived = ctx.state.waivers.map((w) => w.feature);
    return { result: { summary: `checklist of phases ${ctx.state.plan.join(", ")}`, waived } };
  },
  "5.5": async (ctx) => ({ result: { summary: "readiness report composed", report: renderPhaseReport(ctx.state, 5) } }),
};
