/**
 * Two `brtops serve` on one PostgreSQL store, and no other runner: both runners are woken by every
 * decision (one through its own API, the other by LISTEN/NOTIFY) and both follow the release, yet
 * the step leases let only one of them run each step — every step is started once in the log and
 * the deploy script runs once. A server stopped while its runner deploys lets the step finish,
 * gives its lease up, and the other server carries the release on to certification.
 */
import { describe, expect, it } from "vitest";
import { Client } from "pg";
import type { AnyEvent } from "../../src/core/events.js";
import { createToken } from "../../src/server/tokens.js";
import { PostgresStore } from "../../src/store/store-postgres.js";
import { AI, HUM, brtops } from "../support/cli.js";
import { findPostgresBin, postgresSkipped } from "../support/postgres.js";
import { postgresPerTest } from "../support/postgres-suite.js";
import { api, startServe, waitFor, type ServeProcess, approval } from "../support/serve-process.js";
import { deployRuns, deployedPid, slowDeployProject } from "../support/slow-deploy.js";

// CI sets BRTOPS_TEST_PG_URL; elsewhere a throwaway server is made when PostgreSQL is installed.
const noPostgres = postgresSkipped() || (!process.env.BRTOPS_TEST_PG_URL && !findPostgresBin());
if (noPostgres)
  console.warn(
    "serve-runner-postgres: SKIPPED — no PostgreSQL (set BRTOPS_TEST_PG_URL, or install initdb/postgres; BRTOPS_SKIP_PG=1 skips on purpose)",
  );

async function readEvents(url: string, release: string): Promise<AnyEvent[]> {
  const store = await PostgresStore.open(url);
  try {
    return (await store.read(release)).events;
  } finally {
    await store.close();
  }
}

async function leases(url: string): Promise<{ step: string; holder: string }[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ step: string; holder: string }>("SELECT step, holder FROM brtops_leases")).rows;
  } finally {
    await c.end();
  }
}

describe.skipIf(noPostgres)("two brtops serve on one PostgreSQL store", () => {
  const servers: ServeProcess[] = [];
  const pg = postgresPerTest(async () => {
    for (const s of servers.splice(0)) await s.stop();
  });

  it("never run a step twice; the one stopped mid-deploy finishes the step, gives its lease up, and the other certifies", async () => {
    // The deploy lasts long enough for the second runner to meet the first one's lease.
    const p = slowDeployProject(15);
    const db = await pg.database(p.cleanup);
    const env = { BRTOPS_STORE: db.url };
    const now = new Date().toISOString();
    const aiToken = createToken(p.root, AI, now);
    const humToken = createToken(p.root, HUM, now);
    const a = await startServe(p.root, env);
    servers.push(a);
    const b = await startServe(p.root, env);
    servers.push(b);
    const [aiA, humA, aiB, humB] = [
      api(a.url, aiToken),
      api(a.url, humToken),
      api(b.url, aiToken),
      api(b.url, humToken),
    ];
    const atGate = (client: ReturnType<typeof api>, step: string) =>
      waitFor(
        `release 1.1.0 at gate ${step}`,
        async () => {
          const s = (await client.get("/api/releases/1.1.0")).json;
          return s?.gate?.step === step && s.state === "awaiting-hum-lead" ? s : undefined;
        },
        240_000,
        () => `server A:\n${a.output()}\nserver B:\n${b.output()}`,
      );

    const r = await aiA.post("/api/releases", { version: "1.1.0", environment: "staging" });
    expect(r.status, r.text).toBe(201);
    let s = await atGate(aiB, "2.10");
    expect((await humB.post("/api/releases/1.1.0/approve", approval(s.gate))).status).toBe(200);
    s = await atGate(aiA, "5.10");

    // GO through server A; whichever runner claims 6.1 deploys. Its server is stopped mid-deploy.
    expect((await humA.post("/api/releases/1.1.0/approve", approval(s.gate))).status).toBe(200);
    await deployedPid(p.root);
    const held = await waitFor("the lease of the deploy step", async () =>
      (await leases(db.url)).find((l) => l.step === "6.1"),
    );
    const pid = Number(/:(\d+):[^:]*$/.exec(held.holder)?.[1]);
    const deploying = [a, b].find((x) => x.child.pid === pid);
    expect(deploying, `lease holder ${held.holder}; servers ${a.child.pid}, ${b.child.pid}`).toBeDefined();
    const other = deploying === a ? b : a;
    expect(await deploying!.stop()).toBe(0);
    // Its run stopped between two steps (not at a gate): the step in hand was the last it did.
    expect(deploying!.output()).toMatch(/runner: 1\.1\.0 \S+ run stopped: limit/);
    // It let the step finish and gave every lease it held up.
    expect((await leases(db.url)).filter((l) => l.holder === held.holder)).toEqual([]);
    const after = await readEvents(db.url, "1.1.0");
    expect(after.some((e) => e.type === "StepSucceeded" && (e.data as { step: string }).step === "6.1:ship")).toBe(
      true,
    );
    expect(after.some((e) => e.type === "IncidentOpened")).toBe(false);

    const otherApi = api(other.url, humToken);
    s = await atGate(otherApi, "7.10");
    expect((await otherApi.post("/api/releases/1.1.0/approve", approval(s.gate))).status).toBe(200);
    await waitFor("certification", async () => {
      const st = (await otherApi.get("/api/releases/1.1.0")).json;
      return st.state === "certified" ? st : undefined;
    });

    // Both runners followed the release (each started runs), yet every step started once and the deploy ran once.
    for (const x of [a, b]) expect(x.output()).toMatch(/runner: 1\.1\.0 .*run started/);
    const events = await readEvents(db.url, "1.1.0");
    const starts = new Map<string, number>();
    for (const e of events)
      if (e.type === "StepStarted") {
        const step = (e.data as { step: string }).step;
        starts.set(step, (starts.get(step) ?? 0) + 1);
      }
    expect([...starts].filter(([, n]) => n > 1)).toEqual([]);
    expect(starts.get("6.1:ship")).toBe(1);
    expect(deployRuns(p.root)).toBe(1);
    expect(events.at(-1)?.type).toBe("Certified");
    expect((await api(other.url, aiToken).get("/api/runner")).json.errors).toEqual([]);
    expect(brtops(p.root, AI, ["audit", "verify"], env).code).toBe(0);
    expect(await other.stop()).toBe(0);
    expect(await leases(db.url)).toEqual([]);
  }, 480_000);
});
