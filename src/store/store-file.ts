/**
 * The embedded store: one JSON-lines log per release under `.brtops/releases/<release>/`.
 * Append = lock, check the last seq, write, fsync, unlock. A batch of several events is one line
 * (a JSON array), so a crash mid-write can never commit half a batch; a last line without its
 * newline is a torn append that never committed and is ignored (and cut off by the next append).
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  ftruncateSync,
  writeSync,
  watch as fsWatch,
} from "node:fs";
import { join } from "node:path";
import { BrtopsError } from "../core/errors.js";
import type { AnyDraft, AnyEvent } from "../core/events.js";
import { chain, GENESIS } from "./event-chain.js";
import { lockSync, unlock } from "./file-lock.js";
import { assertSafeReleaseId } from "./release-name.js";
import type { ReadResult, ReleaseRef, Store } from "./store.js";

export const STORE_DIR = ".brtops";

export class FileStore implements Store {
  readonly dir: string;
  // Where each log was last read to: refreshing a session then reads only the new lines.
  private readonly cursors = new Map<string, Cursor>();

  constructor(root: string) {
    this.dir = join(root, STORE_DIR, "releases");
  }

  logPath(release: string): string {
    return join(this.dir, assertSafeReleaseId(release), "events.jsonl");
  }

  async list(): Promise<ReleaseRef[]> {
    if (!existsSync(this.dir)) return [];
    const out: ReleaseRef[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      const file = join(this.dir, name, "events.jsonl");
      if (!existsSync(file)) continue;
      out.push({ release: name, lastSeq: tail(file).lastSeq });
    }
    return out;
  }

  async read(release: string, fromSeq = 1): Promise<ReadResult> {
    return readLog(this.logPath(release), fromSeq, this.cursors);
  }

  async append(release: string, expectedLastSeq: number, drafts: readonly AnyDraft[]): Promise<AnyEvent[]> {
    if (drafts.length === 0) return [];
    const file = this.logPath(release);
    mkdirSync(join(this.dir, release), { recursive: true });
    const lock = `${file}.lock`;
    lockSync(lock);
    try {
      const t = tail(file);
      if (t.lastSeq !== expectedLastSeq) {
        throw new BrtopsError(
          "E_CONFLICT",
          `Release ${release} changed while you were deciding: its log is at event ${t.lastSeq}, not ${expectedLastSeq}.`,
          {
            hint: "Look at the release again (brtops status) and repeat your command if it still applies.",
            details: { expected: expectedLastSeq, actual: t.lastSeq },
          },
        );
      }
      const events = chain(release, t.lastSeq, t.lastHash, drafts);
      const line = (events.length === 1 ? JSON.stringify(events[0]) : JSON.stringify(events)) + "\n";
      const fd = openSync(file, "a+");
      try {
        if (t.tornBytes > 0) ftruncateSync(fd, t.size - t.tornBytes);
        const bytes = Buffer.from(line);
        const fault = process.env.BRTOPS_FAULT;
        if (fault && fault.startsWith("torn-append:") && events.some((e) => e.type === fault.slice(12))) {
          // Fault injection for crash tests: half an append reaches the disk, then the process dies.
          writeSync(fd, bytes, 0, Math.floor(bytes.length / 2));
          fsyncSync(fd);
          process.kill(process.pid, "SIGKILL");
        }
        writeSync(fd, bytes);
        fsyncSync(fd);
        // A reader of this log that had read up to where these events went (the session appending
        // them has them) goes on from after them, instead of reading the whole log again.
        const committed = t.size - t.tornBytes;
        const c = this.cursors.get(file);
        const ino = fstatSync(fd).ino;
        if (c ? c.lastSeq === t.lastSeq && c.offset === committed && c.ino === ino : committed === 0) {
          this.cursors.set(file, { ino, offset: committed + bytes.length, lastSeq: events[events.length - 1]!.seq });
        }
      } finally {
        closeSync(fd);
      }
      return events;
    } finally {
      unlock(lock);
    }
  }

  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const dir = join(this.dir, "..", "locks");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${key.replace(/[^0-9A-Za-z.-]/g, "_")}.lock`);
    lockSync(path, 30_000, key);
    try {
      return await fn();
    } finally {
      unlock(path);
    }
  }

  watch(onChange: (release: string, lastSeq: number) => void): () => void {
    mkdirSync(this.dir, { recursive: true });
    const watcher = fsWatch(this.dir, { recursive: true }, (_evt, name) => {
      if (!name || !String(name).endsWith("events.jsonl")) return;
      const release = String(name).split(/[\\/]/)[0]!;
      try {
        onChange(release, tail(this.logPath(release)).lastSeq);
      } catch {
        /* a release folder being created */
      }
    });
    return () => watcher.close();
  }

  async close(): Promise<void> {}
}

