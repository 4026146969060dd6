/**
 * Appends per second on the PostgreSQL store: 1 writer (baseline), 8 writers each on its own
 * release, and 8 writers racing on one release (re-reading and retrying on E_CONFLICT). Each writer
 * has its own connection pool, like separate runners. A fresh database per run, fsync on; the
 * server is BRTOPS_TEST_PG_URL's or a throwaway one (see test/support/postgres.ts).
 */
import { BrtopsError } from "../src/core/errors.js";
import { draft } from "../src/core/events.js";
import { PostgresStore } from "../src/store/store-postgres.js";
import { startPostgres } from "../test/support/postgres.js";
import type { PgServer } from "../test/support/postgres.js";

export interface PostgresBenchOptions {
  /** Appends each writer makes per run (default 150). */
  appendsPerWriter?: number;
  /** Runs per scenario; the median is reported (default 3). */
  runs?: number;
}

const WRITERS = 8;

const note = (writer: number, i: number) =>
  draft("Note", "2026-05-20T10:00:00.000Z", { id: `writer-${writer}`, role: "member" }, { text: `event ${i}` });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function writers(url: string, n: number): Promise<PostgresStore[]> {
  return Promise.all(Array.from({ length: n }, () => PostgresStore.open(url, { poolSize: 1 })));
}

/** Each writer appends `count` single events to its own release. Returns appends per second. */
async function ownReleases(url: string, n: number, count: number): Promise<number> {
  const stores = await writers(url, n);
  try {
    const t0 = performance.now();
    await Promise.all(
      stores.map(async (s, w) => {
        for (let i = 0; i < count; i++) await s.append(`1.0.${w}`, i, [note(w, i)]);
      }),
    );
    return (n * count) / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

/** All writers append to one release, retrying on conflict with the seq the error reports. */
async function oneRelease(
  url: string,
  n: number,
  count: number,
): Promise<{ perSecond: number; conflictsPerAppend: number }> {
  const stores = await writers(url, n);
  let conflicts = 0;
  try {
    const t0 = performance.now();
    await Promise.all(
      stores.map(async (s, w) => {
        let last = 0;
        for (let i = 0; i < count;) {
          try {
            last = (await s.append("2.0.0", last, [note(w, i)]))[0]!.seq;
            i += 1;
          } catch (e) {
            if (!(e instanceof BrtopsError) || e.code !== "E_CONFLICT") throw e;
            conflicts += 1;
            const actual = e.details?.actual;
            last =
              typeof actual === "number" ? actual : ((await s.list()).find((r) => r.release === "2.0.0")?.lastSeq ?? 0);
          }
        }
      }),
    );
    const total = n * count;
    return { perSecond: total / ((performance.now() - t0) / 1000), conflictsPerAppend: conflicts / total };
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

async function fresh<T>(server: PgServer, fn: (url: string) => Promise<T>): Promise<T> {
  const db = await server.freshDatabase();
  try {
    // Migrations happen once here, not inside the timed part.
    await (await PostgresStore.open(db.url)).close();
    return await fn(db.url);
  } finally {
    await db.drop();
  }
}

/** Measures PostgreSQL store appends per second; prints and returns median figures. */
export async function benchPostgresAppends(opts: PostgresBenchOptions = {}): Promise<Record<string, number>> {
  const count = opts.appendsPerWriter ?? 150;
  const runs = opts.runs ?? 3;
  const server = await startPostgres({ fsync: true });
  try {
    const single: number[] = [];
    const own: number[] = [];
    const shared: number[] = [];
    const conflicts: number[] = [];
    for (let r = 0; r < runs; r++) {
      single.push(await fresh(server, (url) => ownReleases(url, 1, count)));
      own.push(await fresh(server, (url) => ownReleases(url, WRITERS, count)));
      const s = await fresh(server, (url) => oneRelease(url, WRITERS, count));
      shared.push(s.perSecond);
      conflicts.push(s.conflictsPerAppend);
    }
    const figures: Record<string, number> = {
      "postgres.appendsPerSec.1writer": Math.round(median(single)),
      "postgres.appendsPerSec.8writers.ownRelease": Math.round(median(own)),
      "postgres.appendsPerSec.8writers.sameRelease": Math.round(median(shared)),
      "postgres.conflictsPerAppend.8writers.sameRelease": Number(median(conflicts).toFixed(2)),
    };
    figures["postgres.ratio.8ownVs1"] = Number(
      (figures["postgres.appendsPerSec.8writers.ownRelease"]! / figures["postgres.appendsPerSec.1writer"]!).toFixed(2),
    );
    console.log(
      `PostgreSQL store appends (median of ${runs} runs, ${count} single-event appends per writer, fsync on):`,
    );
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(50)} ${v}`);
    return figures;
  } finally {
    await server.stop();
  }
}
