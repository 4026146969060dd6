/**
 * The one conformance suite every Store passes (DESIGN: "the store passes the same conformance
 * suite as the file store"). Runners: file-store.test.ts and postgres-store.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BrtopsError } from "../../src/core/errors.js";
import type { AnyEvent } from "../../src/core/events.js";
import { GENESIS, verifyChain } from "../../src/store/event-chain.js";
import type { Store } from "../../src/store/store.js";
import { AT, note, notes, waitFor } from "./store-helpers.js";
import type { StoreHarness } from "./store-helpers.js";

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BrtopsError);
    return (e as BrtopsError).code;
  }
  throw new Error("expected the call to fail");
}

const texts = (events: AnyEvent[]) => events.map((e) => (e.type === "Note" ? e.data.text : e.type));

/** Registers the conformance tests for one store implementation. */
export function describeStoreConformance(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`Store conformance: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await makeStore();
      store = h.store;
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    it("reads an unknown release as empty and lists nothing", async () => {
      expect(await store.read("9.9.9")).toEqual({ events: [] });
      expect(await store.list()).toEqual([]);
    });

    it("appends to a new release with expected seq 0 and reads the same events back", async () => {
      const written = await store.append("2.1.0", 0, [note("first")]);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({
        seq: 1,
        release: "2.1.0",
        type: "Note",
        at: AT,
        actor: { id: "ana", role: "member" },
        prev: GENESIS,
      });
      expect(written[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await store.read("2.1.0")).events).toEqual(written);
    });

    it("numbers events 1..n and chains their hashes so verifyChain accepts them", async () => {
      let last = 0;
      for (let i = 0; i < 5; i++) last = (await store.append("2.1.0", last, [note(`e${i}`)]))[0]!.seq;
      const { events } = await store.read("2.1.0");
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      for (let i = 1; i < events.length; i++) expect(events[i]!.prev).toBe(events[i - 1]!.hash);
      expect(verifyChain("2.1.0", events)).toEqual({ ok: true, count: 5, lastHash: events[4]!.hash });
    });

    it("refuses an append whose expected seq is stale or ahead with E_CONFLICT and writes nothing", async () => {
      await store.append("2.1.0", 0, notes(2));
      const before = await store.read("2.1.0");
      expect(await codeOf(store.append("2.1.0", 0, [note("stale")]))).toBe("E_CONFLICT");
      expect(await codeOf(store.append("2.1.0", 1, [note("stale")]))).toBe("E_CONFLICT");
      expect(await codeOf(store.append("2.1.0", 7, [note("ahead")]))).toBe("E_CONFLICT");
      expect(await codeOf(store.append("3.0.0", 1, [note("no such log yet")]))).toBe("E_CONFLICT");
      const err = await store.append("2.1.0", 0, [note("x")]).catch((e: BrtopsError) => e);
      expect(err).toMatchObject({ code: "E_CONFLICT", details: { expected: 0, actual: 2 } });
      expect(await store.read("2.1.0")).toEqual(before);
      expect(await store.list()).toEqual([{ release: "2.1.0", lastSeq: 2 }]);
    });

    it("writes a batch whole: all its events, or none of them", async () => {
      const batch = await store.append("2.1.0", 0, notes(3, "b"));
      expect(batch.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await codeOf(store.append("2.1.0", 1, notes(4, "late")))).toBe("E_CONFLICT");
      // The third draft cannot be serialised: the first two must not land either.
      const bad = [note("ok1"), note("ok2"), note("bad", "ana", { n: 10n as unknown as number })];
      await expect(store.append("2.1.0", 3, bad)).rejects.toThrow();
      const { events } = await store.read("2.1.0");
      expect(texts(events)).toEqual(["b1", "b2", "b3"]);
      expect(verifyChain("2.1.0", events).ok).toBe(true);
      expect(await store.append("2.1.0", 3, [])).toEqual([]);
      expect((await store.read("2.1.0")).events).toHaveLength(3);
    });

    it("keeps concurrent batches from two handles whole and never interleaved", async () => {
      const peer = await h.openPeer();
      const results = await Promise.allSettled([
        store.append("2.1.0", 0, notes(4, "a")),
        peer.append("2.1.0", 0, notes(4, "b")),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const { events } = await peer.read("2.1.0");
      const t = texts(events);
      expect([
        ["a1", "a2", "a3", "a4"],
        ["b1", "b2", "b3", "b4"],
      ]).toContainEqual(t);
    });

    it("reads from a given seq", async () => {
      await store.append("2.1.0", 0, notes(5));
      expect((await store.read("2.1.0", 3)).events.map((e) => e.seq)).toEqual([3, 4, 5]);
      expect((await store.read("2.1.0", 5)).events.map((e) => e.seq)).toEqual([5]);
      expect((await store.read("2.1.0", 6)).events).toEqual([]);
      expect((await store.read("2.1.0", 1)).events).toHaveLength(5);
    });

    it("lists every release with its last seq, in name order", async () => {
      await store.append("2.1.0", 0, notes(3));
      await store.append("1.0.0", 0, notes(1));
      await store.append("2.1.0-rc.1", 0, notes(2));
      expect(await store.list()).toEqual([
        { release: "1.0.0", lastSeq: 1 },
        { release: "2.1.0", lastSeq: 3 },
        { release: "2.1.0-rc.1", lastSeq: 2 },
      ]);
    });

    it("lets exactly one of 20 concurrent appenders with the same expected seq win", async () => {
      const peers = await Promise.all(Array.from({ length: 20 }, () => h.openPeer()));
      for (const [release, expected] of [
        ["4.0.0", 0],
        ["4.0.0", 1],
      ] as const) {
        const results = await Promise.allSettled(
          peers.map((p, i) => p.append(release, expected, [note(`w${i}`, `writer-${i}`)])),
        );
        const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
        expect(won).toHaveLength(1);
        for (const r of results) if (r.status === "rejected") expect((r.reason as BrtopsError).code).toBe("E_CONFLICT");
        const { events } = await store.read(release);
        expect(events).toHaveLength(expected + 1);
        expect(events.at(-1)!.actor.id).toBe(`writer-${won[0]}`);
        expect(verifyChain(release, events).ok).toBe(true);
      }
    });

    it("round-trips unicode, control characters and large data byte for byte, with hashes verifying", async () => {
      const odd = {
        emoji: "🚀 release 👩🏽‍💻",
        rtl: "שלום عربى",
        combining: "é vs é",
        nul: "a\u0000b",
        controls: "\t\n\r\u0001\u001f\u007f\u2028\u2029",
        lone: "\ud800 and \udfff",
        quotes: `"'\\`,
        numbers: [0, -1, 0.1, 1e21, 1.5e-7, Number.MAX_SAFE_INTEGER, -0],
        nested: { deep: [[[{ k: null, t: true, f: false }]]] },
      };
      const big = "x".repeat(1_000_000) + "🙂";
      const many = Array.from({ length: 10_000 }, (_, i) => ({ i, s: `item-${i}` }));
      const written = await store.append("5.0.0", 0, [note("odd ✓", "ünï", odd), note(big, "ana", { many })]);
      const peer = await h.openPeer();
      const { events } = await peer.read("5.0.0");
      expect(JSON.stringify(events)).toBe(JSON.stringify(written));
      expect(verifyChain("5.0.0", events).ok).toBe(true);
      expect(events[0]!.hash).toBe(written[0]!.hash);
      expect((events[1]!.data as { text: string }).text).toHaveLength(big.length);
    });

    it("names the changed event when one character of a stored event is altered", async () => {
      await store.append("2.1.0", 0, [note("one"), note("two"), note("three")]);
      await h.tamper("2.1.0", 2, (json) => json.replace('"two"', '"twO"'));
      const { events } = await store.read("2.1.0");
      expect(texts(events)).toEqual(["one", "twO", "three"]);
      const verdict = verifyChain("2.1.0", events);
      expect(verdict.ok).toBe(false);
      expect(verdict.bad).toEqual({ seq: 2, reason: expect.stringContaining("changed") });
    });

    it("refuses a release id that is not a safe version, writing nothing", async () => {
      for (const bad of ["../etc", "a/b", "", "x y", "..", "-1"]) {
        expect(await codeOf(store.append(bad, 0, [note("x")]))).toBe("E_VERSION_INVALID");
      }
      expect(await store.list()).toEqual([]);
    });

    it("shows one handle's appends to another", async () => {
      const peer = await h.openPeer();
      await store.append("2.1.0", 0, notes(2));
      await peer.append("2.1.0", 2, [note("from peer")]);
      expect(texts((await store.read("2.1.0")).events)).toEqual(["n1", "n2", "from peer"]);
      expect(await peer.list()).toEqual([{ release: "2.1.0", lastSeq: 3 }]);
    });

    it("wakes a watcher when a release's log grows, also for another handle's appends", async () => {
      if (!store.watch) return;
      const seen: string[] = [];
      const stop = store.watch((release, lastSeq) => seen.push(`${release}@${lastSeq}`));
      try {
        const peer = await h.openPeer();
        // Appending until a first wake-up arrives covers watchers that start listening asynchronously.
        let last = 0;
        await waitFor(async () => {
          last = (await peer.append("6.0.0", last, [note(`w${last}`)]))[0]!.seq;
          return seen.some((s) => s.startsWith("6.0.0@")) ? true : undefined;
        }, "a first watch wake-up");
        const next = (await peer.append("6.0.0", last, [note("watched")]))[0]!.seq;
        await waitFor(() => (seen.includes(`6.0.0@${next}`) ? true : undefined), `a wake-up for event ${next}`);
      } finally {
        stop();
      }
    });
  });
}
