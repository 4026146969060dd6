/** Baseline rendering of Post-Deployment Validation from the log; the phase's work deepens it. Pure. */
import type { DocContext } from "./doc-context.js";
import { conversationSection, decisionsSection, header, skippedNotice, stepsSection, timelineSection } from "./render-common.js";

export function renderPostDeploymentDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 7);
  return [
    header(ctx, "Post-Deployment Validation"),
    ...(notice ? [notice] : []),
    stepsSection(ctx, ["6.1", "6.2", "6.3", "6.8", "7.1", "7.2", "7.3", "7.4"]),
    decisionsSection(ctx, [7]),
    conversationSection(ctx, [7]),
    timelineSection(ctx, [7]),
  ].join("\n");
}
