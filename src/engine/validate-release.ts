/** RELEASE VALIDATE: post-deployment validation on its own, at any time, recorded in the log. */
import { authorize } from "../core/authority.js";
import type { StepOutcome } from "./step-types.js";
import type { Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";
import { createStepContext } from "./step-context.js";

export interface ValidationReport {
  ok: boolean;
  failed: string[];
  results: Record<"operations" | "performance" | "userExperience", StepOutcome>;
}

export async function validateRelease(project: Project, session: ReleaseSession, actorId: string, onProgress: (line: string) => void = () => undefined): Promise<ValidationReport> {
  const actor = authorize(project.config.leads, actorId, "validate", "run post-deployment validation");
  const { validateOperations, validatePerformance, validateUserExperience } = await import("../deploy/execute-validation.js");
  const ctx = createStepContext({ project, session, actor, step: "7.1", progress: (e) => onProgress(e.message), signal: new AbortController().signal });
  const results = { operations: await validateOperations(ctx), performance: await validatePerformance(ctx), userExperience: await validateUserExperience(ctx) };
  const failed = Object.entries(results).filter(([, r]) => r.failure).map(([k, r]) => `${k}: ${r.failure!.message}`);
  await session.appendFact([
    {
      type: "Note",
      at: project.now(),
      actor,
      data: { kind: "validate", text: failed.length ? `RELEASE VALIDATE: ${failed.join("; ")}` : "RELEASE VALIDATE: all checks passed", data: project.redact.deep(JSON.parse(JSON.stringify(results)) as Record<string, unknown>) },
    },
  ]);
  return { ok: failed.length === 0, failed, results };
}
