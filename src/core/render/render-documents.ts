/** Which documents each approval writes, and the renderer of each. */
import type { DocRenderer } from "./doc-context.js";
import { phaseDef } from "../workflow.js";
import { renderChangelogDoc } from "./render-changelog.js";
import { renderReleaseNotesDoc } from "./render-release-notes.js";
import { renderSystemValidationDoc } from "./render-system-validation.js";
import { renderOrchestrationPlanDoc } from "./render-orchestration-plan.js";
import { renderRollbackProceduresDoc } from "./render-rollback-procedures.js";
import { renderReadinessChecklistDoc } from "./render-readiness-checklist.js";
import { renderPostDeploymentDoc } from "./render-post-deployment.js";

export const DOCUMENT_RENDERERS: Readonly<Record<string, DocRenderer>> = {
  "changelog.md": renderChangelogDoc,
  "release-notes.md": renderReleaseNotesDoc,
  "system-validation-report.md": renderSystemValidationDoc,
  "deployment-orchestration-plan.md": renderOrchestrationPlanDoc,
  "rollback-procedures.md": renderRollbackProceduresDoc,
  "release-readiness-checklist.md": renderReadinessChecklistDoc,
  "post-deployment-validation.md": renderPostDeploymentDoc,
};

/**
 * The documents written when `phase`'s gate is approved: its own, plus those of phases the SEV
 * plan skipped before it (so that every release ends with all seven).
 */
export function documentsForPhase(plan: readonly number[], phase: number): { phase: number; name: string }[] {
  const out: { phase: number; name: string }[] = [];
  const prevGated = [...plan].filter((p) => p < phase && phaseDef(p).gate).pop() ?? 1;
  for (let p = prevGated + 1; p < phase; p++) {
    if (!plan.includes(p)) for (const name of phaseDef(p).documents) out.push({ phase: p, name });
  }
  for (const name of phaseDef(phase).documents) out.push({ phase, name });
  return out;
}
