import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { draft } from "../../src/core/events.js";
import { executeDeployment } from "../../src/deploy/execute-deploy.js";
import { assessDeployment, detectIssues, monitorDeployment } from "../../src/deploy/execute-health.js";
import { completedSubSteps, rollbackDeployment } from "../../src/deploy/execute-rollback.js";
import { planCommunication, planOrchestration, planRollbackProcedure } from "../../src/deploy/orchestration.js";
import { checkInfraReadiness } from "../../src/deploy/infra-readiness.js";
import { runAction } from "../../src/deploy/run-action.js";
import { createRedactor } from "../../src/core/redact.js";
import { createTestService, type TestService } from "../support/service.js";
import { createHarness, finishStep, type Harness } from "./step-harness.js";

let svc: TestService;
let root: string;
beforeEach(async () => {
  svc = await createTestService();
  root = mkdtempSync(join(tmpdir(), "brtops-exec-"));
  const r = await runAction(
    "deploy",
    { run: svc.deployArgv("1.0.0") },
    { root: svc.dir, vars: { version: "1.0.0", previous: null, environment: "production" }, redact: createRedactor() },
  );
  expect(r.ok).toBe(true);
});
afterEach(async () => {
  await svc.dispose();
  rmSync(root, { recursive: true, force: true });
});

const hum = { id: "hum@example.com", role: "hum-lead" as const };
const at = (): string => new Date().toISOString();

function config(env: Record<string, unknown>) {
  return { leads: { hum: ["hum@example.com"] }, environments: { production: env } };
}

function fiveSteps(s: TestService) {
  return ["s1", "s2", "s3", "s4", "s5"].map((n, i) => ({
    name: n,
    run: s.recordArgv(n),
    ...(i ? { needs: [`s${i}`] } : {}),
    undo: { run: s.recordArgv(`undo-${n}`) },
  }));
}

async function harness(env: Record<string, unknown>, version = "1.1.0"): Promise<Harness> {
  return createHarness({ root, config: config(env), version, previous: "1.0.0", environment: "production" });
}

