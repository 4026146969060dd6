import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthCheckSchema, type HealthCheckConfig } from "../../src/config/schema-environment.js";
import { createRedactor } from "../../src/core/redact.js";
import { measurePerformance, probeHealth, type ProbeContext } from "../../src/deploy/health-probe.js";
import { monitorHealth } from "../../src/deploy/monitor-health.js";
import { runAction } from "../../src/deploy/run-action.js";
import { createTestService, type TestService } from "../support/service.js";

const check = (raw: Record<string, unknown>): HealthCheckConfig => healthCheckSchema.parse(raw);

let svc: TestService;
let slow: Server;
let slowUrl: string;
let ctx: ProbeContext;

beforeAll(async () => {
  svc = await createTestService();
  ctx = { root: svc.dir, vars: { version: "1.0.0", previous: null, environment: "test" }, redact: createRedactor() };
  const r = await runAction("deploy", { run: svc.deployArgv("1.0.0") }, ctx);
  expect(r.ok).toBe(true);
  slow = createServer((_req, res) => setTimeout(() => res.end("slow but fine"), 400));
  await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
  const addr = slow.address();
  slowUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`;
});
afterAll(async () => {
  await svc.dispose();
  await new Promise((r) => slow.close(r));
});

describe("probeHealth", () => {
  it("passes on the expected status and a body that matches, with {version} substituted", async () => {
    const s = await probeHealth(
      check({ name: "api", http: { url: svc.healthUrl, bodyMatch: '"version":"{version}"' } }),
      ctx,
    );
    expect(s).toMatchObject({ check: "api", ok: true, status: 200 });
    expect(s.detail).toMatch(/^HTTP 200 in \d+ ms$/);
  });

  it("fails on a body that does not match, naming the pattern", async () => {
    const s = await probeHealth(
      check({ name: "api", http: { url: svc.healthUrl, bodyMatch: '"version":"9.9.9"' } }),
      ctx,
    );
    expect(s.ok).toBe(false);
    expect(s.detail).toContain('the body does not match /"version":"9.9.9"/');
  });

  it("fails on an unexpected status, and on a connection refused", async () => {
    const s = await probeHealth(check({ name: "api", http: { url: svc.healthUrl.replace("/health", "/nope") } }), ctx);
    expect(s).toMatchObject({ ok: false, status: 404 });
    expect(s.detail).toContain("expected 2xx");
    const down = await probeHealth(
      check({ name: "down", http: { url: "http://127.0.0.1:9/health" }, timeout: 2 }),
      ctx,
    );
    expect(down.ok).toBe(false);
    expect(down.detail).toMatch(/request failed/);
  });

  it("fails an answer slower than the latency limit, and one slower than the timeout", async () => {
    const s = await probeHealth(check({ name: "slow", http: { url: slowUrl, maxLatencyMs: 50 } }), ctx);
    expect(s.ok).toBe(false);
    expect(s.detail).toMatch(/over the 50 ms limit/);
    const t = await probeHealth(check({ name: "slow", http: { url: slowUrl }, timeout: 0.05 }), ctx);
    expect(t.ok).toBe(false);
    expect(t.detail).toBe("no answer within 50 ms");
  });

  it("runs a command check and compares its exit code", async () => {
    const ok = await probeHealth(check({ name: "cmd", run: [process.execPath, "-e", "process.exit(0)"] }), ctx);
    expect(ok.ok).toBe(true);
    const bad = await probeHealth(
      check({ name: "cmd", run: [process.execPath, "-e", "console.error('disk full'); process.exit(4)"] }),
      ctx,
    );
    expect(bad).toMatchObject({ ok: false, exitCode: 4 });
    expect(bad.detail).toMatch(/exit 4 .*expected exit 0.*disk full/);
  });
});

describe("monitorHealth against the real service", () => {
  it("reports a healthy version as healthy after probing through the window", async () => {
    const r = await monitorHealth(
      [
        check({
          name: "api",
          http: { url: svc.healthUrl, bodyMatch: "1.0.0" },
          interval: 0.02,
          failuresBeforeUnhealthy: 2,
        }),
      ],
      { durationMs: 100, ctx },
    );
    expect(r.healthy).toBe(true);
    expect(r.checks[0]).toMatchObject({ check: "api", status: "healthy", failures: 0, worstStreak: 0 });
    expect(r.checks[0]!.samples).toBeGreaterThanOrEqual(2);
    expect(r.checks[0]!.p95Ms).not.toBeNull();
  });

  it("declares a failing version unhealthy after N consecutive failures, and calls onUnhealthy once", async () => {
    await runAction("deploy", { run: svc.deployArgv("2.0.0") }, ctx);
    svc.setFailing("2.0.0");
    const seen: string[] = [];
    const r = await monitorHealth(
      [check({ name: "api", http: { url: svc.healthUrl }, interval: 0.01, failuresBeforeUnhealthy: 3 })],
      {
        durationMs: 0,
        ctx,
        onUnhealthy: (name, last) => seen.push(`${name}: ${last.detail}`),
      },
    );
    expect(r.healthy).toBe(false);
    expect(r.checks[0]).toMatchObject({ status: "unhealthy", samples: 3, failures: 3, worstStreak: 3 });
    expect(r.checks[0]!.recent.map((s) => s.status)).toEqual([500, 500, 500]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^api: HTTP 500 in \d+ ms \(expected 2xx\)$/);
    svc.setFailing("2.0.0", false);
    await runAction("deploy", { run: svc.deployArgv("1.0.0") }, ctx);
  });

  it("recovers: a check that fails fewer than N times in a row and then passes is healthy", async () => {
    let calls = 0;
    const flaky = createServer((_req, res) => {
      calls += 1;
      res.statusCode = calls <= 2 ? 503 : 200;
      res.end();
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const addr = flaky.address();
    const url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`;
    const r = await monitorHealth(
      [check({ name: "flaky", http: { url }, interval: 0.01, failuresBeforeUnhealthy: 3 })],
      { durationMs: 0, ctx },
    );
    await new Promise((res) => flaky.close(res));
    expect(r.checks[0]).toMatchObject({ status: "healthy", samples: 3, failures: 2, worstStreak: 2 });
  });

  it("stops when the signal aborts and leaves an undecided check unknown", async () => {
    const ac = new AbortController();
    const p = monitorHealth(
      [check({ name: "down", http: { url: "http://127.0.0.1:9/" }, interval: 0.05, failuresBeforeUnhealthy: 1000 })],
      { durationMs: 60_000, ctx, signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 100);
    const r = await p;
    expect(r.checks[0]!.status).toBe("unknown");
    expect(r.healthy).toBe(false);
  });

  it("measures latency percentiles for phase 7 and compares them with the limit", async () => {
    const fine = await measurePerformance(
      check({ name: "perf", http: { url: svc.healthUrl }, samples: 5, p95Ms: 5000 }),
      ctx,
    );
    expect(fine).toMatchObject({ ok: true, samples: 5, failures: 0 });
    const slowRes = await measurePerformance(
      check({ name: "perf", http: { url: slowUrl }, samples: 2, p95Ms: 100 }),
      ctx,
    );
    expect(slowRes.ok).toBe(false);
    expect(slowRes.detail).toMatch(/p95 \d+ ms is over the 100 ms limit/);
  });
});
