/** RELEASE VALIDATE: post-deployment validation on its own, at any time, recorded in the log. */
import { authorize } from "../core/authority.js";
import { stepVerdict } from "../core/step-outcome.js";
import type { Verdict } from "../core/verdict.js";
import type { StepOutcome } from "./step-types.js";
import type { Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";
import { createStepContext } from "./step-context.js";

export interface ValidationReport {
  /** False when any check failed (a check that is not configured is not a failure, and not a pass: see `verdicts`). */
  ok: boolean;
  /** One line per failed check: "operations: 1 of 1 health checks failed: up". */
  failed: string[];
  verdicts: Record<"operations" | "performance" | "userExperience", Verdict>;
  results: Record<"operations" | "performance" | "userExperience", StepOutcome>;
}

export async function validateRelease(
  project: Project,
  session: ReleaseSession,
  actorId: string,
  onProgress: (line: string) => void = () => undefined,
): Promise<ValidationReport> {
  const actor = authorize(project.config.leads, actorId, "validate", "run post-deployment validation");
  const { validateOperations, validatePerformance, validateUserExperience } =
    await import("../deploy/execute-validation.js");
  const ctx = createStepContext({
    project,
    session,
    actor,
    step: "7.1",
    progress: (e) => onProgress(e.message),
    signal: new AbortController().signal,
  });
  const results = {
    operations: await validateOperations(ctx),
    performance: await validatePerformance(ctx),
    userExperience: await validateUserExperience(ctx),
  };
  // The same rule as the release's steps decides what each result means.
  const verdicts = {
    operations: stepVerdict(results.operations),
    performance: stepVerdict(results.performance),
    userExperience: stepVerdict(results.userExperience),
  };
  const failed = (Object.keys(results) as (keyof typeof results)[])
    .filter((k) => verdicts[k] === "fail")
    .map((k) => `${k}: ${results[k].failure?.message ?? String(results[k].result?.summary ?? "failed")}`);
  const notConfigured = (Object.keys(verdicts) as (keyof typeof verdicts)[]).filter(
    (k) => verdicts[k] === "not-configured",
  );
  const text = failed.length
    ? `RELEASE VALIDATE: ${failed.length} check(s) failed — ${failed.join("; ")}`
    : `RELEASE VALIDATE: no check failed${notConfigured.length ? ` (not configured: ${notConfigured.join(", ")})` : ""}`;
  await session.appendFact([
    {
      type: "Note",
      at: project.now(),
      actor,
      data: {
        kind: "validate",
        text,
        data: project.redact.deep(JSON.parse(JSON.stringify({ verdicts, results })) as Record<string, unknown>),
      },
    },
  ]);
  return { ok: failed.length === 0, failed, verdicts, results };
}
