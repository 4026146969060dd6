/** Step leases on PostgreSQL are claimed with SKIP LOCKED: a claimer never queues behind another's row lock. */
import { describe, expect, it } from "vitest";
import { Client } from "pg";
import type { PostgresStore } from "../../src/store/store-postgres.js";
import { postgresSkipped } from "../support/postgres.js";
import { postgresHarness, usePostgres } from "./store-helpers.js";

describe.skipIf(postgresSkipped())("lease claims with SKIP LOCKED", () => {
  const server = usePostgres();

  it("a claim while another connection holds the lease row's lock answers 'taken' at once and leaves the row as it was", async () => {
    const h = await postgresHarness(server());
    const locker = new Client({ connectionString: h.url });
    await locker.connect();
    let released = false;
    try {
      const s = h.store as PostgresStore;
      expect(await s.claimLease("2.1.0", "6.1", "runner-a", 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20)); // runner-a's lease has expired: free to take, but its row is locked below
      await locker.query("BEGIN");
      await locker.query("SELECT * FROM brtops_leases WHERE release = $1 AND step = $2 FOR UPDATE", ["2.1.0", "6.1"]);
      // Without SKIP LOCKED the claim would wait for the locker's transaction, which only ends once the claim has answered.
      const guard = setTimeout(() => {
        released = true;
        void locker.query("ROLLBACK");
      }, 15_000);
      const got = await s.claimLease("2.1.0", "6.1", "runner-b", 60_000);
      clearTimeout(guard);
      expect(released).toBe(false);
      expect(got).toBe(false);
      // The refused claim changed nothing: the row still names runner-a (read inside the locker's transaction).
      expect(
        (await locker.query("SELECT holder FROM brtops_leases WHERE release = $1 AND step = $2", ["2.1.0", "6.1"]))
          .rows,
      ).toEqual([{ holder: "runner-a" }]);
      await locker.query("ROLLBACK");
      expect(await s.claimLease("2.1.0", "6.1", "runner-b", 60_000)).toBe(true); // once the lock is gone the expired lease is taken over
      expect((await s.leaseHolder("2.1.0", "6.1"))?.holder).toBe("runner-b");
    } finally {
      await locker.end();
      await h.cleanup();
    }
  });

  it("of 20 runners claiming a step nobody held, exactly one wins; the holder's own claim extends its lease and keeps acquired_at", async () => {
    const h = await postgresHarness(server());
    const peers = (await Promise.all(Array.from({ length: 20 }, () => h.openPeer()))) as PostgresStore[];
    try {
      const got = await Promise.all(peers.map((p, i) => p.claimLease("2.1.0", "6.2", `runner-${i}`, 60_000)));
      expect(got.filter(Boolean)).toHaveLength(1);
      const winner = `runner-${got.indexOf(true)}`;
      const q = new Client({ connectionString: h.url });
      await q.connect();
      try {
        const before = (await q.query("SELECT acquired_at, expires_at FROM brtops_leases WHERE step = '6.2'"))
          .rows[0] as { acquired_at: Date; expires_at: Date };
        expect(await peers[got.indexOf(true)]!.claimLease("2.1.0", "6.2", winner, 120_000)).toBe(true);
        const after = (await q.query("SELECT acquired_at, expires_at FROM brtops_leases WHERE step = '6.2'"))
          .rows[0] as { acquired_at: Date; expires_at: Date };
        expect(after.acquired_at.getTime()).toBe(before.acquired_at.getTime());
        expect(after.expires_at.getTime()).toBeGreaterThan(before.expires_at.getTime());
      } finally {
        await q.end();
      }
    } finally {
      await h.cleanup();
    }
  });
});
