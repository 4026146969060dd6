/**
 * Spec 7.1–7.4, post-deployment validation: the health checks (7.1), performance thresholds
 * (7.2), smoke commands standing for the user journeys (7.3) and business checks (7.4). Failures
 * are findings the HUM LEAD sees at the certification gate: the deployment itself is done.
 */
import type { HealthCheckConfig } from "../config/schema-environment.js";
import type { Finding } from "../core/events.js";
import type { StepContext, StepOutcome } from "../engine/step-types.js";
import { actionContext, deployTarget } from "./deploy-target.js";
import { measurePerformance, probeHealth } from "./health-probe.js";
import { monitorHealth } from "./monitor-health.js";
import { runAction } from "./run-action.js";

/**
 * SEV-0's "extended validation cycles": every configured post-deployment check (7.1–7.4, and the
 * 7.10 re-check) runs in two cycles, one after the other, and passes only when it passed in both.
 */
export function validationCycles(sev: number | null): number {
  return sev === 0 ? 2 : 1;
}

/** Runs `once` for each cycle of the release's SEV; rows of later cycles are named "(cycle n)". */
async function inCycles<R extends { name: string }>(
  ctx: Pick<StepContext, "state">,
  once: () => Promise<R[]>,
): Promise<R[]> {
  const n = validationCycles(ctx.state.sev);
  const rows: R[] = [];
  for (let c = 1; c <= n; c++)
    rows.push(...(await once()).map((r) => (c === 1 ? r : { ...r, name: `${r.name} (cycle ${c})` })));
  return rows;
}

function outcome(
  step: string,
  what: string,
  rows: { name: string; ok: boolean; detail: string }[],
  extra: Record<string, unknown> = {},
  empty?: string,
): StepOutcome {
  // Nothing configured is not a pass: the verdict says not-configured (core/step-outcome).
  if (rows.length === 0)
    return {
      result: {
        summary: `not configured: ${empty ?? `no ${what} configured`}`,
        notConfigured: true,
        checks: [],
        ...extra,
      },
    };
  const failed = rows.filter((r) => !r.ok);
  const findings: Finding[] = failed.map((r) => ({
    severity: "critical",
    code: "E_VALIDATION_FAILED",
    message: `${what} "${r.name}": ${r.detail}`,
    source: step,
  }));
  const summary =
    failed.length === 0
      ? `${rows.length} ${what} passed`
      : `${failed.length} of ${rows.length} ${what} failed: ${failed.map((r) => r.name).join(", ")}`;
  return {
    result: { summary, passed: rows.length - failed.length, failed: failed.length, checks: rows, ...extra, findings },
    findings,
  };
}

/**
 * 7.1: every health check, each until decided. With `before: true` (5.1, before deploying) the
 * running system is still the previous version, so `{version}` in a check means that one.
 */
export async function validateOperations(ctx: StepContext, opts: { before?: boolean } = {}): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  const vars = opts.before && t.vars.previous ? { ...t.vars, version: t.vars.previous } : t.vars;
  const once = async () => {
    const report = await monitorHealth(t.env.health, {
      durationMs: 0,
      signal: ctx.signal,
      ctx: actionContext(ctx, vars, opts.before ? "5.1" : "7.1"),
    });
    return report.checks.map((c) => ({
      name: c.check,
      ok: c.status === "healthy",
      detail: `${c.status}: ${c.samples} probe(s), ${c.failures} failed; last ${c.lastDetail ?? "none"}`,
      p50Ms: c.p50Ms,
      p95Ms: c.p95Ms,
    }));
  };
  const rows = opts.before ? await once() : await inCycles(ctx, once);
  return outcome("7.1", "health checks", rows);
}

/** 7.2: latency percentiles against the configured limits. */
export async function validatePerformance(ctx: StepContext): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  const checks: HealthCheckConfig[] = t.env.performance.length
    ? t.env.performance
    : t.env.health.filter((h) => h.p95Ms !== undefined);
  const rows = await inCycles(ctx, async () => {
    const out = [];
    for (const c of checks) {
      const r = await measurePerformance(c, actionContext(ctx, t.vars, "7.2"));
      out.push({
        name: c.name,
        ok: r.ok,
        detail: r.detail,
        samples: r.samples,
        p50Ms: r.p50Ms,
        p95Ms: r.p95Ms,
        maxMs: r.maxMs,
        limitMs: c.p95Ms ?? null,
      });
    }
    return out;
  });
  return outcome(
    "7.2",
    "performance checks",
    rows,
    {},
    "no performance thresholds configured (environments.<name>.performance)",
  );
}

/** 7.3: the smoke commands (validation.smoke), standing for the user journeys. */
export async function validateUserExperience(ctx: StepContext): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  const rows = await inCycles(ctx, async () => {
    const out = [];
    for (const s of ctx.config.validation.smoke) {
      const r = await runAction(s.name, s, actionContext(ctx, t.vars, `7.3:${s.name}`));
      out.push({
        name: s.name,
        ok: r.ok,
        detail: r.detail,
        command: r.target,
        ...(r.ok ? {} : { output: r.output?.slice(-300) ?? "" }),
      });
    }
    return out;
  });
  return outcome("7.3", "smoke commands", rows, {}, "no smoke commands configured (validation.smoke)");
}

/** 7.4: business checks — commands or requests that measure what the release is for. */
export async function validateBusiness(ctx: StepContext): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  const rows = await inCycles(ctx, async () => {
    const out = [];
    for (const c of t.env.business) {
      const s = await probeHealth(c, actionContext(ctx, t.vars, "7.4"));
      out.push({ name: c.name, ok: s.ok, detail: s.detail });
    }
    return out;
  });
  return outcome("7.4", "business checks", rows, {}, "no business checks configured (environments.<name>.business)");
}