describe("6.1 deploy per plan", () => {
  it("pauses between steps when asked and resumes without re-running finished steps", async () => {
    const h = await harness({ deploy: fiveSteps(svc), concurrency: 1 });
    h.onEvent = async (e) => {
      if (e.type === "StepSucceeded" && e.data.step === "6.1:s2")
        await h.record([draft("PauseRequested", at(), hum, { reason: "look at the logs" })]);
    };
    const first = await executeDeployment(h.ctx("6.1"));
    expect(first.paused).toBe(true);
    expect(first.result).toMatchObject({ completed: ["s1", "s2"], notStarted: ["s3", "s4", "s5"] });
    expect(svc.stepsLog().filter((l) => l.startsWith("done"))).toEqual(["done s1", "done s2"]);

    h.onEvent = null;
    await h.record([draft("Resumed", at(), hum, {})]);
    const second = await executeDeployment(h.ctx("6.1"));
    expect(second.paused).toBeUndefined();
    expect(second.failure).toBeUndefined();
    expect(second.result).toMatchObject({
      completed: ["s1", "s2", "s3", "s4", "s5"],
      completedThisRun: ["s3", "s4", "s5"],
    });
    expect(svc.stepsLog().filter((l) => l.startsWith("start"))).toEqual([
      "start s1",
      "start s2",
      "start s3",
      "start s4",
      "start s5",
    ]);
    expect(h.progress.some((p) => p.step === "6.1:s3" && p.status === "ok" && p.done === 3 && p.total === 5)).toBe(
      true,
    );
  });

  it("fails at a failing step, and the rollback undoes completed steps in reverse and restores version N", async () => {
    const deploy = [
      { name: "migrate", run: svc.recordArgv("migrate"), undo: { run: svc.recordArgv("undo-migrate") } },
      { name: "app", run: svc.deployArgv("{version}"), needs: ["migrate"], undo: { run: svc.stopArgv() } },
      { name: "smoke", run: svc.recordArgv("smoke", { fail: true }), needs: ["app"] },
    ];
    const h = await harness({
      deploy,
      rollback: [{ name: "redeploy", run: svc.deployArgv("{previous}") }],
      health: [{ name: "api", http: { url: svc.healthUrl, bodyMatch: "{version}" }, interval: 0.01 }],
    });
    const out = await executeDeployment(h.ctx("6.1"));
    expect(out.failure).toMatchObject({ code: "E_DEPLOY_STEP_FAILED" });
    expect(out.failure!.message).toMatch(
      /^Deploy step "smoke" failed: exit 3 in \d+ ms — step smoke failed on purpose$/,
    );
    expect(await svc.currentVersion()).toBe("1.1.0");
    await finishStep(h, "6.1", out);
    expect(completedSubSteps(h.ctx("6.7"), "6.1:")).toEqual(["migrate", "app"]);

    const rb = await rollbackDeployment(h.ctx("6.7"));
    expect(rb).toEqual({ steps: ["undo:app", "undo:migrate", "redeploy", "verify-health"], to: "1.0.0" });
    expect(svc.deployLog()).toEqual(["deploy 1.0.0", "deploy 1.1.0", "stop", "deploy 1.0.0"]);
    expect(svc.stepsLog().filter((l) => l.includes("undo"))).toEqual(["start undo-migrate", "done undo-migrate"]);
    expect(await svc.currentVersion()).toBe("1.0.0");
    // Run again (a retried rollback): nothing is done twice.
    expect((await rollbackDeployment(h.ctx("6.7"))).steps).toHaveLength(4);
    expect(svc.deployLog()).toHaveLength(4);
  });

  it("stops when a `during` health check turns unhealthy", async () => {
    svc.setFailing("1.1.0");
    const deploy = [
      { name: "app", run: svc.deployArgv("{version}") },
      { name: "soak", wait: 5, needs: ["app"] },
      { name: "after", run: svc.recordArgv("after"), needs: ["soak"] },
    ];
    // Probes tolerate the restart (down for a moment) but not a version that keeps answering 500.
    const h = await harness({
      deploy,
      health: [{ name: "api", http: { url: svc.healthUrl }, interval: 0.2, failuresBeforeUnhealthy: 3, during: true }],
      concurrency: 1,
    });
    const out = await executeDeployment(h.ctx("6.1"));
    expect(out.failure?.code).toBe("E_HEALTH_UNHEALTHY");
    expect(out.failure!.message).toMatch(/^Health check "api" turned unhealthy during the deployment: HTTP 500/);
    expect(svc.stepsLog()).not.toContain("start after");
  });
});

describe("6.1 manual confirmation", () => {
  it("stops before a confirm step with a gate, and goes on once the HUM LEAD approved it", async () => {
    const deploy = [
      { name: "canary", run: svc.recordArgv("canary") },
      { name: "go", confirm: { role: "hum-lead", prompt: "Canary of {version} looks fine?" }, needs: ["canary"] },
      { name: "rest", run: svc.recordArgv("rest"), needs: ["go"] },
    ];
    const h = await harness({ deploy });
    const first = await executeDeployment(h.ctx("6.1"));
    expect(first.gate).toMatchObject({
      kind: "approval",
      title: "Confirm before 6.1:go: Canary of 1.1.0 looks fine? [confirm 6.1:go]",
      onApprove: "6.1",
    });
    expect(first.result).toMatchObject({ completed: ["canary"], awaitingConfirmation: "6.1:go" });
    expect(svc.stepsLog()).not.toContain("start rest");
    const g = first.gate!;
    await h.record([
      draft(
        "GateOpened",
        at(),
        { id: "brtops", role: "system" },
        {
          phase: 6,
          step: "6.1",
          kind: g.kind,
          title: g.title,
          report: g.report,
          findings: [],
          requiredApprovals: 1,
          onApprove: "6.1",
        },
      ),
      // The sole HUM LEAD approves the release they requested: a self-approval, as the engine records it.
      draft("GateApproved", at(), hum, { phase: 6, step: "6.1", authority: "person", final: true, selfApproval: true }),
    ]);
    const second = await executeDeployment(h.ctx("6.1"));
    expect(second.gate).toBeUndefined();
    expect(second.result).toMatchObject({ completed: ["canary", "go", "rest"] });
    const go = h.events().find((e) => e.type === "StepSucceeded" && (e.data as { step: string }).step === "6.1:go");
    expect((go!.data as { result: { detail: string } }).result.detail).toMatch(
      /^confirmed by hum@example\.com \(hum-lead\) at /,
    );
    expect(svc.stepsLog().filter((l) => l.startsWith("start"))).toEqual(["start canary", "start rest"]);
  });
});