function parseLine(line: string): AnyEvent[] {
  const v = JSON.parse(line) as AnyEvent | AnyEvent[];
  return Array.isArray(v) ? v : [v];
}

/** Where a reader stopped in a log: the byte after the last committed line it parsed. */
interface Cursor {
  ino: number;
  offset: number;
  lastSeq: number;
}

/**
 * Parses the committed lines of `buf` (a log from byte `base` on). Returns the events, the byte
 * just after the last complete line, and damage when a line is not JSON.
 */
function parseLines(
  buf: Buffer,
  base: number,
  file: string,
  seqBefore: number,
): { events: AnyEvent[]; end: number; damage?: { seq: number; reason: string } } {
  const events: AnyEvent[] = [];
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(10, start);
    if (nl === -1) break; // torn append: never committed
    const line = buf.toString("utf8", start, nl);
    if (line.length > 0) {
      let batch: AnyEvent[];
      try {
        batch = parseLine(line);
      } catch {
        const seq = (events.at(-1)?.seq ?? seqBefore) + 1;
        return {
          events,
          end: base + start,
          damage: { seq, reason: `line ${lineAt(file, base + start)} of ${file} is not valid JSON` },
        };
      }
      for (const e of batch) events.push(e);
    }
    start = nl + 1;
  }
  return { events, end: base + start };
}

/** The 1-based line number of byte `offset` of a file (for messages about a damaged line). */
function lineAt(file: string, offset: number): number {
  const text = readFileSync(file).subarray(0, offset);
  let n = 1;
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) n += 1;
  return n;
}

/** Reads a log from `fromSeq` on; with a cursor at `fromSeq - 1` only the bytes after it are read. */
export function readLog(file: string, fromSeq = 1, cursors?: Map<string, Cursor>): ReadResult {
  if (!existsSync(file)) return { events: [] };
  const fd = openSync(file, "r");
  try {
    const st = fstatSync(fd);
    const c = cursors?.get(file);
    // A log only grows (a torn tail is cut back to a line end, never before a committed line), so
    // the bytes up to the cursor are what was read before; a replaced file has another inode.
    // A log that is shorter than when this reader last read it was cut short: never read on as if whole.
    if (c && c.ino === st.ino && st.size < c.offset)
      return {
        events: [],
        damage: {
          seq: c.lastSeq,
          reason: `the log is shorter than when it was last read (it ended at event ${c.lastSeq}): it was cut short`,
        },
      };
    const from = c && c.lastSeq === fromSeq - 1 && c.ino === st.ino && c.offset <= st.size ? c : null;
    const base = from?.offset ?? 0;
    const buf = Buffer.alloc(st.size - base);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, base + got);
      if (n === 0) break;
      got += n;
    }
    const parsed = parseLines(buf.subarray(0, got), base, file, from?.lastSeq ?? 0);
    const events = from || fromSeq <= 1 ? parsed.events : parsed.events.filter((e) => e.seq >= fromSeq);
    if (cursors && !parsed.damage)
      cursors.set(file, { ino: st.ino, offset: parsed.end, lastSeq: parsed.events.at(-1)?.seq ?? from?.lastSeq ?? 0 });
    return parsed.damage ? { events, damage: parsed.damage } : { events };
  } finally {
    closeSync(fd);
  }
}

/** The last committed event's seq and hash, read from the end of the file. */
function tail(file: string): { lastSeq: number; lastHash: string; size: number; tornBytes: number } {
  if (!existsSync(file)) return { lastSeq: 0, lastHash: GENESIS, size: 0, tornBytes: 0 };
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    let chunk = 64 * 1024;
    for (;;) {
      const len = Math.min(size, chunk);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      const text = buf.toString("utf8");
      const lastNl = text.lastIndexOf("\n");
      const tornBytes = lastNl === -1 ? (len === size ? size : 0) : Buffer.byteLength(text.slice(lastNl + 1));
      if (lastNl === -1 && len === size) return { lastSeq: 0, lastHash: GENESIS, size, tornBytes };
      const prevNl = lastNl === -1 ? -1 : text.lastIndexOf("\n", lastNl - 1);
      if (lastNl !== -1 && (prevNl !== -1 || len === size)) {
        const line = text.slice(prevNl + 1, lastNl);
        let batch: AnyEvent[];
        try {
          batch = parseLine(line);
        } catch {
          throw new BrtopsError("E_LOG_CORRUPT", `The last entry of ${file} is not valid JSON.`, {
            hint: "Run `brtops audit verify` to see where the log is damaged; restore the file from a backup or version control.",
          });
        }
        const last = batch[batch.length - 1]!;
        return { lastSeq: last.seq, lastHash: last.hash, size, tornBytes };
      }
      if (len === size) throw new BrtopsError("E_LOG_CORRUPT", `Cannot find the last entry of ${file}.`);
      chunk *= 4;
    }
  } finally {
    closeSync(fd);
  }
}
