/**
 * Runs health checks at their intervals for a while. A check is unhealthy after
 * `failuresBeforeUnhealthy` consecutive failures (sticky: it is not probed again). When the window
 * ends on a failed probe, the check goes on until it is decided (a pass, or the streak limit), so
 * a result is never left "maybe".
 */
import type { HealthCheckConfig } from "../config/schema-environment.js";
import { sleep } from "./run-action.js";
import { latencyStats, probeHealth, type HealthSample, type LatencyStats, type ProbeContext } from "./health-probe.js";

export const HealthStatuses = { healthy: "healthy", unhealthy: "unhealthy", unknown: "unknown" } as const;
export type HealthStatus = (typeof HealthStatuses)[keyof typeof HealthStatuses];

export interface CheckReport extends LatencyStats {
  check: string;
  status: HealthStatus;
  /** Longest run of consecutive failures. */
  worstStreak: number;
  /** The last samples (at most 20), oldest first. */
  recent: HealthSample[];
  /** The first and last probe (ms since the epoch). */
  firstAt: number | null;
  lastAt: number | null;
  lastDetail: string | null;
}

export interface HealthReport {
  healthy: boolean;
  checks: CheckReport[];
  startedAt: number;
  durationMs: number;
}

export interface MonitorOptions {
  /** How long to keep probing (0: until each check is decided once). */
  durationMs: number;
  signal?: AbortSignal;
  ctx: ProbeContext;
  onSample?(s: HealthSample): void;
  /** Called once per check when it turns unhealthy. */
  onUnhealthy?(check: string, last: HealthSample): void;
  /** Multiplies every interval (tests and benchmarks shorten waits; default 1). */
  intervalScale?: number;
}

/** Monitors the checks. Example: `await monitorHealth(env.health, {durationMs: 30_000, ctx})` → `{healthy: true, checks: [{check: "api", status: "healthy", samples: 7, …}]}`. */
export async function monitorHealth(
  checks: readonly HealthCheckConfig[],
  options: MonitorOptions,
): Promise<HealthReport> {
  const startedAt = Date.now();
  const reports = await Promise.all(checks.map((c) => monitorOne(c, startedAt, options)));
  return {
    healthy: reports.every((r) => r.status === "healthy"),
    checks: reports,
    startedAt,
    durationMs: Date.now() - startedAt,
  };
}

async function monitorOne(check: HealthCheckConfig, startedAt: number, o: MonitorOptions): Promise<CheckReport> {
  const samples: HealthSample[] = [];
  let streak = 0;
  let worst = 0;
  let status: HealthStatus = "unknown";
  const scale = o.intervalScale ?? 1;
  const ctx: ProbeContext = o.signal
    ? { ...o.ctx, signal: o.ctx.signal ? AbortSignal.any([o.ctx.signal, o.signal]) : o.signal }
    : o.ctx;
  for (;;) {
    if (o.signal?.aborted) break;
    const s = await probeHealth(check, ctx);
    if (o.signal?.aborted && !s.ok) break; // a probe cut short by the end of monitoring says nothing
    samples.push(s);
    o.onSample?.(s);
    streak = s.ok ? 0 : streak + 1;
    worst = Math.max(worst, streak);
    if (streak >= check.failuresBeforeUnhealthy) {
      status = "unhealthy";
      o.onUnhealthy?.(check.name, s);
      break;
    }
    status = s.ok ? "healthy" : "unknown";
    const windowOver = Date.now() - startedAt >= o.durationMs;
    if (windowOver && s.ok) break;
    if (!(await sleep(check.interval * 1000 * scale, o.signal))) break;
  }
  const last = samples.at(-1);
  return {
    check: check.name,
    status,
    worstStreak: worst,
    recent: samples.slice(-20),
    firstAt: samples[0]?.at ?? null,
    lastAt: last?.at ?? null,
    lastDetail: last?.detail ?? null,
    ...latencyStats(samples),
  };
}
