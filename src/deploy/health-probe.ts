/**
 * One health probe: an HTTP request (status, body regex, latency limit) or a command (exit code).
 * A probe never throws for an unhealthy answer; it returns a sample with its timing.
 */
import { isAbsolute, join } from "node:path";
import type { HealthCheckConfig } from "../config/schema-environment.js";
import { describeRun, runProcess } from "../adapters/process-runner.js";
import type { ActionContext } from "./run-action.js";
import { describeFetchError, statusMatches } from "./run-action.js";
import { median } from "./plan-durations.js";
import { substitute, substituteDeep } from "./substitute.js";

export type ProbeContext = Omit<ActionContext, "confirm" | "onOutput" | "defaultTimeout">;

export interface HealthSample {
  check: string;
  /** Milliseconds since the epoch when the probe started. */
  at: number;
  ok: boolean;
  latencyMs: number;
  /** "HTTP 200 in 12 ms", "HTTP 500 (expected 2xx)", "exit 1 in 30 ms", "body does not match /ok/". */
  detail: string;
  status?: number;
  exitCode?: number | null;
}

/** Probes once. Example: `await probeHealth({name: "api", http: {url: "http://127.0.0.1:8080/health"}, …}, ctx)` → `{ok: true, latencyMs: 4, detail: "HTTP 200 in 4 ms"}`. */
export async function probeHealth(check: HealthCheckConfig, ctx: ProbeContext): Promise<HealthSample> {
  const at = Date.now();
  const timeoutMs = check.timeout * 1000;
  const where = `Health check "${check.name}"`;
  const sample = (ok: boolean, detail: string, extra: Partial<HealthSample> = {}): HealthSample => ({
    check: check.name,
    at,
    ok,
    latencyMs: Date.now() - at,
    detail: ctx.redact(detail),
    ...extra,
  });
  if (check.http) {
    const h = check.http;
    const url = substitute(h.url, ctx.vars, where);
    const signal = ctx.signal
      ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);
    try {
      const res = await fetch(url, { method: h.method, headers: substituteDeep(h.headers, ctx.vars, where), signal });
      const body = h.method === "HEAD" ? "" : await res.text();
      const latency = Date.now() - at;
      if (!statusMatches(res.status, h.expectStatus)) {
        const expected = h.expectStatus === undefined ? "2xx" : [h.expectStatus].flat().join(" or ");
        return sample(false, `HTTP ${res.status} in ${latency} ms (expected ${expected})`, {
          status: res.status,
          latencyMs: latency,
        });
      }
      const pattern = h.bodyMatch === undefined ? undefined : substitute(h.bodyMatch, ctx.vars, where);
      if (pattern !== undefined && !new RegExp(pattern).test(body)) {
        return sample(
          false,
          `HTTP ${res.status}, but the body does not match /${pattern}/: ${JSON.stringify(body.slice(0, 120))}`,
          { status: res.status, latencyMs: latency },
        );
      }
      if (h.maxLatencyMs !== undefined && latency > h.maxLatencyMs) {
        return sample(false, `HTTP ${res.status} in ${latency} ms, over the ${h.maxLatencyMs} ms limit`, {
          status: res.status,
          latencyMs: latency,
        });
      }
      return sample(true, `HTTP ${res.status} in ${latency} ms`, { status: res.status, latencyMs: latency });
    } catch (e) {
      return sample(false, describeFetchError(e, timeoutMs));
    }
  }
  const argv = check.run!.map((a) => substitute(a, ctx.vars, where));
  const cwd = check.cwd ? (isAbsolute(check.cwd) ? check.cwd : join(ctx.root, check.cwd)) : ctx.root;
  const run = ctx.run ?? ((a, o) => runProcess(a, o, ctx.redact));
  const r = await run(argv, {
    cwd,
    timeoutMs,
    env: { ...ctx.env, ...(check.env ?? {}) },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const ok = r.exitCode === check.expectExit && !r.timedOut && !r.spawnError;
  const why = ok
    ? ""
    : ` (expected exit ${check.expectExit})${r.stderr.trim() ? `: ${r.stderr.trim().split("\n").at(-1)!.slice(0, 200)}` : ""}`;
  return sample(ok, `${describeRun(r)}${why}`, { exitCode: r.exitCode, latencyMs: r.durationMs });
}

export interface LatencyStats {
  samples: number;
  failures: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** Latency figures of successful samples (nearest-rank percentiles). */
export function latencyStats(samples: readonly HealthSample[]): LatencyStats {
  const ok = samples
    .filter((s) => s.ok)
    .map((s) => s.latencyMs)
    .sort((a, b) => a - b);
  const rank = (p: number): number | null =>
    ok.length === 0 ? null : ok[Math.min(ok.length - 1, Math.ceil((p / 100) * ok.length) - 1)]!;
  return {
    samples: samples.length,
    failures: samples.length - ok.length,
    p50Ms: ok.length ? median(ok) : null,
    p95Ms: rank(95),
    maxMs: ok.length ? ok[ok.length - 1]! : null,
  };
}

export interface PerformanceResult extends LatencyStats {
  check: string;
  ok: boolean;
  detail: string;
}

/** Phase 7.2: probes `check.samples` times (default 20) and compares the p95 with `check.p95Ms`. */
export async function measurePerformance(check: HealthCheckConfig, ctx: ProbeContext): Promise<PerformanceResult> {
  const n = check.samples ?? 20;
  const samples: HealthSample[] = [];
  for (let i = 0; i < n && !ctx.signal?.aborted; i++) samples.push(await probeHealth(check, ctx));
  const stats = latencyStats(samples);
  const problems: string[] = [];
  if (stats.failures > 0)
    problems.push(`${stats.failures} of ${stats.samples} probes failed (${samples.find((s) => !s.ok)!.detail})`);
  if (check.p95Ms !== undefined && stats.p95Ms !== null && stats.p95Ms > check.p95Ms)
    problems.push(`p95 ${stats.p95Ms} ms is over the ${check.p95Ms} ms limit`);
  const detail = problems.length
    ? problems.join("; ")
    : `p50 ${stats.p50Ms} ms, p95 ${stats.p95Ms} ms over ${stats.samples} probes${check.p95Ms !== undefined ? ` (limit ${check.p95Ms} ms)` : ""}`;
  return { check: check.name, ok: problems.length === 0 && stats.samples > 0, detail, ...stats };
}
