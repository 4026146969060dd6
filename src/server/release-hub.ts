/**
 * The server's live view of its releases: one ReleaseSession per release, kept up to date
 * incrementally (never re-folding the whole log per request), the status JSON serialised once
 * per log position, and one SSE fan-out per release (one watcher and poller, one refresh, the
 * same encoded frame written to every subscriber). Read-only: decisions take their own session,
 * because the store's conditional append only protects a decision judged on a session nobody
 * else refreshes or appends through meanwhile.
 */
import { statSync } from "node:fs";
import { BrtopsError } from "../core/errors.js";
import { statusView } from "../core/status-view.js";
import { parseReleaseRef } from "../core/release-id.js";
import { ReleaseSession } from "../engine/release-session.js";
import { releaseSummary, selectRelease, type ReleaseSummary } from "../engine/project.js";
import { FileStore } from "../store/store-file.js";
import type { Store } from "../store/store.js";

export interface ReleaseHubOptions {
  /** How often a release with subscribers is checked when no change was signalled (ms, default 500). */
  pollMs?: number;
  /**
   * How many releases without live subscribers stay folded in memory (default 256). Beyond it the
   * least recently read is dropped and folded again on its next read: a long-running server that
   * has shown thousands of releases holds a bounded number of sessions.
   */
  maxIdle?: number;
}

/** The status of a release serialised at one log position. */
export interface StatusJson {
  seq: number;
  json: string;
}

/** One subscriber's stream of encoded `event: status` frames; only the newest unsent frame is kept. */
export interface StatusFeed extends AsyncGenerator<Uint8Array, void, undefined> {
  /** Leaves the fan-out (idempotent); the iteration ends. */
  close(): void;
}

interface LogStamp {
  ino: number;
  size: number;
  key: string;
}

interface Subscriber {
  /** The log position of the last frame handed to it. */
  seq: number;
  pending: Uint8Array | null;
  wake: (() => void) | null;
  closed: boolean;
}

interface Entry {
  release: string;
  session: ReleaseSession;
  /** The log file's stamp as of the last completed read (file store only). */
  stamp: LogStamp | null;
  running: Promise<void> | null;
  queued: Promise<void> | null;
  status: StatusJson | null;
  frame: { seq: number; bytes: Uint8Array } | null;
  subscribers: Set<Subscriber>;
  stopLive: (() => void) | null;
  pumping: boolean;
  pumpAgain: boolean;
}

const encoder = new TextEncoder();

/** Shared, incrementally refreshed release sessions and SSE fan-out for one store. */
export class ReleaseHub {
  private readonly entries = new Map<string, Entry>();
  private readonly opening = new Map<string, Promise<Entry>>();
  private readonly logPaths = new Map<string, string>();
  private readonly pollMs: number;
  private readonly maxIdle: number;

  constructor(
    readonly store: Store,
    options: ReleaseHubOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.maxIdle = Math.max(1, options.maxIdle ?? 256);
  }

  /** The release's status JSON, current as of this call (appends by any process included). */
  async status(version: string): Promise<StatusJson> {
    const e = await this.current(version);
    return this.statusOf(e);
  }

  /**
   * The release's shared session, current as of this call. For reading only: it is refreshed
   * concurrently by the hub, so a decision judged on it could miss a conflicting append.
   */
  async session(version: string): Promise<ReleaseSession> {
    return (await this.current(version)).session;
  }

  /** One summary per release in the store, each folded incrementally like `status`. */
  async summaries(): Promise<ReleaseSummary[]> {
    const out: ReleaseSummary[] = [];
    for (const ref of await this.store.list()) {
      let s: ReleaseSession;
      try {
        s = await this.session(ref.release);
      } catch (err) {
        if (err instanceof BrtopsError && err.code === "E_NO_ACTIVE_RELEASE") continue; // listed but empty (being created)
        throw err;
      }
      out.push(releaseSummary(s.state));
    }
    return out;
  }

  /** How many releases are folded in memory now. */
  get size(): number {
    return this.entries.size;
  }

