/**
 * Phase 1 steps that read the features: 1.2 aggregate their VAL results, 1.3 verify system-wide
 * readiness (a readiness gate when they are not ready), 1.4 establish scope and target and assess
 * the release SEV (a SevAssessed event; a HUM LEAD's override stands).
 */
import type { AnyDraft, Sev } from "../../core/events.js";
import { phasesForSev, sevLabel } from "../../core/workflow.js";
import { intelSettings } from "../../config/schema-intel.js";
import { assessSev } from "../../intel/assess-sev.js";
import type { FeatureReport } from "../../intel/feature-types.js";
import { readFeatureReport } from "../../intel/read-feature-report.js";
import { boundFeatureReport } from "../../intel/record-bounds.js";
import { needsReadinessGate, readinessFindings, renderReadinessReport } from "../../intel/readiness-findings.js";
import { stepResult } from "../../core/step-results.js";
import type { StepContext, StepExecutor } from "../step-types.js";
import { historyRecord, releaseHistory } from "./history.js";
import { summarizeChanges } from "../../intel/change-summary.js";

/** Waived and excluded features as the log records them (FeatureWaived events). */
export function waiversOf(ctx: Pick<StepContext, "state">): { waived: string[]; excluded: string[] } {
  return {
    waived: ctx.state.waivers.filter((w) => w.mode === "waive").map((w) => w.feature),
    excluded: ctx.state.waivers.filter((w) => w.mode === "exclude").map((w) => w.feature),
  };
}

/** The features of the project now, with the release's waivers in force. */
export function currentFeatures(ctx: Pick<StepContext, "root" | "config" | "state">): Promise<FeatureReport> {
  return readFeatureReport(ctx.root, ctx.config, waiversOf(ctx));
}

/** The feature report step 1.2 recorded (null before it ran). */
export function recordedFeatures(
  ctx: Pick<StepContext, "state">,
): (FeatureReport & { featuresOmitted?: number }) | null {
  const r = stepResult(ctx.state, "1.2");
  // 1.2 records a bounded FeatureReport (intel/record-bounds): the typed core shape is its outline.
  return r && Array.isArray(r.features) ? (r as unknown as FeatureReport) : null;
}

const aggregate: StepExecutor = async (ctx) => {
  const r = await currentFeatures(ctx);
  const c = r.counts;
  return {
    result: {
      summary: `${c.total} feature(s): ${c.complete} complete, ${c.conditional} conditional, ${c.inProgress} in progress, ${c.blocked} blocked, ${c.pending} pending${c.waived ? `, ${c.waived} waived` : ""}${c.excluded ? `, ${c.excluded} excluded` : ""} — ${r.readiness}`,
      ...boundFeatureReport(r),
    },
  };
};

const verify: StepExecutor = async (ctx) => {
  const r = recordedFeatures(ctx) ?? boundFeatureReport(await currentFeatures(ctx));
  const findings = readinessFindings(r);
  const result = {
    summary: `${r.readiness} (${r.recommendation}); CRITICAL passed ${r.gates.critical.passed}/${r.gates.critical.total}, STANDARD ${r.gates.standard.passed}/${r.gates.standard.total}`,
    readiness: r.readiness,
    recommendation: r.recommendation,
    gates: r.gates,
    findings,
  };
  if (!needsReadinessGate(findings)) return { result };
  return {
    result,
    gate: {
      kind: "readiness",
      title: `Feature readiness: ${r.readiness} (1.3)`,
      report: renderReadinessReport(r, ctx.state.version),
      findings,
    },
  };
};

const scopeAndSev: StepExecutor = async (ctx) => {
  const settings = intelSettings(ctx.config);
  const features = recordedFeatures(ctx)?.features ?? (await currentFeatures(ctx)).features;
  const { base, history } = await releaseHistory(ctx);
  const from = base.name;
  const files = history.files;
  const changes = history.changes;
  // Found by the reading's summary, which 2.1–2.3 count from too (intel/change-summary).
  const breakingCommits = summarizeChanges(changes).breaking.map((i) => {
    const c = changes[i]!;
    return `${c.sha.slice(0, 7)} ${c.type ?? "change"}${c.scope ? `(${c.scope})` : ""}: ${c.description}`;
  });
  const assessed = assessSev({
    features,
    changedPaths: files.map((f) => f.path),
    breakingCommits,
    settings: settings.sev,
  });
  const env = ctx.config.environments[ctx.state.environment];
  // A HUM LEAD's override (SevAssessed with overriddenBy) is not undone by a re-run of this step.
  const override = [...ctx.events].reverse().find((e) => e.type === "SevAssessed" && e.data.overriddenBy);
  const sev: Sev = override && override.type === "SevAssessed" ? override.data.sev : assessed.sev;
  const phases = phasesForSev(sev);
  const events: AnyDraft[] = override
    ? []
    : [{ type: "SevAssessed", at: ctx.now(), actor: ctx.actor, data: { sev, phases, factors: assessed.factors } }];
  return {
    result: {
      summary: `${sevLabel(sev)}${override ? ` (HUM LEAD override; assessed ${sevLabel(assessed.sev)})` : ""}: phases ${phases.join(", ")}; ${history.commits} commit(s), ${files.length} file(s) since ${from ?? "the first commit"}; target ${ctx.state.environment}`,
      sev,
      assessedSev: assessed.sev,
      phases,
      factors: assessed.factors,
      overriddenBy: override && override.type === "SevAssessed" ? (override.data.overriddenBy ?? null) : null,
      scope: { from, commits: history.commits, files: files.length, features: features.length },
      history: historyRecord(base, history),
      environment: {
        name: ctx.state.environment,
        configured: env !== undefined,
        deploySteps: env?.deploy.length ?? 0,
        healthChecks: env?.health.length ?? 0,
      },
    },
    events,
  };
};

export const phase1ReadinessSteps: Record<string, StepExecutor> = {
  "1.2": aggregate,
  "1.3": verify,
  "1.4": scopeAndSev,
};
