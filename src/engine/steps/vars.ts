/** The values substituted into configured commands: {version}, {previous}, {environment}, {commit}, {package}. */
import type { SubstitutionVars } from "../../deploy/substitute.js";
import { artifactsDir } from "../../package/package-store.js";
import type { StepContext } from "../step-types.js";

export function stepVars(ctx: Pick<StepContext, "state"> & Partial<Pick<StepContext, "root">>): SubstitutionVars {
  const pkg = ctx.state.package;
  return {
    version: ctx.state.version,
    previous: ctx.state.previous,
    environment: ctx.state.environment,
    commit: pkg?.commit ?? null,
    package: pkg && ctx.root ? artifactsDir(ctx.root, ctx.state.version) : null,
  };
}
