/** Baseline rendering of Release Readiness Checklist from the log; the phase's work deepens it. Pure. */
import type { DocContext } from "./doc-context.js";
import { conversationSection, decisionsSection, header, skippedNotice, stepsSection, timelineSection } from "./render-common.js";

export function renderReadinessChecklistDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 5);
  return [
    header(ctx, "Release Readiness Checklist"),
    ...(notice ? [notice] : []),
    stepsSection(ctx, ["5.1", "5.2", "5.3", "5.4"]),
    decisionsSection(ctx, [5]),
    conversationSection(ctx, [5]),
    timelineSection(ctx, [5]),
  ].join("\n");
}
