/**
 * Deployment through the CLI against a real local HTTP service: automatic rollback of an unhealthy
 * version, the HUM LEAD's retry / rollback / continue, pause between steps, abort undoing the
 * completed steps in reverse, and secrets kept out of the release folder, the log and the output.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, brtops, brtopsAsync, sampleProject, status, type CliResult } from "../support/cli.js";
import { createTestService, deployTestServiceFrom, type TestService } from "../support/service.js";

// Several CLI processes and deploys per test: far more than the default on a loaded 2-core machine.
const TIMEOUT = 240_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Fixture {
  root: string;
  svc: TestService;
}

/** A sample project whose `local` environment deploys the test service; v1.0.0 already runs. */
async function fixture(env: (svc: TestService) => Record<string, unknown>): Promise<Fixture> {
  const svc = await createTestService();
  const { root, cleanup } = sampleProject();
  cleanups.push(cleanup, () => svc.dispose());
  deployTestServiceFrom(root, svc, env(svc));
  return { root, svc };
}

const health = (svc: TestService): Record<string, unknown> => ({
  name: "api",
  http: { url: svc.healthUrl, bodyMatch: '"status":"ok"' },
  interval: 0.05,
  failuresBeforeUnhealthy: 2,
});
const ship = (svc: TestService): Record<string, unknown> => ({ name: "ship", run: svc.deployArgv("{version}") });
const back = (svc: TestService): Record<string, unknown> => ({ name: "back", run: svc.deployArgv("{previous}") });

/** Request 1.1.0 and pass gates 2.10 and 5.10, leaving the release ready to deploy. */
function toDeployment(root: string, env: Record<string, string> = {}): CliResult[] {
  const out: CliResult[] = [];
  const step = (as: string, args: string[], code: number): void => {
    const r = brtops(root, as, args, env);
    out.push(r);
    expect(r.code, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(code);
  };
  step(AI, ["release", "1.1.0", "--to", "staging"], 3);
  step(HUM, ["approve", "--step", "2.10"], 0);
  step(AI, ["run"], 3);
  expect(status(root).step).toBe("5.10");
  step(HUM, ["approve", "--step", "5.10"], 0);
  return out;
}

async function waitFor(what: string, cond: () => boolean, ms = 120_000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await sleep(50)) if (cond()) return;
  throw new Error(`timed out waiting for ${what}`);
}

