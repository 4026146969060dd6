/** Step id → executor, for every automated and report step of the workflow. */
import type { StepExecutor } from "../step-types.js";
import { phase1Steps } from "./phase1.js";
import { phase1ReadinessSteps } from "./phase1-readiness.js";
import { phase2Steps } from "./phase2.js";
import { withPromotion } from "./phase2-promotion.js";
import { phase3Steps } from "./phase3.js";
import { phase4Steps } from "./phase4.js";
import { phase5Steps } from "./phase5.js";
import { phase6Steps } from "./phase6.js";
import { phase7Steps } from "./phase7.js";

export const EXECUTORS: Readonly<Record<string, StepExecutor>> = {
  ...phase1Steps,
  ...phase1ReadinessSteps,
  ...withPromotion(phase2Steps),
  ...phase3Steps,
  ...phase4Steps,
  ...phase5Steps,
  ...phase6Steps,
  ...phase7Steps,
};
