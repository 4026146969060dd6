/**
 * Several `brtops run` against one release on the PostgreSQL store: each step is claimed with a
 * lease, so two runners never work in one step; a runner killed mid-step loses its lease when it
 * expires and another runner takes the step over (DESIGN rule 4: the effect is adopted through its
 * check, not run twice). Real processes, a real PostgreSQL server, a real git repository.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnyEvent } from "../../src/core/events.js";
import { PostgresStore } from "../../src/store/store-postgres.js";
import { AI, CLI, HUM, brtops, brtopsAsync, sampleProject, type CliResult } from "../support/cli.js";
import { alive, deployedPid, deployRuns, slowDeployProject } from "../support/slow-deploy.js";
import { postgresSkipped } from "../support/postgres.js";
import { postgresPerTest } from "../support/postgres-suite.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asserts a CLI exit code, with the command's output as the failure message. */
function expectCode(r: CliResult, code: number): void {
  expect(r.code, `exit ${r.code}:\n${r.stdout}${r.stderr}`).toBe(code);
}

/** The release's current step, as `status --json` says; its output is the failure message. */
function expectStep(root: string, env: Record<string, string>) {
  const r = brtops(root, AI, ["status", "--json"], env);
  return expect(r.json?.step, `status --json (exit ${r.code}):\n${r.stdout}${r.stderr}`);
}

