/** Phase 4: infrastructure readiness (4.1), rollback procedures (4.2), orchestration (4.3), communication (4.4). */
import { checkInfraReadiness } from "../../deploy/infra-readiness.js";
import { planCommunication, planOrchestration, planRollbackProcedure } from "../../deploy/orchestration.js";
import { renderPhaseReport } from "../../core/render/gate-report.js";
import type { StepExecutor } from "../step-types.js";

export const phase4Steps: Record<string, StepExecutor> = {
  "4.1": async (ctx) => {
    const r = await checkInfraReadiness(ctx);
    return { result: { ...r.result, findings: r.findings }, findings: r.findings };
  },
  "4.2": (ctx) => planRollbackProcedure(ctx),
  "4.3": (ctx) => planOrchestration(ctx),
  "4.4": (ctx) => planCommunication(ctx),
  "4.5": async (ctx) => ({
    result: { summary: "orchestration report composed", report: renderPhaseReport(ctx.state, 4) },
  }),
};
