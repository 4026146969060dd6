/**
 * Spec 6.2–6.5: monitor the health checks after the deploy steps, assess the validation points,
 * look for issues, and report progress. Results keep what the documents show: per-check status,
 * samples, failures and latency figures.
 */
import { stepResult } from "../core/step-results.js";
import type { Finding } from "../core/events.js";
import type { StepContext, StepOutcome } from "../engine/step-types.js";
import { actionContext, deployTarget } from "./deploy-target.js";
import { monitorHealth, type CheckReport } from "./monitor-health.js";

function checkSummary(c: CheckReport): Record<string, unknown> {
  return {
    check: c.check,
    status: c.status,
    samples: c.samples,
    failures: c.failures,
    worstStreak: c.worstStreak,
    p50Ms: c.p50Ms,
    p95Ms: c.p95Ms,
    maxMs: c.maxMs,
    lastDetail: c.lastDetail,
    firstAt: c.firstAt ? new Date(c.firstAt).toISOString() : null,
    lastAt: c.lastAt ? new Date(c.lastAt).toISOString() : null,
  };
}

/** 6.2: probes the health checks for the health window (until each is decided). */
export async function monitorDeployment(ctx: StepContext, step = "6.2"): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  if (t.env.health.length === 0) {
    return {
      result: { summary: "not configured: no health checks", healthy: null, notConfigured: true, checks: [] },
      findings: [
        {
          severity: "warning",
          code: "W_NO_HEALTH_CHECKS",
          message: `Environment "${t.name}" has no health checks: brtops cannot tell whether the deployment works.`,
          source: `environments.${t.name}.health`,
        },
      ],
    };
  }
  const report = await monitorHealth(t.env.health, {
    durationMs: t.env.healthWindow * 1000,
    signal: ctx.signal,
    ctx: actionContext(ctx, t.vars, step),
    onSample: (s) =>
      ctx.progress({ kind: "health", step, message: `${s.check}: ${s.detail}`, status: s.ok ? "ok" : "fail" }),
  });
  const checks = report.checks.map(checkSummary);
  const bad = report.checks.filter((c) => c.status !== "healthy");
  const summary =
    bad.length === 0
      ? `${report.checks.length} health check(s) healthy over ${Math.round(report.durationMs / 100) / 10} s`
      : `unhealthy: ${bad.map((c) => `${c.check} (${c.lastDetail})`).join("; ")}`;
  const result = { summary, healthy: bad.length === 0, durationMs: report.durationMs, checks };
  if (bad.length > 0)
    return {
      result,
      failure: {
        code: "E_HEALTH_UNHEALTHY",
        message: `Health check${bad.length > 1 ? "s" : ""} ${bad.map((c) => `"${c.check}" ${c.status}: ${c.lastDetail}`).join("; ")}`,
      },
    };
  return { result };
}

type Point = { point: string; status: "pass" | "fail" | "warn"; detail: string };

/** 6.3: every validation point of the deployment — each deploy step, each health check. */
export async function assessDeployment(ctx: StepContext): Promise<StepOutcome> {
  const deploy = stepResult(ctx.state, "6.1");
  const health = stepResult(ctx.state, "6.2");
  const points: Point[] = [];
  for (const s of deploy?.completed ?? [])
    points.push({ point: `deploy step ${s}`, status: "pass", detail: "completed" });
  for (const f of deploy?.failed ?? [])
    points.push({ point: `deploy step ${f.step}`, status: "fail", detail: f.message });
  for (const h of deploy?.healthDuring ?? [])
    points.push({
      point: `health during deployment: ${h.check}`,
      status: h.status === "unhealthy" ? "fail" : h.failures > 0 ? "warn" : "pass",
      detail: `${h.status}, ${h.failures} failed probe(s)`,
    });
  for (const h of health?.checks ?? [])
    points.push({
      point: `health check ${h.check}`,
      status: h.status !== "healthy" ? "fail" : h.failures > 0 ? "warn" : "pass",
      detail: `${h.status}: ${h.samples} probe(s), ${h.failures} failed${h.p95Ms !== null ? `, p95 ${h.p95Ms} ms` : ""}`,
    });
  const failed = points.filter((p) => p.status === "fail");
  const warned = points.filter((p) => p.status === "warn");
  const findings: Finding[] = [
    ...failed.map((p) => ({
      severity: "critical" as const,
      code: "E_VALIDATION_POINT",
      message: `${p.point}: ${p.detail}`,
      source: "6.3",
    })),
    ...warned.map((p) => ({
      severity: "warning" as const,
      code: "W_VALIDATION_POINT",
      message: `${p.point}: ${p.detail}`,
      source: "6.3",
    })),
  ];
  const summary = `${points.length} validation point(s): ${points.length - failed.length - warned.length} passed, ${warned.length} with warnings, ${failed.length} failed`;
  return { result: { summary, points, findings }, findings };
}

