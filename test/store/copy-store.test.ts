/** copyStore between the file store and PostgreSQL: chains intact, checked before anything is written. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyStore } from "../../src/store/copy-store.js";
import type { CopyProgress } from "../../src/store/copy-store.js";
import { verifyChain } from "../../src/store/event-chain.js";
import { FileStore } from "../../src/store/store-file.js";
import type { Store } from "../../src/store/store.js";
import { postgresSkipped } from "../support/postgres.js";
import { fileHarness, note, notes, postgresHarness, usePostgres } from "./store-helpers.js";
import type { StoreHarness } from "./store-helpers.js";

async function seed(store: Store): Promise<void> {
  await store.append("1.0.0", 0, notes(3, "one-"));
  await store.append("2.1.0", 0, [note("a")]);
  await store.append("2.1.0", 1, notes(4, "batch-"));
  await store.append("2.1.0", 5, [note("ünïcödé 🚀", "zoë", { nul: "a\u0000b", n: [0.1, 1e21] })]);
  await store.append("2.1.0-rc.1", 0, notes(2));
}

async function dump(store: Store): Promise<string> {
  const out: unknown[] = [];
  for (const r of await store.list()) out.push(r, (await store.read(r.release)).events);
  return JSON.stringify(out);
}

describe.skipIf(postgresSkipped())("copyStore", () => {
  const server = usePostgres();
  let file: StoreHarness & { root: string };
  let pg: StoreHarness;
  beforeEach(async () => {
    file = await fileHarness();
    pg = await postgresHarness(server());
  });
  afterEach(async () => {
    await file?.cleanup();
    await pg?.cleanup();
  });

  it("copies file → PostgreSQL → file with every hash unchanged", async () => {
    await seed(file.store);
    const progress: CopyProgress[] = [];
    const result = await copyStore(file.store, pg.store, { batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(result.releases).toEqual([
      { release: "1.0.0", events: 3, copied: 3, skipped: false },
      { release: "2.1.0", events: 6, copied: 6, skipped: false },
      { release: "2.1.0-rc.1", events: 2, copied: 2, skipped: false },
    ]);
    expect(await dump(pg.store)).toBe(await dump(file.store));
    for (const r of await pg.store.list())
      expect(verifyChain(r.release, (await pg.store.read(r.release)).events).ok).toBe(true);
    expect(progress.filter((p) => p.release === "2.1.0").map((p) => p.copied)).toEqual([0, 2, 4, 6]);

    const back = new FileStore(mkdtempSync(join(tmpdir(), "brtops-back-")));
    try {
      await copyStore(pg.store, back);
      expect(await dump(back)).toBe(await dump(file.store));
    } finally {
      rmSync(join(back.dir, "..", ".."), { recursive: true, force: true });
    }
  });

  it("skips releases the target already has with the same events", async () => {
    await seed(file.store);
    await copyStore(file.store, pg.store);
    const before = await dump(pg.store);
    const again = await copyStore(file.store, pg.store);
    expect(again.releases.every((r) => r.skipped && r.copied === 0)).toBe(true);
    expect(await dump(pg.store)).toBe(before);
  });

  it("resumes an interrupted copy when the target holds a prefix of the source", async () => {
    await seed(file.store);
    const src = (await file.store.read("2.1.0")).events;
    await pg.store.append(
      "2.1.0",
      0,
      src.slice(0, 2).map((e) => ({ type: e.type, at: e.at, actor: e.actor, data: e.data }) as never),
    );
    const r = await copyStore(file.store, pg.store, { releases: ["2.1.0"] });
    expect(r.releases).toEqual([{ release: "2.1.0", events: 6, copied: 4, skipped: false }]);
    expect(JSON.stringify((await pg.store.read("2.1.0")).events)).toBe(JSON.stringify(src));
  });

  it("refuses with E_CONFLICT when the target has the release with different events, writing nothing", async () => {
    await seed(file.store);
    await pg.store.append("2.1.0", 0, [note("something else")]);
    await expect(copyStore(file.store, pg.store)).rejects.toMatchObject({
      code: "E_CONFLICT",
      details: { release: "2.1.0" },
    });
    expect((await pg.store.list()).map((r) => r.release)).toEqual(["2.1.0"]);
    expect((await pg.store.read("2.1.0")).events).toHaveLength(1);
  });

  it("refuses a source whose chain is broken with E_LOG_CORRUPT naming the event, writing nothing", async () => {
    await seed(file.store);
    await file.tamper("2.1.0", 4, (json) => json.replace("batch-3", "batch-X"));
    const err = await copyStore(file.store, pg.store).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "E_LOG_CORRUPT", details: { release: "2.1.0", seq: 4 } });
    expect((err as Error).message).toContain("event 4");
    expect(await pg.store.list()).toEqual([]);
  });

  it("copies only the named releases, and refuses unknown names before writing", async () => {
    await seed(file.store);
    const r = await copyStore(file.store, pg.store, { releases: ["2.1.0-rc.1"] });
    expect(r.releases.map((x) => x.release)).toEqual(["2.1.0-rc.1"]);
    expect((await pg.store.list()).map((x) => x.release)).toEqual(["2.1.0-rc.1"]);
    await expect(copyStore(file.store, pg.store, { releases: ["1.0.0", "9.9.9"] })).rejects.toMatchObject({
      code: "E_RELEASE_NOT_FOUND",
      details: { missing: ["9.9.9"] },
    });
    expect((await pg.store.list()).map((x) => x.release)).toEqual(["2.1.0-rc.1"]);
  });
});
