/** The values substituted into configured commands: {version}, {previous}, {environment}. */
import type { SubstitutionVars } from "../../deploy/substitute.js";
import type { StepContext } from "../step-types.js";

export function stepVars(ctx: Pick<StepContext, "state">): SubstitutionVars {
  return { version: ctx.state.version, previous: ctx.state.previous, environment: ctx.state.environment };
}
