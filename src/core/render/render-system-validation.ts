/** Baseline rendering of System Validation Report from the log; the phase's work deepens it. Pure. */
import type { DocContext } from "./doc-context.js";
import { conversationSection, decisionsSection, header, skippedNotice, stepsSection, timelineSection } from "./render-common.js";

export function renderSystemValidationDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 3);
  return [
    header(ctx, "System Validation Report"),
    ...(notice ? [notice] : []),
    stepsSection(ctx, ["3.1", "3.2", "3.3", "3.4"]),
    decisionsSection(ctx, [3]),
    conversationSection(ctx, [3]),
    timelineSection(ctx, [3]),
  ].join("\n");
}