/** 6.4: issues worth a look even when everything passed — slow steps, flapping checks, adopted effects. */
export async function detectIssues(ctx: StepContext): Promise<StepOutcome> {
  const plan = stepResult(ctx.state, "4.3");
  const expected = new Map((plan?.steps ?? []).map((s) => [s.name, s.expectedMs]));
  const issues: Finding[] = [];
  for (const rec of Object.values(ctx.state.steps)) {
    if (!rec.step.startsWith("6.1:")) continue;
    const name = rec.step.slice(4);
    if (rec.adopted)
      issues.push({
        severity: "info",
        code: "I_ADOPTED",
        message: `Deploy step ${name} was found already done after a restart and adopted.`,
        source: rec.step,
      });
    const took = rec.finishedAt ? Date.parse(rec.finishedAt) - Date.parse(rec.startedAt) : null;
    const exp = expected.get(name);
    if (took !== null && exp && took > 2 * exp && took - exp > 1000)
      issues.push({
        severity: "warning",
        code: "W_SLOW_STEP",
        message: `Deploy step ${name} took ${took} ms, over twice the ${exp} ms earlier runs took.`,
        source: rec.step,
      });
  }
  const health = stepResult(ctx.state, "6.2");
  for (const h of health?.checks ?? [])
    if (h.failures > 0)
      issues.push({
        severity: "warning",
        code: "W_FLAPPING_CHECK",
        message: `Health check ${h.check} failed ${h.failures} of ${h.samples} probe(s) before passing.`,
        source: "6.2",
      });
  const incidents = ctx.events.filter((e) => e.type === "IncidentOpened" && e.data.step.startsWith("6.")).length;
  if (incidents > 0)
    issues.push({
      severity: "warning",
      code: "W_INCIDENTS",
      message: `${incidents} incident(s) were opened during this deployment.`,
      source: "6.6",
    });
  const critical = issues.filter((i) => i.severity === "critical").length;
  const summary =
    issues.length === 0
      ? "no issues detected; emergency procedures not needed"
      : `${issues.length} issue(s) detected${critical ? `, ${critical} critical` : ""}; emergency procedures ${critical ? "engaged" : "not needed"}`;
  return {
    result: { summary, issues, emergency: critical ? "engaged" : "not needed", findings: issues },
    findings: issues,
  };
}

/** 6.5 / 6.9: the deployment report, from the recorded results. */
export async function reportDeployment(ctx: StepContext, final: boolean): Promise<StepOutcome> {
  const s = ctx.state;
  const deploy = stepResult(s, "6.1");
  const health = stepResult(s, "6.2");
  const release = stepResult(s, "6.8");
  const lines = [
    `${final ? "DEPLOYMENT COMPLETE" : "DEPLOYMENT PROGRESS"}: v${s.version} to ${s.environment}`,
    `- deploy steps: ${(deploy?.completed ?? []).join(", ") || "none"}${deploy?.durationMs !== undefined ? ` in ${Math.round(deploy.durationMs / 100) / 10} s` : ""}`,
    `- commit: ${deploy?.commit ?? "unknown"}`,
    `- health: ${health?.summary ?? "not monitored yet"}`,
    ...(final && release?.url ? [`- GitHub release: ${release.url}`] : []),
  ];
  const summary = final
    ? `v${s.version} deployed to ${s.environment}${release?.url ? `; release ${release.url}` : ""}`
    : `${(deploy?.completed ?? []).length} step(s) deployed; ${health?.summary ?? "health not monitored"}`;
  return { result: { summary, report: lines.join("\n"), ...(release?.url ? { releaseUrl: release.url } : {}) } };
}