/** SIGKILLs process group `pid` (a detached runner or step), if it is still there. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      if (alive(pid)) process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}

/** `brtops run` whose output can be read while it runs. */
function watchedRun(cwd: string, env: Record<string, string>): { output: () => string; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, "run", "--as", AI], {
    cwd,
    env: { ...process.env, BRTOPS_ACTOR: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const done = new Promise<CliResult>((res) =>
    child.on("close", (code) => res({ code: code ?? -1, stdout, stderr, json: undefined })),
  );
  return { output: () => stdout + stderr, done };
}

/** Polls `cond` with a generous deadline; fails early, with the output, when the process ended first. */
async function waitUntil(
  what: string,
  cond: () => boolean,
  ended: Promise<CliResult>,
  limitMs = 120_000,
): Promise<void> {
  let result: CliResult | undefined;
  void ended.then((r) => (result = r));
  for (const t0 = Date.now(); Date.now() - t0 < limitMs; await sleep(50)) {
    if (cond()) return;
    if (result)
      throw new Error(`the runner ended (exit ${result.code}) before ${what}:\n${result.stdout}${result.stderr}`);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function readEvents(url: string): Promise<AnyEvent[]> {
  const store = await PostgresStore.open(url);
  try {
    return (await store.read("1.1.0")).events;
  } finally {
    await store.close();
  }
}

/** Steps whose StepStarted appears twice with no StepSucceeded/StepFailed of it between: two runners in one step. */
function overlapping(events: AnyEvent[]): string[] {
  const open = new Set<string>();
  const bad: string[] = [];
  for (const e of events) {
    const step = (e.data as { step?: string }).step;
    if (!step) continue;
    if (e.type === "StepStarted") {
      if (open.has(step)) bad.push(step);
      open.add(step);
    } else if (e.type === "StepSucceeded" || e.type === "StepFailed" || e.type === "StepSkipped") open.delete(step);
  }
  return bad;
}

describe.skipIf(postgresSkipped())("several runners on one release (PostgreSQL leases)", () => {
  // Processes a failed test could leave behind (a runner or a step in its own process group).
  const kills: (() => void)[] = [];
  const pg = postgresPerTest(() => {
    for (const k of kills.splice(0)) k();
  });

  it("two runners started together: every step runs once, the deploy once, both end at the gate", async () => {
    // The deploy lasts long enough that the runner started alongside surely meets its lease, even
    // when a loaded machine starts one of the two processes seconds after the other.
    const p = slowDeployProject(8);
    const db = await pg.database(p.cleanup);
    const env = { BRTOPS_STORE: db.url };
    expectCode(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"], env), 3);
    expectCode(brtops(p.root, HUM, ["approve", "--step", "2.10"], env), 0);

    const [a, b] = await Promise.all([brtopsAsync(p.root, AI, ["run"], env), brtopsAsync(p.root, AI, ["run"], env)]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([3, 3]);
    expectStep(p.root, env).toBe("5.10");

    expectCode(brtops(p.root, HUM, ["approve", "--step", "5.10"], env), 0);
    const [c, d] = await Promise.all([brtopsAsync(p.root, AI, ["run"], env), brtopsAsync(p.root, AI, ["run"], env)]);
    expect([c.code, d.code], c.stderr + d.stderr).toEqual([3, 3]);
    expectStep(p.root, env).toBe("7.10");
    // One of them waited on the other's lease while it deployed.
    expect(c.stdout + c.stderr + d.stdout + d.stderr).toMatch(/waiting: .* is running this step/);

    const events = await readEvents(db.url);
    expect(overlapping(events)).toEqual([]);
    expect(
      events.filter((e) => e.type === "StepStarted" && (e.data as { step: string }).step === "6.1:ship"),
    ).toHaveLength(1);
    expect(deployRuns(p.root)).toBe(1);
    expectCode(brtops(p.root, AI, ["audit", "verify"], env), 0);
  }, 240_000);

  it("a runner killed mid-step loses its lease; another takes the step over and adopts the effect", async () => {
    const p = slowDeployProject(60);
    const db = await pg.database(p.cleanup);
    // Short enough to keep the takeover quick, long enough that a loaded machine still renews in time.
    const TTL = 3000;
    const env = { BRTOPS_STORE: db.url, BRTOPS_LEASE_TTL_MS: String(TTL) };
    expectCode(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"], env), 3);
    expectCode(brtops(p.root, HUM, ["approve", "--step", "2.10"], env), 0);
    expectCode(brtops(p.root, AI, ["run"], env), 3);
    expectCode(brtops(p.root, HUM, ["approve", "--step", "5.10"], env), 0);

    const first = spawn(process.execPath, [CLI, "run", "--as", AI], {
      cwd: p.root,
      env: { ...process.env, BRTOPS_ACTOR: "", ...env },
      detached: true,
      stdio: "ignore",
    });
    const firstExit = new Promise<NodeJS.Signals | null>((res) => first.on("exit", (_c, sig) => res(sig)));
    kills.push(() => {
      if (first.exitCode === null && first.signalCode === null) killGroup(first.pid!);
    });
    // The deploy has done its effect once it publishes its pid.
    const scriptPid = await deployedPid(p.root);
    let scriptKilled = false;
    kills.push(() => {
      if (!scriptKilled) killGroup(scriptPid); // once killed, its pid may belong to someone else
    });

    // The second runner arrives while the first is deploying: it must wait, not deploy. Wait until it
    // says so (it may be slow to start on a loaded machine), then watch it for longer than a lease
    // length: the first runner's renewals keep the step its own.
    const second = watchedRun(p.root, env);
    await waitUntil(
      "the second runner to wait on the first one's lease",
      () => /waiting: .* is running this step/.test(second.output()),
      second.done,
    );
    await sleep(TTL + 1000);
    expect(deployRuns(p.root)).toBe(1);

    process.kill(-first.pid!, "SIGKILL");
    expect(await firstExit).toBe("SIGKILL");
    killGroup(scriptPid);
    scriptKilled = true;

    const r = await second.done;
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/waiting: .* is running this step/);
    expectStep(p.root, env).toBe("7.10");
    // Taken over under rule 4: the deploy already in place was adopted through its check, not run again.
    expect(deployRuns(p.root)).toBe(1);
    const events = await readEvents(db.url);
    expect(
      events.some(
        (e) =>
          e.type === "StepSucceeded" &&
          (e.data as { step: string; adopted?: boolean }).step === "6.1:ship" &&
          (e.data as { adopted?: boolean }).adopted === true,
      ),
    ).toBe(true);
    expect(overlapping(events)).toEqual([]);
    expectCode(brtops(p.root, AI, ["audit", "verify"], env), 0);
  }, 240_000);

  it("refuses a lease length that is not a number of milliseconds", async () => {
    const p = sampleProject();
    const db = await pg.database(p.cleanup);
    const env = { BRTOPS_STORE: db.url };
    expectCode(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"], env), 3);
    expectCode(brtops(p.root, HUM, ["approve", "--step", "2.10"], env), 0);
    const before = (await readEvents(db.url)).length;
    const r = brtops(p.root, AI, ["run"], { ...env, BRTOPS_LEASE_TTL_MS: "soon" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("BRTOPS_LEASE_TTL_MS");
    expect((await readEvents(db.url)).length).toBe(before);
  }, 120_000);
});
