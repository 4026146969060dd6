/**
 * Phase 2 of a promotion: the package was approved and certified in an earlier run, so nothing is
 * analysed or built again. 2.1–2.3 take that run's recorded results (the same version analysis,
 * changelog, release notes and scope); 2.4 verifies the package is the approved one — its release
 * commit is here and every stored artifact still has its digest — and a difference is a critical
 * finding at the phase-2 gate.
 */
import { verifyApprovedPackage } from "../../package/package-store.js";
import type { StepContext, StepExecutor, StepOutcome } from "../step-types.js";

function reused(step: string): StepExecutor {
  return async (ctx) => {
    const from = ctx.state.promotion!.from;
    const source = await ctx.readRun(from);
    const r = source?.steps[step]?.result;
    if (!r)
      return {
        failure: {
          code: "E_PROMOTION_SOURCE",
          message: `Release ${from}, whose package this run promotes, has no recorded result for ${step}: its log is missing or incomplete.`,
        },
      };
    return {
      result: {
        ...r,
        summary: `${String(r.summary ?? step)} — as approved in ${from} (promotion: not analysed again)`,
        promotedFrom: from,
      },
    };
  };
}

async function verifyPackage(ctx: StepContext): Promise<StepOutcome> {
  const p = ctx.state.promotion!;
  const findings = await verifyApprovedPackage(ctx, p.package);
  const what = `commit ${p.package.commit.slice(0, 12)}, ${p.package.artifacts.length} artifact(s)`;
  return {
    result: {
      summary: findings.length
        ? `the approved package of ${p.from} is not intact: ${findings.length} problem(s)`
        : `the approved package of ${p.from} verified: ${what} with their approved digests (no rebuild)`,
      promotedFrom: p.from,
      commit: p.package.commit,
      artifacts: p.package.artifacts,
      ok: findings.length === 0,
      findings,
    },
    findings,
  };
}

const PROMOTION: Readonly<Record<string, StepExecutor>> = {
  "2.1": reused("2.1"),
  "2.2": reused("2.2"),
  "2.3": reused("2.3"),
  "2.4": verifyPackage,
};

/** The phase 2 executors, each taking the promotion path when the run promotes an approved package. */
export function withPromotion(steps: Readonly<Record<string, StepExecutor>>): Record<string, StepExecutor> {
  const out: Record<string, StepExecutor> = { ...steps };
  for (const [id, promote] of Object.entries(PROMOTION)) {
    const normal = steps[id];
    out[id] = (ctx) =>
      ctx.state.promotion ? promote(ctx) : normal ? normal(ctx) : Promise.resolve({ result: { summary: "recorded" } });
  }
  return out;
}