describe("a failing deployment", () => {
  it(
    "rolls back on its own with onFailure: rollback, and the service answers as 1.0.0 again",
    async () => {
      const { root, svc } = await fixture((s) => ({
        deploy: [ship(s)],
        health: [health(s)],
        rollback: [back(s)],
        onFailure: "rollback",
      }));
      toDeployment(root);
      svc.setFailing("1.1.0");
      brtops(root, AI, ["run"]);
      expect(status(root).state).toBe("rolled-back");
      expect(await svc.currentVersion()).toBe("1.0.0");
      expect(svc.deployLog()).toEqual(["deploy 1.0.0", "deploy 1.1.0", "deploy 1.0.0"]);
      const log = readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8");
      expect(log).toContain("IncidentOpened");
      expect(log).toMatch(/"IncidentGuidance".*"rollback"/);
    },
    TIMEOUT,
  );

  it(
    "waits for the HUM LEAD with onFailure: ask; retry after a fix deploys and reaches certification",
    async () => {
      const { root, svc } = await fixture((s) => ({
        deploy: [ship(s)],
        health: [health(s)],
        rollback: [back(s)],
        onFailure: "ask",
      }));
      toDeployment(root);
      svc.setFailing("1.1.0");
      expect(brtops(root, AI, ["run"]).code).toBe(1);
      expect(status(root).state).toBe("awaiting-hum-lead");
      expect(brtops(root, AI, ["guide", "retry"]).code).not.toBe(0); // only a HUM LEAD guides
      svc.setFailing("1.1.0", false);
      expect(brtops(root, HUM, ["guide", "retry"]).code).toBe(0);
      const run = brtops(root, AI, ["run"]);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(status(root).step).toBe("7.10");
      expect(await svc.currentVersion()).toBe("1.1.0");
    },
    TIMEOUT,
  );

  it(
    "rolls back when the HUM LEAD says rollback",
    async () => {
      const { root, svc } = await fixture((s) => ({
        deploy: [ship(s)],
        health: [health(s)],
        rollback: [back(s)],
        onFailure: "ask",
      }));
      toDeployment(root);
      svc.setFailing("1.1.0");
      expect(brtops(root, AI, ["run"]).code).toBe(1);
      expect(await svc.currentVersion()).toBe("1.1.0");
      expect(brtops(root, HUM, ["guide", "rollback"]).code).toBe(0);
      brtops(root, AI, ["run"]);
      expect(status(root).state).toBe("rolled-back");
      expect(await svc.currentVersion()).toBe("1.0.0");
    },
    TIMEOUT,
  );

  it(
    "goes on past a failed step when the HUM LEAD says continue",
    async () => {
      const { root, svc } = await fixture((s) => ({
        deploy: [ship(s), { name: "warm-cache", run: s.recordArgv("warm-cache", { fail: true }), needs: ["ship"] }],
        health: [health(s)],
        rollback: [back(s)],
        onFailure: "ask",
      }));
      toDeployment(root);
      expect(brtops(root, AI, ["run"]).code).toBe(1);
      expect(status(root).state).toBe("awaiting-hum-lead");
      expect(brtops(root, HUM, ["guide", "continue"]).code).toBe(0);
      const run = brtops(root, AI, ["run"]);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(status(root).step).toBe("7.10");
      expect(await svc.currentVersion()).toBe("1.1.0");
      expect(svc.stepsLog().filter((l) => l === "fail warm-cache")).toHaveLength(1);
    },
    TIMEOUT,
  );
});

describe("a health check that names the version", () => {
  it(
    "checks the running previous version before deploying (5.1) and the new one after (7.1)",
    async () => {
      const versioned = (s: TestService) => ({
        name: "api",
        http: { url: s.healthUrl, bodyMatch: '"version":"{version}"' },
        interval: 0.05,
        failuresBeforeUnhealthy: 2,
      });
      const { root, svc } = await fixture((s) => ({
        deploy: [ship(s)],
        health: [versioned(s)],
        rollback: [back(s)],
        onFailure: "ask",
      }));
      toDeployment(root);
      const events = readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8");
      const before = events
        .split("\n")
        .filter((l) => l.includes('"StepSucceeded"') && l.includes('"step":"5.1"'))
        .join("\n");
      expect(before).toContain('"passed":true');
      expect(before).toContain("1 health check(s) healthy");
      const run = brtops(root, AI, ["run", "--json"]);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(run.json.step).toBe("7.10");
      expect(await svc.currentVersion()).toBe("1.1.0");
      const after = readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8")
        .split("\n")
        .filter((l) => l.includes('"StepSucceeded"') && l.includes('"step":"7.1"'))
        .join("\n");
      expect(after).toContain("1 health checks passed");
    },
    TIMEOUT,
  );
});

// Each step lasts long enough that a pause or abort issued from another process (a CLI start, slow
// on a loaded machine) lands while steps remain: the tests assert what happened to the rest.
const fiveSteps = (s: TestService, undo: boolean): Record<string, unknown>[] =>
  [1, 2, 3, 4, 5].map((i) => ({
    name: `s${i}`,
    run: s.recordArgv(`s${i}`, { sleepMs: 2000 }),
    ...(i > 1 ? { needs: [`s${i - 1}`] } : {}),
    ...(undo ? { undo: { run: s.recordArgv(`undo-s${i}`) } } : {}),
  }));

