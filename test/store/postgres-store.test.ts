/** The PostgreSQL store: the conformance suite on a real server, plus migrations and leases. */
import { describe, expect, it } from "vitest";
import { Pool } from "pg";
import { MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { hasLeases, PostgresStore } from "../../src/store/store-postgres.js";
import { FileStore } from "../../src/store/store-file.js";
import { postgresSkipped } from "../support/postgres.js";
import { describeStoreConformance } from "./store-conformance.js";
import { note, postgresHarness, usePostgres } from "./store-helpers.js";

async function rows<R extends object>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    return (await pool.query<R>(sql, params)).rows;
  } finally {
    await pool.end();
  }
}

describe.skipIf(postgresSkipped())("PostgreSQL store", () => {
  const server = usePostgres();

  describeStoreConformance("postgres", () => postgresHarness(server()));

  describe("schema migrations", () => {
    it("applies every migration once, even when 8 processes open a fresh database at once", async () => {
      const db = await server().freshDatabase();
      try {
        const stores = await Promise.all(Array.from({ length: 8 }, () => PostgresStore.open(db.url, { poolSize: 1 })));
        await Promise.all(stores.map((s) => s.close()));
        const applied = await rows<{ version: number; name: string }>(
          db.url,
          "SELECT version, name FROM brtops_migrations ORDER BY version",
        );
        expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
        const again = await PostgresStore.open(db.url);
        await again.close();
        expect(await rows(db.url, "SELECT version FROM brtops_migrations")).toHaveLength(MIGRATIONS.length);
      } finally {
        await db.drop();
      }
    });

    it("refuses a database migrated by a newer brtops with E_STORE", async () => {
      const db = await server().freshDatabase();
      try {
        await (await PostgresStore.open(db.url)).close();
        await rows(db.url, "INSERT INTO brtops_migrations (version, name) VALUES (99, 'from the future')");
        await expect(PostgresStore.open(db.url)).rejects.toMatchObject({
          code: "E_STORE",
          message: expect.stringContaining("version 99"),
        });
      } finally {
        await db.drop();
      }
    });

    it("keeps the event exactly as appended in body and fills the query columns", async () => {
      const h = await postgresHarness(server());
      try {
        const [e] = await h.store.append("2.1.0", 0, [note("hello", "bob")]);
        const [row] = await rows<Record<string, unknown>>(h.url, "SELECT * FROM brtops_events");
        expect(row).toMatchObject({
          release: "2.1.0",
          seq: 1,
          type: "Note",
          actor_id: "bob",
          actor_role: "member",
          prev: e!.prev,
          hash: e!.hash,
          body: JSON.stringify(e),
        });
        expect(await rows(h.url, "SELECT release, last_seq, last_hash FROM brtops_releases")).toEqual([
          { release: "2.1.0", last_seq: 1, last_hash: e!.hash },
        ]);
      } finally {
        await h.cleanup();
      }
    });

    it("reports a stored body that is not JSON as damage at that seq", async () => {
      const h = await postgresHarness(server());
      try {
        await h.store.append("2.1.0", 0, [note("a"), note("b"), note("c")]);
        await h.tamper("2.1.0", 2, () => "{broken");
        const r = await h.store.read("2.1.0");
        expect(r.events.map((e) => e.seq)).toEqual([1]);
        expect(r.damage).toMatchObject({ seq: 2 });
      } finally {
        await h.cleanup();
      }
    });
  });

  describe("leases", () => {
    it("gives a step to one holder at a time, and to another once released", async () => {
      const h = await postgresHarness(server());
      try {
        const s = h.store;
        expect(hasLeases(s)).toBe(true);
        expect(hasLeases(new FileStore("/nonexistent"))).toBe(false);
        if (!hasLeases(s)) return;
        expect(await s.claimLease("2.1.0", "4.3", "runner-a", 60_000)).toBe(true);
        expect(await s.claimLease("2.1.0", "4.3", "runner-b", 60_000)).toBe(false);
        expect(await s.claimLease("2.1.0", "4.4", "runner-b", 60_000)).toBe(true);
        expect(await s.claimLease("2.1.0", "4.3", "runner-a", 60_000)).toBe(true);
        expect(await s.leaseHolder("2.1.0", "4.3")).toMatchObject({
          holder: "runner-a",
          expiresAt: expect.stringMatching(/Z$/),
        });
        expect(await s.renewLease("2.1.0", "4.3", "runner-b", 60_000)).toBe(false);
        expect(await s.renewLease("2.1.0", "4.3", "runner-a", 60_000)).toBe(true);
        expect(await s.releaseLease("2.1.0", "4.3", "runner-b")).toBe(false);
        expect(await s.releaseLease("2.1.0", "4.3", "runner-a")).toBe(true);
        expect(await s.leaseHolder("2.1.0", "4.3")).toBeNull();
        expect(await s.claimLease("2.1.0", "4.3", "runner-b", 60_000)).toBe(true);
      } finally {
        await h.cleanup();
      }
    });

    it("lets another holder take an expired lease, and the old holder can no longer renew it", async () => {
      const h = await postgresHarness(server());
      try {
        const s = h.store as PostgresStore;
        expect(await s.claimLease("2.1.0", "5.2", "runner-a", 1)).toBe(true);
        await new Promise((r) => setTimeout(r, 30));
        expect(await s.leaseHolder("2.1.0", "5.2")).toBeNull();
        expect(await s.renewLease("2.1.0", "5.2", "runner-a", 60_000)).toBe(false);
        expect(await s.claimLease("2.1.0", "5.2", "runner-b", 60_000)).toBe(true);
        expect(await s.releaseLease("2.1.0", "5.2", "runner-a")).toBe(false);
        expect((await s.leaseHolder("2.1.0", "5.2"))?.holder).toBe("runner-b");
      } finally {
        await h.cleanup();
      }
    });

    it("lets exactly one of 20 runners on separate connections claim a step", async () => {
      const h = await postgresHarness(server());
      try {
        const peers = (await Promise.all(Array.from({ length: 20 }, () => h.openPeer()))) as PostgresStore[];
        const got = await Promise.all(peers.map((p, i) => p.claimLease("2.1.0", "6.1", `runner-${i}`, 60_000)));
        expect(got.filter(Boolean)).toHaveLength(1);
        expect((await (h.store as PostgresStore).leaseHolder("2.1.0", "6.1"))?.holder).toBe(
          `runner-${got.indexOf(true)}`,
        );
      } finally {
        await h.cleanup();
      }
    });

    it("rejects a lease time that is not a positive whole number of milliseconds", async () => {
      const h = await postgresHarness(server());
      try {
        const s = h.store as PostgresStore;
        for (const ttl of [0, -5, 1.5, Number.NaN])
          await expect(s.claimLease("2.1.0", "4.3", "a", ttl)).rejects.toMatchObject({ code: "E_USAGE" });
        expect(await s.leaseHolder("2.1.0", "4.3")).toBeNull();
      } finally {
        await h.cleanup();
      }
    });
  });
});
