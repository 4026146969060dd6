/** Baseline rendering of Rollback Procedures from the log; the phase's work deepens it. Pure. */
import type { DocContext } from "./doc-context.js";
import { conversationSection, decisionsSection, header, skippedNotice, stepsSection, timelineSection } from "./render-common.js";

export function renderRollbackProceduresDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 4);
  return [
    header(ctx, "Rollback Procedures"),
    ...(notice ? [notice] : []),
    stepsSection(ctx, ["4.2"]),
    decisionsSection(ctx, [4]),
    conversationSection(ctx, [4]),
    timelineSection(ctx, [4]),
  ].join("\n");
}
