/** Baseline rendering of Release Notes from the log; the phase's work deepens it. Pure. */
import type { DocContext } from "./doc-context.js";
import { conversationSection, decisionsSection, header, skippedNotice, stepsSection, timelineSection } from "./render-common.js";

export function renderReleaseNotesDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 2);
  return [
    header(ctx, "Release Notes"),
    ...(notice ? [notice] : []),
    stepsSection(ctx, ["2.1", "2.2"]),
    decisionsSection(ctx, [2]),
    conversationSection(ctx, [2]),
    timelineSection(ctx, [2]),
  ].join("\n");
}
