/** Baseline rendering of Changelog from the log; the phase's work deepens it. Pure. */
import type { DocContext } from "./doc-context.js";
import { conversationSection, decisionsSection, header, skippedNotice, stepsSection, timelineSection } from "./render-common.js";

export function renderChangelogDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 2);
  return [
    header(ctx, "Changelog"),
    ...(notice ? [notice] : []),
    stepsSection(ctx, ["2.1", "2.2", "2.3", "2.4"]),
    decisionsSection(ctx, [2]),
    conversationSection(ctx, [2]),
    timelineSection(ctx, [2]),
  ].join("\n");
}