describe("6.2–6.4 health, assessment and issues", () => {
  it("reports healthy checks with figures, and fails on an unhealthy version", async () => {
    const h = await harness({
      health: [{ name: "api", http: { url: svc.healthUrl }, interval: 0.01, failuresBeforeUnhealthy: 2 }],
    });
    const ok = await monitorDeployment(h.ctx("6.2"));
    expect(ok.result).toMatchObject({ healthy: true, checks: [{ check: "api", status: "healthy", failures: 0 }] });
    await finishStep(h, "6.2", ok);
    const assessed = await assessDeployment(h.ctx("6.3"));
    expect(assessed.result!["points"]).toEqual([
      {
        point: "health check api",
        status: "pass",
        detail: expect.stringMatching(/^healthy: 1 probe\(s\), 0 failed, p95 \d+ ms$/),
      },
    ]);
    expect((await detectIssues(h.ctx("6.4"))).result).toMatchObject({ emergency: "not needed", issues: [] });

    svc.setFailing("1.0.0");
    const bad = await monitorDeployment(h.ctx("6.2"));
    expect(bad.failure).toMatchObject({ code: "E_HEALTH_UNHEALTHY" });
    expect(bad.failure!.message).toContain('"api" unhealthy: HTTP 500');
  });
});

describe("phase 4 planning", () => {
  it("plans order, groups, critical path and rollback, and checks readiness", async () => {
    const deploy = [
      { name: "db", run: [process.execPath, "-e", "0"], undo: { run: [process.execPath, "-e", "0"] } },
      { name: "cache", http: { url: svc.healthUrl } },
      { name: "app", run: svc.deployArgv("{version}"), needs: ["db", "cache"], check: [process.execPath, "-e", "0"] },
      { name: "ghost", run: ["brtops-no-such-tool"], needs: ["app"] },
    ];
    const h = await harness({
      deploy,
      rollback: [{ name: "redeploy", run: svc.deployArgv("{previous}") }],
      concurrency: 2,
      health: [{ name: "api", http: { url: svc.healthUrl } }],
    });
    const plan = await planOrchestration(h.ctx("4.3"));
    expect(plan.result).toMatchObject({
      order: ["db", "cache", "app", "ghost"],
      groups: [["db", "cache"], ["app"], ["ghost"]],
      criticalPath: ["db", "app", "ghost"],
      concurrency: 2,
      earlierRuns: 0,
    });
    const rb = await planRollbackProcedure(h.ctx("4.2"));
    expect((rb.result["items"] as { name: string }[]).map((i) => i.name)).toEqual(["undo:db", "redeploy"]);
    expect(rb.result["withoutUndo"]).toEqual(["ghost", "app", "cache"]);
    const ready = await checkInfraReadiness(h.ctx("4.1"));
    expect(ready.findings).toEqual([
      expect.objectContaining({
        severity: "critical",
        code: "E_PROGRAM_MISSING",
        message: expect.stringContaining("brtops-no-such-tool"),
      }),
    ]);
    const comms = await planCommunication(h.ctx("4.4"));
    expect(comms.result).toMatchObject({ humLeads: ["hum@example.com"], emergency: ["hum@example.com"] });
  });

  it("takes expected durations from earlier releases to the same environment", async () => {
    const deploy = [{ name: "a", run: svc.recordArgv("a", { sleepMs: 50 }) }];
    const old = await createHarness({
      root,
      config: config({ deploy }),
      version: "1.0.0",
      previous: null,
      environment: "production",
    });
    await finishStep(old, "6.1", await executeDeployment(old.ctx("6.1")));
    const h = await harness({ deploy });
    const plan = await planOrchestration(h.ctx("4.3"));
    expect(plan.result["earlierRuns"]).toBe(1);
    expect((plan.result["steps"] as { expectedMs: number }[])[0]!.expectedMs).toBeGreaterThanOrEqual(50);
    expect(plan.result["estimatedMs"]).toBe((plan.result["steps"] as { expectedMs: number }[])[0]!.expectedMs);
  });
});
