/**
 * Failed sign-in counting for POST /api/login: a sliding window per key ("id:alice@…",
 * "addr:127.0.0.1"). Kept in memory of one server process: a restart forgets it, and several
 * server processes each count on their own (documented in the README's Dashboard section).
 * Its memory is bounded whatever clients send: a key is kept as its SHA-256 (a 40 MB identity
 * costs 43 characters), and past `maxKeys` entries the least recently failed are forgotten.
 */
import { createHash } from "node:crypto";

export interface RateLimitOptions {
  /** Failed attempts allowed per key within the window (default 5). */
  max?: number;
  /** The window (default 15 minutes). */
  windowMs?: number;
  /** The clock, in ms (tests pass a fake one). */
  now?: () => number;
  /** How many keys are remembered at most (default 10 000). */
  maxKeys?: number;
}

// Enough for a busy team; past it the least recently failed keys (those with no recent failure first) are dropped.
const MAX_KEYS = 10_000;

const digest = (key: string): string => createHash("sha256").update(key).digest("base64url");

/** Counts failures per key; a key at `max` failures in the window is refused until the oldest ages out. */
export class FailureLimiter {
  readonly max: number;
  readonly windowMs: number;
  readonly maxKeys: number;
  private readonly now: () => number;
  /** Failure times per hashed key, least recently failed first (a failure moves its key to the end). */
  private readonly hits = new Map<string, number[]>();

  constructor(options: RateLimitOptions = {}) {
    this.max = options.max ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.now = options.now ?? Date.now;
    this.maxKeys = Math.max(1, options.maxKeys ?? MAX_KEYS);
  }

  /** What the limiter holds: its entries and the characters of their keys (for tests and diagnostics). */
  get held(): { entries: number; keyChars: number } {
    let keyChars = 0;
    for (const k of this.hits.keys()) keyChars += k.length;
    return { entries: this.hits.size, keyChars };
  }

  private recent(key: string, t: number): number[] {
    const kept = (this.hits.get(key) ?? []).filter((at) => at > t - this.windowMs);
    if (kept.length) this.hits.set(key, kept);
    else this.hits.delete(key);
    return kept;
  }

  /** Seconds until any of the keys may try again; 0 when all may. */
  retryAfter(keys: readonly string[]): number {
    const t = this.now();
    let wait = 0;
    for (const k of keys.map(digest)) {
      const r = this.recent(k, t);
      if (r.length >= this.max) wait = Math.max(wait, r[r.length - this.max]! + this.windowMs - t);
    }
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /**
   * Counts an attempt as failed before the password is checked, so that many concurrent guesses
   * cannot all slip under the limit; call the returned function when the attempt succeeded.
   */
  record(keys: readonly string[]): () => void {
    const t = this.now();
    const hashed = keys.map(digest);
    for (const k of hashed) {
      const list = [...this.recent(k, t), t];
      this.hits.delete(k); // re-inserted last: the map's order is least recently failed first
      this.hits.set(k, list);
    }
    this.evict();
    return () => {
      for (const k of hashed) {
        const list = this.hits.get(k);
        const i = list?.lastIndexOf(t) ?? -1;
        if (list && i >= 0) list.splice(i, 1);
      }
    };
  }

  /** Forgets a key's failures (a successful sign-in clears its identity's count). */
  clear(key: string): void {
    this.hits.delete(digest(key));
  }

  // The least recently failed go first; keys whose failures all aged out are among them, since
  // a key's last failure orders it.
  private evict(): void {
    for (const k of this.hits.keys()) {
      if (this.hits.size <= this.maxKeys) break;
      this.hits.delete(k);
    }
  }
}
