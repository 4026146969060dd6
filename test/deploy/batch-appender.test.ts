import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BrtopsError } from "../../src/core/errors.js";
import { draft, type Actor } from "../../src/core/events.js";
import { createBatchAppender } from "../../src/deploy/batch-appender.js";
import { FileStore } from "../../src/store/store-file.js";

const actor: Actor = { id: "runner", role: "system" };
const started = (step: string) => draft("StepStarted", "2025-08-27T10:00:00.000Z", actor, { step, attempt: 1 });

let dir: string;
let store: FileStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "brtops-batch-"));
  store = new FileStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("createBatchAppender", () => {
  it("writes appends asked for together as one batch, in order, and hands each caller its events", async () => {
    const log = createBatchAppender(store, "v1.0.0", 0);
    const results = await Promise.all(["a", "b", "c"].map((s) => log.append([started(`6.1:${s}`)])));
    expect(results.map((r) => r.map((e) => e.seq))).toEqual([[1], [2], [3]]);
    expect(log.batches()).toBe(1);
    const next = await log.append([started("6.1:d"), started("6.1:e")]);
    expect(next.map((e) => e.seq)).toEqual([4, 5]);
    expect(log.lastSeq()).toBe(5);
    const stored = (await store.read("v1.0.0")).events;
    expect(stored.map((e) => (e.data as { step: string }).step)).toEqual(["6.1:a", "6.1:b", "6.1:c", "6.1:d", "6.1:e"]);
    expect(stored[1]!.prev).toBe(stored[0]!.hash);
  });

  it("fails every waiting append with E_CONFLICT when another writer got there first", async () => {
    const log = createBatchAppender(store, "v1.0.0", 0);
    await store.append("v1.0.0", 0, [started("other")]);
    const errors = await Promise.all(
      [log.append([started("x")]), log.append([started("y")])].map((p) => p.catch((e: unknown) => e)),
    );
    for (const e of errors) expect((e as BrtopsError).code).toBe("E_CONFLICT");
    expect((await store.read("v1.0.0")).events).toHaveLength(1);
  });
});
