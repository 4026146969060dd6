import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDag, type DagNode } from "../../src/deploy/plan-dag.js";
import { runDag } from "../../src/deploy/run-dag.js";
import { runAction } from "../../src/deploy/run-action.js";
import { createRedactor } from "../../src/core/redact.js";
import { createTestService, type TestService } from "../support/service.js";

const n = (name: string, needs: string[] = []): DagNode => ({ name, needs });

/** Steps that finish when the test says so: no timing in the assertions. */
function controlled() {
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const waiters: (() => void)[] = [];
  const runStep = (name: string): Promise<void> => {
    log.push(`start ${name}`);
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    const p = new Promise<void>((resolve, reject) => pending.set(name, { resolve, reject }));
    waiters.splice(0).forEach((w) => w());
    return p.finally(() => {
      running -= 1;
      log.push(`end ${name}`);
    });
  };
  const started = async (count: number): Promise<void> => {
    while (pending.size < count) await new Promise<void>((r) => waiters.push(r));
  };
  const finish = async (name: string, error?: Error): Promise<void> => {
    const p = pending.get(name);
    if (!p) throw new Error(`${name} is not running`);
    if (error) p.reject(error);
    else p.resolve();
    await new Promise((r) => setTimeout(r, 0));
  };
  return {
    runStep,
    started,
    finish,
    log,
    running: () => running,
    maxRunning: () => maxRunning,
    startedNames: () => [...pending.keys()],
  };
}

describe("runDag", () => {
  it("starts a step only when all its needs are done, and as soon as they are", async () => {
    const c = controlled();
    const plan = planDag([n("db"), n("cache"), n("app", ["db", "cache"]), n("docs")]);
    const run = runDag(plan, { concurrency: 4, runStep: c.runStep });
    await c.started(3);
    expect(c.startedNames()).toEqual(["db", "cache", "docs"]);
    await c.finish("db");
    expect(c.startedNames()).not.toContain("app");
    await c.finish("cache");
    await c.started(4);
    expect(c.startedNames()).toContain("app"); // docs is still running: app did not wait for it
    await c.finish("app");
    await c.finish("docs");
    const r = await run;
    expect(r).toEqual({ completed: ["db", "cache", "app", "docs"], failed: [], notStarted: [], stopped: false });
  });

  it("never runs more steps at once than the limit", async () => {
    const c = controlled();
    const names = ["a", "b", "c", "d", "e", "f", "g"];
    const run = runDag(planDag(names.map((x) => n(x))), { concurrency: 3, runStep: c.runStep });
    for (let i = 0; i < names.length; i++) {
      await c.started(Math.min(names.length, i + 3));
      expect(c.running()).toBeLessThanOrEqual(3);
      await c.finish(names[i]!);
    }
    const r = await run;
    expect(c.maxRunning()).toBe(3);
    expect(r.completed).toEqual(names);
  });

  it("stops between steps when asked: running steps finish, no new one starts", async () => {
    const c = controlled();
    let stop = false;
    const plan = planDag([n("s1"), n("s2", ["s1"]), n("s3", ["s2"]), n("side"), n("s4", ["s3"])]);
    const run = runDag(plan, { concurrency: 2, runStep: c.runStep, shouldStop: () => stop });
    await c.started(2);
    await c.finish("s1");
    await c.started(3);
    stop = true; // a PAUSE arrives while s2 and side run
    await c.finish("s2");
    await c.finish("side");
    const r = await run;
    expect(r.stopped).toBe(true);
    expect(r.completed).toEqual(["s1", "s2", "side"]);
    expect(r.notStarted).toEqual(["s3", "s4"]);
    expect(c.log.filter((l) => l.startsWith("start"))).toEqual(["start s1", "start side", "start s2"]);

    // Resume: the steps done earlier are not run again.
    const c2 = controlled();
    const resumed = runDag(plan, { concurrency: 2, runStep: c2.runStep, done: r.completed });
    await c2.started(1);
    await c2.finish("s3");
    await c2.started(2);
    await c2.finish("s4");
    expect(await resumed).toEqual({ completed: ["s3", "s4"], failed: [], notStarted: [], stopped: false });
  });

  it("after a failure starts nothing new, lets running steps finish and reports what never started", async () => {
    const c = controlled();
    const plan = planDag([n("a"), n("b"), n("c", ["a"]), n("d", ["b"])]);
    const run = runDag(plan, { concurrency: 2, runStep: c.runStep });
    await c.started(2);
    await c.finish("a", new Error("a broke"));
    await c.finish("b");
    const r = await run;
    expect(r.completed).toEqual(["b"]);
    expect(r.failed.map((f) => [f.step, (f.error as Error).message])).toEqual([["a", "a broke"]]);
    expect(r.notStarted).toEqual(["c", "d"]);
    expect(r.stopped).toBe(false);
  });

  it("with continueOnFailure runs what does not depend on the failed step", async () => {
    const c = controlled();
    const plan = planDag([n("a"), n("b"), n("c", ["a"]), n("d", ["b"])]);
    const run = runDag(plan, { concurrency: 1, runStep: c.runStep, continueOnFailure: true });
    await c.started(1);
    await c.finish("a", new Error("no"));
    await c.started(2);
    await c.finish("b");
    await c.started(3);
    await c.finish("d");
    const r = await run;
    expect(r.completed).toEqual(["b", "d"]);
    expect(r.notStarted).toEqual(["c"]);
  });

  it("counts a step that throws synchronously as failed", async () => {
    const r = await runDag(planDag([n("x"), n("y", ["x"])]), {
      concurrency: 1,
      runStep: () => {
        throw new Error("sync");
      },
    });
    expect(r.failed.map((f) => f.step)).toEqual(["x"]);
    expect(r.notStarted).toEqual(["y"]);
  });
});

describe("runDag with real processes", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await createTestService();
  });
  afterAll(async () => svc.dispose());

  it("runs commands in dependency order and stops at a failing one", async () => {
    const redact = createRedactor();
    const steps = {
      prepare: svc.recordArgv("prepare", { sleepMs: 30 }),
      migrate: svc.recordArgv("migrate", { fail: true }),
      assets: svc.recordArgv("assets"),
      app: svc.recordArgv("app"),
    };
    const plan = planDag([
      n("prepare"),
      n("migrate", ["prepare"]),
      n("assets", ["prepare"]),
      n("app", ["migrate", "assets"]),
    ]);
    const r = await runDag(plan, {
      concurrency: 2,
      runStep: async (name) => {
        const res = await runAction(
          name,
          { run: steps[name as keyof typeof steps] },
          { root: svc.dir, vars: { version: "1.0.0", previous: null, environment: "test" }, redact },
        );
        if (!res.ok) throw new Error(`${name}: ${res.detail}`);
      },
    });
    const log = svc.stepsLog();
    expect(log.indexOf("done prepare")).toBeLessThan(log.indexOf("start migrate"));
    expect(log.indexOf("done prepare")).toBeLessThan(log.indexOf("start assets"));
    expect(log).toContain("fail migrate");
    expect(log).not.toContain("start app");
    expect(r.failed.map((f) => f.step)).toEqual(["migrate"]);
    expect((r.failed[0]!.error as Error).message).toMatch(/^migrate: exit 3 in \d+ ms$/);
    expect(r.notStarted).toEqual(["app"]);
  });
});