describe("controlling a running deployment", () => {
  it(
    "pause from another process stops between steps; resume and run finish it",
    async () => {
      const { root, svc } = await fixture((s) => ({
        deploy: fiveSteps(s, false),
        health: [health(s)],
        concurrency: 1,
        onFailure: "ask",
      }));
      toDeployment(root);
      const running = brtopsAsync(root, AI, ["run"]);
      await waitFor("s1 to start", () => svc.stepsLog().includes("start s1"));
      expect(brtops(root, HUM, ["pause"]).code).toBe(0);
      await running;
      const s = status(root);
      expect(s.state).toBe("paused");
      const log = svc.stepsLog();
      // Whatever started finished; nothing started after the pause took hold.
      expect(log.filter((l) => l.startsWith("start")).length).toBe(log.filter((l) => l.startsWith("done")).length);
      expect(log).not.toContain("start s5");
      expect(brtops(root, HUM, ["resume"]).code).toBe(0);
      const run = brtops(root, AI, ["run"]);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(status(root).step).toBe("7.10");
      const all = svc.stepsLog();
      for (const i of [1, 2, 3, 4, 5]) expect(all.filter((l) => l === `start s${i}`)).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    "abort mid-way undoes the completed steps in reverse order",
    async () => {
      const { root, svc } = await fixture((s) => ({
        deploy: fiveSteps(s, true),
        health: [health(s)],
        concurrency: 1,
        onFailure: "ask",
      }));
      toDeployment(root);
      const running = brtopsAsync(root, AI, ["run"]);
      await waitFor("s2 to finish", () => svc.stepsLog().includes("done s2"));
      const abort = brtopsAsync(root, HUM, ["abort"]);
      await running;
      await abort;
      // ABORT rolls back what was deployed and ends the release as aborted.
      if (status(root).state !== "aborted") brtops(root, AI, ["run"]);
      expect(status(root).state).toBe("aborted");
      const log = svc.stepsLog();
      const done = log.filter((l) => l.startsWith("done s")).map((l) => l.slice(5));
      const undone = log.filter((l) => l.startsWith("done undo-")).map((l) => l.slice(10));
      expect(done.length).toBeGreaterThanOrEqual(2);
      expect(done.length).toBeLessThan(5);
      expect(undone).toEqual([...done].reverse());
    },
    TIMEOUT,
  );
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("secrets in the environment", () => {
  it(
    "appear nowhere in the release folder, the .brtops log or the output",
    async () => {
      const TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
      const SECRET = "hunter2-sesame-open-9137";
      const env = { GITHUB_TOKEN: TOKEN, MY_SECRET: SECRET };
      const { root, svc } = await fixture((s) => ({
        deploy: [
          ship(s),
          {
            name: "leaky",
            run: [
              process.execPath,
              "-e",
              "console.log('token', process.env.GITHUB_TOKEN, 'secret', process.env.MY_SECRET)",
            ],
            needs: ["ship"],
          },
        ],
        health: [health(s)],
        rollback: [back(s)],
        onFailure: "ask",
      }));
      const outputs = toDeployment(root, env);
      const run = brtops(root, AI, ["run"], env);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      const cert = brtops(root, HUM, ["approve", "--step", "7.10"], env);
      const last = brtops(root, AI, ["run"], env);
      expect(status(root).state).toBe("certified");
      const files = [
        ...filesUnder(join(root, ".brtops")),
        ...filesUnder(join(root, "docs/01_application/6-releases/v1.1.0")),
      ];
      expect(files.length).toBeGreaterThan(5);
      const texts = [
        ...files.map((f) => readFileSync(f, "utf8")),
        ...[...outputs, run, cert, last].map((r) => r.stdout + r.stderr),
      ];
      for (const t of texts) {
        expect(t).not.toContain(TOKEN);
        expect(t).not.toContain(SECRET);
      }
      // The leaky step did run: its output was recorded, redacted.
      expect(texts.join("\n")).toContain("[REDACTED]");
      expect(await svc.currentVersion()).toBe("1.1.0");
    },
    TIMEOUT,
  );
});
