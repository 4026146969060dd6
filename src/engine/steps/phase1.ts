/** Phase 1 steps that set the release up: 1.1, 1.5–1.8. */
import { mkdirSync } from "node:fs";
import { assertContained } from "../../adapters/fs-contained.js";
import { relative } from "node:path";
import { ALL_DOCUMENTS, sevLabel } from "../../core/workflow.js";
import type { Finding } from "../../core/events.js";
import type { ReleaseState } from "../../core/release-state.js";
import type { StepExecutor } from "../step-types.js";

/**
 * Planning a first deployment: rollback steps that redeploy {previous} cannot run when nothing ran
 * on the environment before, so they are refused now — a critical finding at the first gate —
 * rather than discovered during an incident.
 */
export function firstDeploymentFindings(
  s: Pick<ReleaseState, "previous" | "environment">,
  rollback: readonly unknown[],
): Finding[] {
  if (s.previous !== null) return [];
  const needing = rollback
    .filter((r) => JSON.stringify(r).includes("{previous}"))
    .map((r) => (r as { name?: string }).name ?? "?");
  if (needing.length === 0) return [];
  return [
    {
      severity: "critical",
      code: "FIRST_DEPLOYMENT_ROLLBACK",
      message: `This is the first deployment to ${s.environment}: rollback step(s) ${needing.join(", ")} redeploy {previous}, but nothing ran there before, so a rollback could not run them. Give the environment rollback steps that work without {previous}, or approve with a waiver that says how a failure will be handled.`,
      source: `environments.${s.environment}.rollback`,
    },
  ];
}
import { prefetchHistory } from "./history.js";
import { preflight } from "../../deploy/preflight.js";

const SUCCESS_CRITERIA = [
  "All 7 phases executed per system SEV-level protocol",
  "HUM LEAD approval obtained for all critical deployment decisions",
  "All system-level documentation saved to the release folder",
  "Deployment orchestration executed successfully with health validation",
  "Post-deployment validation completed with system certification",
  "Release marked as COMPLETE and CERTIFIED by HUM LEAD",
];

export const phase1Steps: Record<string, StepExecutor> = {
  "1.1": async (ctx) => {
    const s = ctx.state;
    const env = ctx.config.environments[s.environment];
    const findings: Finding[] = env
      ? firstDeploymentFindings(s, env.rollback)
      : [
          {
            severity: "warning",
            code: "ENVIRONMENT_NOT_CONFIGURED",
            message: `Environment ${s.environment} has no deploy steps in brtops.config.yaml; phase 6 will deploy nothing.`,
          },
        ];
    // The release's history (one git log, one diff) is read while phase 1 goes on; 1.4 and phase 2 use that reading.
    prefetchHistory(ctx);
    return {
      result: {
        summary: `v${s.version} to ${s.environment}${s.versionType ? ` (${s.versionType} requested)` : ""}`,
        version: s.version,
        environment: s.environment,
        trigger: s.trigger ?? null,
        configured: env !== undefined,
        previous: s.previous,
        previousSource: s.previousSource,
        firstDeployment: s.previousSource !== "ledger",
        ...(s.promotion ? { promotedFrom: s.promotion.from } : {}),
        findings,
      },
      findings,
    };
  },
  "1.5": async (ctx) => ({
    result: { summary: `${ALL_DOCUMENTS.length} documents planned`, documents: [...ALL_DOCUMENTS] },
  }),
  "1.6": async (ctx) => {
    // Never created through a committed symbolic link that leads out of the repository.
    assertContained(ctx.root, ctx.releaseDir);
    mkdirSync(ctx.releaseDir, { recursive: true });
    const folder = relative(ctx.root, ctx.releaseDir);
    return { result: { summary: folder, folder } };
  },
  "1.7": async (ctx) => {
    const leads = ctx.config.leads;
    return {
      result: {
        summary: `HUM LEADs: ${leads.hum.join(", ")}`,
        humLeads: [...leads.hum],
        aiLeads: [...leads.ai],
        requestedBy: ctx.state.requestedBy.id,
        approvalsPerGate: ctx.state.sev === 0 ? 2 : 1,
      },
    };
  },
  // 1.8 also runs the preflight (deploy/preflight): what later steps need is checked now, whatever
  // the SEV, and its findings are shown at the first gate — before anyone approves anything.
  "1.8": async (ctx) => {
    const s = ctx.state;
    const pre = await preflight({
      root: ctx.root,
      config: ctx.config,
      environment: s.environment,
      version: s.version,
      plan: s.plan,
      env: ctx.env,
      git: ctx.git,
      redact: ctx.redact,
    });
    return {
      result: {
        summary: `${sevLabel(s.sev)}: phases ${s.plan.join(", ")}; ${pre.summary}`,
        plan: [...s.plan],
        successCriteria: SUCCESS_CRITERIA,
        preflight: { summary: pre.summary, timeoutMs: pre.timeoutMs, checks: pre.checks },
        findings: pre.findings,
      },
      findings: pre.findings,
    };
  },
};