  /** Subscribes to a release's status frames: the current one at once, then one per change. Throws like `status` for an unknown release. */
  async subscribe(version: string): Promise<StatusFeed> {
    const e = await this.current(version);
    const first = this.frameOf(e);
    const sub: Subscriber = { seq: first.seq, pending: first.bytes, wake: null, closed: false };
    e.subscribers.add(sub);
    if (!e.stopLive) this.startLive(e);
    const close = () => {
      if (sub.closed) return;
      sub.closed = true;
      e.subscribers.delete(sub);
      if (e.subscribers.size === 0) this.stopLive(e);
      sub.wake?.();
    };
    async function* frames(): AsyncGenerator<Uint8Array> {
      try {
        while (!sub.closed) {
          if (sub.pending) {
            const f = sub.pending;
            sub.pending = null;
            yield f;
            continue;
          }
          await new Promise<void>((r) => (sub.wake = r));
          sub.wake = null;
        }
      } finally {
        close();
      }
    }
    return Object.assign(frames(), { close });
  }

  /** How many subscribers a release has (0 when none or unknown). */
  subscriberCount(version: string): number {
    const id = runKey(version);
    return (id && this.entries.get(id)?.subscribers.size) || 0;
  }

  /** Ends every subscription and stops every watcher and timer. */
  close(): void {
    for (const e of this.entries.values()) {
      for (const s of [...e.subscribers]) {
        s.closed = true;
        s.wake?.();
      }
      e.subscribers.clear();
      this.stopLive(e);
    }
    this.entries.clear();
  }

  private async current(version: string): Promise<Entry> {
    const e = await this.entry(version);
    if (!this.unchanged(e)) await this.sync(e);
    return e;
  }

  private async entry(version: string): Promise<Entry> {
    const id = runKey(version);
    const known = id ? this.entries.get(id) : undefined;
    if (known) {
      // Map order is recency order: the least recently read release is the first to be dropped.
      this.entries.delete(id!);
      this.entries.set(id!, known);
      return known;
    }
    if (!id)
      throw new BrtopsError("E_VERSION_INVALID", `"${version}" is not a release version.`, {
        hint: "Use a version such as 2.1.0, e.g. /api/releases/2.1.0.",
      });
    let p = this.opening.get(id);
    if (!p) {
      p = this.open(id).finally(() => this.opening.delete(id));
      this.opening.set(id, p);
    }
    return p;
  }

  private async open(id: string): Promise<Entry> {
    // "1.1.0" may name a later run of the version ("1.1.0@production"): the entry follows that run's log.
    const session = await selectRelease(this.store, id);
    const stamp = this.stampOf(session.release);
    const e: Entry = {
      release: session.release,
      session,
      stamp,
      running: null,
      queued: null,
      status: null,
      frame: null,
      subscribers: new Set(),
      stopLive: null,
      pumping: false,
      pumpAgain: false,
    };
    this.entries.set(id, e);
    this.evictIdle();
    return e;
  }

  /** Drops the least recently read releases beyond `maxIdle` that nobody streams and nothing is reading. */
  private evictIdle(): void {
    let idle = 0;
    for (const e of this.entries.values()) if (e.subscribers.size === 0) idle++;
    for (const e of this.entries.values()) {
      if (idle <= this.maxIdle) return;
      if (e.subscribers.size > 0 || e.running || e.queued || e.pumping) continue;
      this.stopLive(e);
      this.entries.delete(e.release);
      idle--;
    }
  }

  /** On the file store, a log whose file has not changed has nothing new: a stat instead of a read. */
  private unchanged(e: Entry): boolean {
    if (!e.stamp) return false;
    return this.stampOf(e.release)?.key === e.stamp.key;
  }

  private stampOf(release: string): LogStamp | null {
    if (!(this.store instanceof FileStore)) return null;
    let path = this.logPaths.get(release);
    if (!path) this.logPaths.set(release, (path = this.store.logPath(release)));
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return { ino: 0, size: 0, key: "missing" };
    return { ino: st.ino, size: st.size, key: `${st.ino}:${st.size}:${st.mtimeMs}` };
  }

  /** Coalesced refresh: at most one read runs, and callers arriving meanwhile share the next one. */
  private sync(e: Entry): Promise<void> {
    if (e.queued) return e.queued;
    if (!e.running) return this.startRead(e);
    const queued = e.running.catch(() => {}).then(() => this.startRead(e));
    e.queued = queued;
    return queued;
  }

