/** Phase 7: operations (7.1), performance (7.2), user experience (7.3), business (7.4), report (7.5). */
import {
  validateBusiness,
  validateOperations,
  validatePerformance,
  validateUserExperience,
} from "../../deploy/execute-validation.js";
import { renderPhaseReport } from "../../core/render/gate-report.js";
import type { StepExecutor } from "../step-types.js";

export const phase7Steps: Record<string, StepExecutor> = {
  "7.1": validateOperations,
  "7.2": validatePerformance,
  "7.3": validateUserExperience,
  "7.4": validateBusiness,
  "7.5": async (ctx) => ({
    result: { summary: "validation report composed", report: renderPhaseReport(ctx.state, 7) },
  }),
};
