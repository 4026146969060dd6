/**
 * Step id → executor, for every automated and report step of the workflow. Phases 1 and 2 are
 * loaded with the engine (a request runs them at once); the deployment phases' executors (3–7: the
 * deploy targets, GitHub, OCI, App Store, health checks) are loaded the first time one of their
 * steps runs, so a request that stops at phase 2's gate does not compile them.
 */
import type { StepExecutor } from "../step-types.js";
import { phaseOf } from "../../core/fold.js";
import { phase1Steps } from "./phase1.js";
import { phase1ReadinessSteps } from "./phase1-readiness.js";
import { phase2Steps } from "./phase2.js";
import { withPromotion } from "./phase2-promotion.js";

const FIRST_PHASES: Readonly<Record<string, StepExecutor>> = {
  ...phase1Steps,
  ...phase1ReadinessSteps,
  ...withPromotion(phase2Steps),
};

let deployment: Promise<Readonly<Record<string, StepExecutor>>> | null = null;

async function loadDeploymentPhases(): Promise<Readonly<Record<string, StepExecutor>>> {
  const [p3, p4, p5, p6, p7] = await Promise.all([
    import("./phase3.js"),
    import("./phase4.js"),
    import("./phase5.js"),
    import("./phase6.js"),
    import("./phase7.js"),
  ]);
  return { ...p3.phase3Steps, ...p4.phase4Steps, ...p5.phase5Steps, ...p6.phase6Steps, ...p7.phase7Steps };
}

/** The executor of `step`, undefined for a step that only records (no executor). */
export async function executorFor(step: string): Promise<StepExecutor | undefined> {
  if (phaseOf(step) <= 2) return FIRST_PHASES[step];
  deployment ??= loadDeploymentPhases();
  return (await deployment)[step];
}