  private startRead(e: Entry): Promise<void> {
    e.queued = null;
    const run = this.read(e).finally(() => {
      if (e.running === run) e.running = null;
    });
    e.running = run;
    return run;
  }

  private async read(e: Entry): Promise<void> {
    // The stamp is taken before reading, so a change racing the read shows up as a new stamp next time.
    const stamp = this.stampOf(e.release);
    if (stamp && e.stamp && stamp.key === e.stamp.key) return;
    // Another file (a log restored from a backup or replaced by a rename: a new inode) is folded again
    // from the start. The same file grown shorter was cut short in place: the store refuses to read it
    // on (E_LOG_CORRUPT), and the hub does not fold the remainder as if it were whole.
    const rewritten = stamp && e.stamp && stamp.ino !== e.stamp.ino;
    if (rewritten) {
      const fresh = await ReleaseSession.open(this.store, e.release);
      if (!fresh.exists) {
        this.forget(e);
        await selectRelease(this.store, e.release); // throws E_NO_ACTIVE_RELEASE with the known releases
      }
      e.session = fresh;
      e.status = null;
      e.frame = null;
    } else {
      await e.session.refresh();
    }
    e.stamp = stamp;
  }

  private statusOf(e: Entry): StatusJson {
    const s = e.session;
    if (e.status?.seq !== s.lastSeq)
      e.status = { seq: s.lastSeq, json: JSON.stringify(statusView(s.state, s.state.version)) };
    return e.status;
  }

  private frameOf(e: Entry): { seq: number; bytes: Uint8Array } {
    const st = this.statusOf(e);
    if (e.frame?.seq !== st.seq)
      e.frame = { seq: st.seq, bytes: encoder.encode(`event: status\ndata: ${st.json}\nid: ${st.seq}\n\n`) };
    return e.frame;
  }

  private startLive(e: Entry): void {
    const unwatch = this.store.watch?.((release) => release === e.release && this.pump(e)) ?? (() => {});
    // The poll catches what a watcher can miss (another machine on a shared store, a dropped notification).
    const timer = setInterval(() => this.pump(e), this.pollMs);
    timer.unref?.();
    e.stopLive = () => {
      clearInterval(timer);
      unwatch();
    };
  }

  private stopLive(e: Entry): void {
    e.stopLive?.();
    e.stopLive = null;
  }

  /** Brings the release up to date once and hands a new frame to every subscriber; re-entrant calls coalesce. */
  private pump(e: Entry): void {
    if (e.pumping) {
      e.pumpAgain = true;
      return;
    }
    e.pumping = true;
    void (async () => {
      try {
        do {
          e.pumpAgain = false;
          if (e.subscribers.size === 0) break;
          if (!this.unchanged(e)) await this.sync(e);
          const f = this.frameOf(e);
          for (const s of e.subscribers) {
            if (s.closed || s.seq === f.seq) continue;
            s.seq = f.seq;
            s.pending = f.bytes;
            s.wake?.();
          }
        } while (e.pumpAgain);
      } catch {
        // A log that cannot be read (damaged, removed): end the streams; a client reconnecting gets the error as an HTTP status.
        for (const s of [...e.subscribers]) {
          s.closed = true;
          s.wake?.();
        }
        e.subscribers.clear();
        this.stopLive(e);
        this.forget(e);
      } finally {
        e.pumping = false;
      }
    })();
  }

  private forget(e: Entry): void {
    if (this.entries.get(e.release) === e) this.entries.delete(e.release);
  }
}

/** A hub for the store; example: `const hub = createReleaseHub(project.store, { pollMs: 500 })`. */
export function createReleaseHub(store: Store, options: ReleaseHubOptions = {}): ReleaseHub {
  return new ReleaseHub(store, options);
}

/** The hub's key for a release named in a URL: the run id as written ("1.1.0", "1.1.0@production"), without a "v". */
function runKey(version: string): string | null {
  return parseReleaseRef(version) ? version.trim().replace(/^v(?=\d)/i, "") : null;
}
