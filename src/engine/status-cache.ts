/**
 * `brtops status` is what agents and people run most, often in a loop while nothing changes. On
 * the file store its answer is cached beside each log (`status-cache.json`), keyed by the log
 * file's inode, size and modification time: any append changes the size, so a hit is the answer
 * for the log as it is now, without reading and folding every event. The cache is derived data —
 * deleting it loses nothing — and never consulted by anything that decides or verifies
 * (`audit verify` always reads the log itself).
 */
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TERMINAL_STATES } from "../core/release-state.js";
import type { StatusView } from "../core/status-view.js";
import { parseReleaseRef, versionOfReleaseId } from "../core/release-id.js";
import { FileStore } from "../store/store-file.js";
import type { Store } from "../store/store.js";
import type { ReleaseSummary } from "./project.js";
import { byCodeUnit } from "../core/text-order.js";

const CACHE_FILE = "status-cache.json";
// Bumped whenever the cached shapes change, so an old cache is simply a miss.
const CACHE_VERSION = 1;

interface Stamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

interface Entry {
  v: number;
  stamp: Stamp;
  summary: ReleaseSummary;
  /** Status views by the --release flag they were made for ("" for none). */
  views: Record<string, StatusView>;
}

function stampOf(file: string): Stamp | null {
  try {
    const st = statSync(file);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}

const same = (a: Stamp, b: Stamp): boolean => a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

function read(store: FileStore, release: string): Entry | null {
  const log = store.logPath(release);
  const now = stampOf(log);
  if (!now) return null;
  try {
    const e = JSON.parse(readFileSync(join(dirname(log), CACHE_FILE), "utf8")) as Entry;
    return e.v === CACHE_VERSION && e.stamp && same(e.stamp, now) ? e : null;
  } catch {
    return null;
  }
}

/**
 * The cached status view for `brtops status [--release FLAG]`, or null on any miss (then the
 * caller folds the log and calls `rememberStatus`). Picks the release as selectRelease does:
 * the named one, else the one open release, else the latest finished one.
 */
export async function cachedStatus(store: Store, flag: string | undefined): Promise<StatusView | null> {
  if (!(store instanceof FileStore)) return null;
  if (flag) {
    const id = parseReleaseRef(flag) ? flag.trim().replace(/^v(?=\d)/i, "") : null;
    if (!id) return null;
    // "1.1.0" names the version's open or latest run: only when the version has one run is that this log.
    const runs = (await store.list()).filter((r) => versionOfReleaseId(r.release) === versionOfReleaseId(id));
    if (runs.length !== 1 || runs[0]!.release !== id) return null;
    return read(store, id)?.views[flag] ?? null;
  } else {
    const entries: Entry[] = [];
    for (const ref of await store.list()) {
      const e = read(store, ref.release);
      if (!e) return null;
      entries.push(e);
    }
    const open = entries.filter((e) => !TERMINAL_STATES.includes(e.summary.state));
    // Several open releases is an error the full path words; no release at all, likewise.
    if (open.length > 1 || entries.length === 0) return null;
    const chosen = open[0] ?? entries.sort((a, b) => byCodeUnit(a.summary.lastAt, b.summary.lastAt)).at(-1)!;
    return chosen.views[""] ?? null;
  }
}

/**
 * Records what a fold up to event `lastSeq` gave; best effort (a read-only folder just misses).
 * Only when the log still ends at `lastSeq` after its stamp was taken: a fold overtaken by an
 * append must not be filed under the newer log's stamp.
 */
export async function rememberStatus(
  store: Store,
  summary: ReleaseSummary,
  lastSeq: number,
  flag: string | undefined,
  view: StatusView | null,
): Promise<void> {
  if (!(store instanceof FileStore)) return;
  const log = store.logPath(summary.release);
  const stamp = stampOf(log);
  if (!stamp) return;
  const tail = (await store.list()).find((r) => r.release === summary.release)?.lastSeq;
  if (tail !== lastSeq) return;
  const old = read(store, summary.release);
  const entry: Entry = {
    v: CACHE_VERSION,
    stamp,
    summary,
    views: { ...(old?.views ?? {}), ...(view ? { [flag ?? ""]: view } : {}) },
  };
  const file = join(dirname(log), CACHE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  } catch {
    /* derived data: a cache that cannot be written is a miss next time */
  }
}
