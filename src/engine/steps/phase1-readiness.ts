/** Phase 1 steps that read the features: 1.2 aggregate, 1.3 verify readiness, 1.4 scope and SEV. */
import { readFeatureReport } from "../../intel/read-feature-report.js";
import { assessSev } from "../../intel/assess-sev.js";
import { phasesForSev } from "../../core/workflow.js";
import type { Finding } from "../../core/events.js";
import type { StepExecutor } from "../step-types.js";

async function report(ctx: Parameters<StepExecutor>[0]) {
  const waived = ctx.state.waivers.filter((w) => w.mode === "waive").map((w) => w.feature);
  const excluded = ctx.state.waivers.filter((w) => w.mode === "exclude").map((w) => w.feature);
  return readFeatureReport(ctx.root, ctx.config as never, { waived, excluded });
}

export const phase1ReadinessSteps: Record<string, StepExecutor> = {
  "1.2": async (ctx) => {
    const r = await report(ctx);
    return {
      result: {
        summary: `${r.features.length} features: ${r.readiness}, ${r.recommendation}`,
        readiness: r.readiness,
        recommendation: r.recommendation,
        features: r.features.map((f) => ({ name: f.name, status: f.status, sev: f.sev, source: f.source })),
      },
    };
  },
  "1.3": async (ctx) => {
    const r = await report(ctx);
    const notReady = r.features.filter((f) => f.status !== "complete" && !ctx.state.waivers.some((w) => w.feature === f.name));
    const findings: Finding[] = notReady.map((f) => ({
      severity: "critical",
      code: "FEATURE_NOT_READY",
      message: `${f.name} is ${f.status}`,
      ...(f.source ? { source: `${f.source.file}:${f.source.line}` } : {}),
    }));
    const result = { summary: `${r.readiness} (${r.recommendation})`, readiness: r.readiness, recommendation: r.recommendation, gates: r.gates, findings };
    if (r.readiness === "NOT_READY" && findings.length > 0) {
      const lines = [`Features are not ready for v${ctx.state.version}:`, ...notReady.map((f) => `  - ${f.name}: ${f.status}${f.source ? ` (${f.source.file}:${f.source.line})` : ""}`)];
      lines.push("", "Waive a feature (`brtops waive NAME --reason T`), exclude it (`brtops exclude NAME --reason T`), or approve to release anyway.");
      return { result, gate: { kind: "readiness", title: "Feature readiness (1.3)", report: lines.join("\n"), findings } };
    }
    return { result };
  },
  "1.4": async (ctx) => {
    const r = await report(ctx);
    const a = assessSev({ features: r.features.map((f) => ({ name: f.name, sev: f.sev, breakingChanges: f.breakingChanges })), settings: ctx.config.sev });
    const phases = phasesForSev(a.sev);
    return {
      result: { summary: `SEV-${a.sev}, phases ${phases.join(", ")}`, sev: a.sev, phases, factors: a.factors },
      events: [{ type: "SevAssessed", at: ctx.now(), actor: ctx.actor, data: { sev: a.sev, phases, factors: a.factors.map((f) => ({ factor: String(f.factor), effect: String(f.effect), ...(f.sev !== undefined && f.sev !== null ? { sev: f.sev } : {}) })) } }],
    };
  },
};
