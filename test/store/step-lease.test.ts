/** The runner's lease handling over the real PostgreSQL lease table: claim, renewal, loss, fencing. */
import { describe, expect, it } from "vitest";
import { isBrtopsError } from "../../src/core/errors.js";
import { createStepLeases, leaseTtl, DEFAULT_LEASE_TTL_MS } from "../../src/engine/step-lease.js";
import { hasLeases, type Leases } from "../../src/store/store-postgres.js";
import type { Store } from "../../src/store/store.js";
import { postgresSkipped } from "../support/postgres.js";
import { postgresHarness, usePostgres } from "./store-helpers.js";

function leasing(s: Store): Store & Leases {
  if (!hasLeases(s)) throw new Error("the PostgreSQL store lost its leases");
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("lease length", () => {
  it("defaults, accepts whole milliseconds, and refuses anything else with a clear code", () => {
    expect(leaseTtl({})).toBe(DEFAULT_LEASE_TTL_MS);
    expect(leaseTtl({ BRTOPS_LEASE_TTL_MS: "1500" })).toBe(1500);
    for (const bad of ["soon", "-5", "1.5", "10"]) {
      try {
        leaseTtl({ BRTOPS_LEASE_TTL_MS: bad });
        expect.unreachable(`accepted ${bad}`);
      } catch (e) {
        expect(isBrtopsError(e) && e.code).toBe("E_USAGE");
        expect(String((e as Error).message)).toContain("BRTOPS_LEASE_TTL_MS");
      }
    }
  });
});

describe.skipIf(postgresSkipped())("step leases of a runner", () => {
  const server = usePostgres();

  it("holds one step at a time, renews it while held, and hands it on when released", async () => {
    const h0 = await postgresHarness(server());
    const h = { ...h0, store: leasing(h0.store) };
    try {
      // A lease length a loaded machine renews in time (a renewal every second), watched for 2.5 of them.
      const ttl = 3000;
      const a = createStepLeases(h.store, "2.1.0", "runner-a", ttl, () => undefined);
      const b = createStepLeases(h.store, "2.1.0", "runner-b", ttl, () => undefined);
      expect(await a.claim("6.1")).toEqual({ ok: true });
      const refused = await b.claim("6.1");
      expect(refused).toMatchObject({ ok: false, holder: a.holder });
      // Renewals keep it past several lease lengths.
      await sleep(ttl * 2.5);
      expect((await b.claim("6.1")).ok).toBe(false);
      // Claiming another step gives the first one up.
      expect(await a.claim("6.2")).toEqual({ ok: true });
      expect(await b.claim("6.1")).toEqual({ ok: true });
      await a.release();
      await b.release();
      expect(await h.store.leaseHolder("2.1.0", "6.1")).toBeNull();
    } finally {
      await h.cleanup();
    }
  });

  it("a runner whose lease was taken over is told, and fenced off from writing", async () => {
    const h0 = await postgresHarness(server());
    const h = { ...h0, store: leasing(h0.store) };
    try {
      const lost: string[] = [];
      const a = createStepLeases(h.store, "2.1.0", "runner-a", 900, (step) => lost.push(step));
      expect((await a.claim("6.8")).ok).toBe(true);
      a.assertHeld();
      // Simulate a stalled runner: its lease expires and someone else claims the step.
      await h.store.releaseLease("2.1.0", "6.8", a.holder);
      expect(await h.store.claimLease("2.1.0", "6.8", "runner-b", 60_000)).toBe(true);
      // Told at its next renewal (every 300 ms); a generous deadline for a loaded machine.
      for (const t0 = Date.now(); Date.now() - t0 < 30_000 && lost.length === 0;) await sleep(100);
      expect(lost).toEqual(["6.8"]);
      try {
        a.assertHeld();
        expect.unreachable("still allowed to write");
      } catch (e) {
        expect(isBrtopsError(e) && e.code).toBe("E_LEASE_LOST");
      }
      expect(await h.store.leaseHolder("2.1.0", "6.8")).toMatchObject({ holder: "runner-b" });
    } finally {
      await h.cleanup();
    }
  });
});
