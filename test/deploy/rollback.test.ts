import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deployStepSchema, healthCheckSchema, type DeployStep } from "../../src/config/schema-environment.js";
import { BrtopsError } from "../../src/core/errors.js";
import { createRedactor } from "../../src/core/redact.js";
import { monitorHealth } from "../../src/deploy/monitor-health.js";
import { planDag } from "../../src/deploy/plan-dag.js";
import { planRollback, runRollback } from "../../src/deploy/rollback.js";
import { runAction, type ActionContext } from "../../src/deploy/run-action.js";
import { runDag } from "../../src/deploy/run-dag.js";
import { createTestService, type TestService } from "../support/service.js";

let svc: TestService;
beforeEach(async () => {
  svc = await createTestService();
});
afterEach(async () => svc.dispose());

const step = (raw: Record<string, unknown>): DeployStep => deployStepSchema.parse(raw);

describe("planRollback", () => {
  const deploy = [
    step({ name: "migrate", run: ["m"], undo: { run: ["m-down"] } }),
    step({
      name: "flag",
      http: { url: "http://x/flag", method: "POST" },
      undo: { http: { url: "http://x/flag", method: "DELETE" } },
    }),
    step({ name: "notify", run: ["n"] }),
    step({ name: "app", run: ["a"], needs: ["migrate"], undo: { run: ["a-stop"] } }),
  ];
  const rollback = [
    step({ name: "verify", run: ["v"], needs: ["redeploy"] }),
    step({ name: "redeploy", run: ["d", "{previous}"] }),
  ];

  it("undoes completed steps in reverse completion order, then runs the rollback steps in DAG order", () => {
    const plan = planRollback(deploy, ["migrate", "flag", "notify", "app"], rollback);
    expect(plan.items.map((i) => i.name)).toEqual(["undo:app", "undo:flag", "undo:migrate", "redeploy", "verify"]);
    expect(plan.items[0]).toMatchObject({ kind: "undo", of: "app", action: { run: ["a-stop"] } });
    expect(plan.withoutUndo).toEqual(["notify"]);
  });

  it("leaves out steps that never completed", () => {
    expect(planRollback(deploy, ["flag"], []).items.map((i) => i.name)).toEqual(["undo:flag"]);
  });

  it("goes on after a failed item and reports it", async () => {
    const plan = planRollback(deploy, ["migrate", "app"], []);
    const r = await runRollback(plan, async (item) =>
      item.name === "undo:app" ? { ok: false, detail: "exit 1" } : { ok: true, detail: "exit 0" },
    );
    expect(r.ok).toBe(false);
    expect(r.results.map((x) => [x.name, x.ok])).toEqual([
      ["undo:app", false],
      ["undo:migrate", true],
    ]);
    const stopped = await runRollback(plan, async () => ({ ok: false, detail: "no" }), { stopOnFailure: true });
    expect(stopped.results).toHaveLength(1);
  });
});

describe("rollback of a real service", () => {
  it("restores version N after N+1 fails its health check, undoing in reverse order", async () => {
    const redact = createRedactor();
    const ctxFor = (version: string, previous: string | null): ActionContext => ({
      root: svc.dir,
      vars: { version, previous, environment: "production" },
      redact,
    });
    expect((await runAction("deploy", { run: svc.deployArgv("1.0.0") }, ctxFor("1.0.0", null))).ok).toBe(true);
    expect(await svc.currentVersion()).toBe("1.0.0");

    const deploy = [
      step({ name: "migrate", run: svc.recordArgv("migrate"), undo: { run: svc.recordArgv("undo-migrate") } }),
      step({ name: "app", run: svc.deployArgv("{version}"), needs: ["migrate"], undo: { run: svc.stopArgv() } }),
      step({ name: "warm", run: svc.recordArgv("warm"), needs: ["app"], undo: { run: svc.recordArgv("undo-warm") } }),
    ];
    const rollback = [step({ name: "redeploy-previous", run: svc.deployArgv("{previous}") })];
    const ctx = ctxFor("1.1.0", "1.0.0");
    svc.setFailing("1.1.0");
    const byName = new Map(deploy.map((s) => [s.name, s]));
    const r = await runDag(planDag(deploy), {
      concurrency: 2,
      runStep: async (name) => {
        const res = await runAction(name, byName.get(name)!, ctx);
        if (!res.ok) throw new Error(res.detail);
      },
    });
    expect(r.completed).toEqual(["migrate", "app", "warm"]);
    expect(await svc.currentVersion()).toBe("1.1.0");

    const health = await monitorHealth(
      [
        healthCheckSchema.parse({
          name: "api",
          http: { url: svc.healthUrl, bodyMatch: "{version}" },
          interval: 0.01,
          failuresBeforeUnhealthy: 2,
        }),
      ],
      { durationMs: 0, ctx },
    );
    expect(health.healthy).toBe(false);

    const plan = planRollback(deploy, r.completed, rollback);
    const rb = await runRollback(plan, (item) => runAction(item.name, item.action, ctx));
    expect(rb.ok).toBe(true);
    expect(rb.results.map((x) => x.name)).toEqual(["undo:warm", "undo:app", "undo:migrate", "redeploy-previous"]);
    expect(svc.stepsLog().filter((l) => l.startsWith("done"))).toEqual([
      "done migrate",
      "done warm",
      "done undo-warm",
      "done undo-migrate",
    ]);
    expect(svc.deployLog()).toEqual(["deploy 1.0.0", "deploy 1.1.0", "stop", "deploy 1.0.0"]);
    expect(await svc.currentVersion()).toBe("1.0.0");
    const after = await monitorHealth(
      [healthCheckSchema.parse({ name: "api", http: { url: svc.healthUrl, bodyMatch: "1.0.0" }, interval: 0.01 })],
      { durationMs: 0, ctx },
    );
    expect(after.healthy).toBe(true);
  });

  it("refuses a {previous} rollback on a first release with a clear error", async () => {
    const rollback = [step({ name: "redeploy-previous", run: svc.deployArgv("{previous}") })];
    const plan = planRollback([], [], rollback);
    const ctx: ActionContext = {
      root: svc.dir,
      vars: { version: "1.0.0", previous: null, environment: "production" },
      redact: createRedactor(),
    };
    const err = await runAction("redeploy-previous", plan.items[0]!.action, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrtopsError);
    expect((err as BrtopsError).code).toBe("E_NO_PREVIOUS_VERSION");
    expect((err as BrtopsError).message).toBe(
      'Step "redeploy-previous" uses {previous}, but there is no earlier release to go back to.',
    );
    expect(svc.deployLog()).toEqual([]);
  });
});
