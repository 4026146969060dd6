/** Phase 6: deploy (6.1), monitor (6.2), assess (6.3), detect (6.4), report (6.5, 6.9), GitHub (6.8), success (6.10: the release tag, every target). */
import { executeDeployment } from "../../deploy/execute-deploy.js";
import { assessDeployment, detectIssues, monitorDeployment, reportDeployment } from "../../deploy/execute-health.js";
import { createGitHubRelease } from "../../deploy/execute-github.js";
import { tagDeployedRelease } from "../../package/release-tag.js";
import type { StepExecutor } from "../step-types.js";

export const phase6Steps: Record<string, StepExecutor> = {
  "6.1": executeDeployment,
  "6.2": (ctx) => monitorDeployment(ctx),
  "6.3": assessDeployment,
  "6.4": detectIssues,
  "6.5": (ctx) => reportDeployment(ctx, false),
  "6.8": createGitHubRelease,
  "6.9": (ctx) => reportDeployment(ctx, true),
  "6.10": async (ctx) => {
    const tag = await tagDeployedRelease(ctx);
    const pushed = tag?.["pushed"]
      ? ` and pushed to ${String(tag["remote"])}`
      : tag?.["pushReason"]
        ? ` (not pushed: ${String(tag["pushReason"])})`
        : "";
    return {
      result: {
        summary: `v${ctx.state.version} deployed to ${ctx.state.environment}${tag ? `; tagged ${String(tag["tag"])} at ${String(tag["commit"]).slice(0, 12)}${pushed}` : ""}`,
        ...(tag ? { tag } : {}),
      },
    };
  },
};
