/** Baseline rendering of Deployment Orchestration Plan from the log; the phase's work deepens it. Pure. */
import type { DocContext } from "./doc-context.js";
import { conversationSection, decisionsSection, header, skippedNotice, stepsSection, timelineSection } from "./render-common.js";

export function renderOrchestrationPlanDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 4);
  return [
    header(ctx, "Deployment Orchestration Plan"),
    ...(notice ? [notice] : []),
    stepsSection(ctx, ["4.1", "4.3", "4.4"]),
    decisionsSection(ctx, [4]),
    conversationSection(ctx, [4]),
    timelineSection(ctx, [4]),
  ].join("\n");
}
