/**
 * Several `brtops run` against one release on the PostgreSQL store: each step is claimed with a
 * lease, so two runners never work in one step; a runner killed mid-step loses its lease when it
 * expires and another runner takes the step over (DESIGN rule 4: the effect is adopted through its
 * check, not run twice). Real processes, a real PostgreSQL server, a real git repository.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AnyEvent } from "../../src/core/events.js";
import { PostgresStore } from "../../src/store/store-postgres.js";
import { AI, CLI, HUM, brtops, brtopsAsync, sampleProject } from "../support/cli.js";
import { alive, deployRuns, slowDeployProject } from "../support/slow-deploy.js";
import { postgresSkipped, startPostgres, type PgDatabase, type PgServer } from "../support/postgres.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  let pg: PgServer;
  let db: PgDatabase | undefined;
  let cleanup: (() => void) | undefined;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterEach(async () => {
    cleanup?.();
    cleanup = undefined;
    await db?.drop();
    db = undefined;
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("two runners started together: every step runs once, the deploy once, both end at the gate", async () => {
    const p = slowDeployProject(2);
    cleanup = p.cleanup;
    db = await pg.freshDatabase();
    const env = { BRTOPS_STORE: db.url };
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"], env).code).toBe(3);
    expect(brtops(p.root, HUM, ["approve", "--step", "2.10"], env).code).toBe(0);

    const [a, b] = await Promise.all([brtopsAsync(p.root, AI, ["run"], env), brtopsAsync(p.root, AI, ["run"], env)]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([3, 3]);
    expect(brtops(p.root, AI, ["status", "--json"], env).json.step).toBe("5.10");

    expect(brtops(p.root, HUM, ["approve", "--step", "5.10"], env).code).toBe(0);
    const [c, d] = await Promise.all([brtopsAsync(p.root, AI, ["run"], env), brtopsAsync(p.root, AI, ["run"], env)]);
    expect([c.code, d.code], c.stderr + d.stderr).toEqual([3, 3]);
    expect(brtops(p.root, AI, ["status", "--json"], env).json.step).toBe("7.10");
    // One of them waited on the other's lease while it deployed.
    expect(c.stdout + c.stderr + d.stdout + d.stderr).toMatch(/waiting: .* is running this step/);

    const events = await readEvents(db.url);
    expect(overlapping(events)).toEqual([]);
    expect(events.filter((e) => e.type === "StepStarted" && (e.data as { step: string }).step === "6.1:ship")).toHaveLength(1);
    expect(deployRuns(p.root)).toBe(1);
    expect(brtops(p.root, AI, ["audit", "verify"], env).code).toBe(0);
  }, 240_000);

  it("a runner killed mid-step loses its lease; another takes the step over and adopts the effect", async () => {
    const p = slowDeployProject(30);
    cleanup = p.cleanup;
    db = await pg.freshDatabase();
    const env = { BRTOPS_STORE: db.url, BRTOPS_LEASE_TTL_MS: "1500" };
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"], env).code).toBe(3);
    expect(brtops(p.root, HUM, ["approve", "--step", "2.10"], env).code).toBe(0);
    expect(brtops(p.root, AI, ["run"], env).code).toBe(3);
    expect(brtops(p.root, HUM, ["approve", "--step", "5.10"], env).code).toBe(0);

    const first = spawn(process.execPath, [CLI, "run", "--as", AI], { cwd: p.root, env: { ...process.env, BRTOPS_ACTOR: "", ...env }, detached: true, stdio: "ignore" });
    const firstExit = new Promise<NodeJS.Signals | null>((res) => first.on("exit", (_c, sig) => res(sig)));
    for (let i = 0; i < 1200 && !existsSync(join(p.root, "deploy.pid")); i++) await sleep(50);
    expect(existsSync(join(p.root, "deploy.pid"))).toBe(true);

    // The second runner arrives while the first is deploying: it must wait, not deploy.
    const second = brtopsAsync(p.root, AI, ["run"], env);
    await sleep(2500);
    expect(deployRuns(p.root)).toBe(1);

    process.kill(-first.pid!, "SIGKILL");
    expect(await firstExit).toBe("SIGKILL");
    const scriptPid = Number(readFileSync(join(p.root, "deploy.pid"), "utf8").trim());
    try {
      process.kill(-scriptPid, "SIGKILL");
    } catch {
      if (alive(scriptPid)) process.kill(scriptPid, "SIGKILL");
    }

    const r = await second;
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/waiting: .* is running this step/);
    expect(brtops(p.root, AI, ["status", "--json"], env).json.step).toBe("7.10");
    // Taken over under rule 4: the deploy already in place was adopted through its check, not run again.
    expect(deployRuns(p.root)).toBe(1);
    const events = await readEvents(db.url);
    expect(events.some((e) => e.type === "StepSucceeded" && (e.data as { step: string; adopted?: boolean }).step === "6.1:ship" && (e.data as { adopted?: boolean }).adopted === true)).toBe(true);
    expect(overlapping(events)).toEqual([]);
    expect(brtops(p.root, AI, ["audit", "verify"], env).code).toBe(0);
  }, 240_000);

  it("refuses a lease length that is not a number of milliseconds", async () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    db = await pg.freshDatabase();
    const env = { BRTOPS_STORE: db.url };
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"], env).code).toBe(3);
    expect(brtops(p.root, HUM, ["approve", "--step", "2.10"], env).code).toBe(0);
    const before = (await readEvents(db.url)).length;
    const r = brtops(p.root, AI, ["run"], { ...env, BRTOPS_LEASE_TTL_MS: "soon" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("BRTOPS_LEASE_TTL_MS");
    expect((await readEvents(db.url)).length).toBe(before);
  }, 120_000);
});
