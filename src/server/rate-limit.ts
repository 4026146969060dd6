/**
 * Failed sign-in counting for POST /api/login: a sliding window per key ("id:alice@…",
 * "addr:127.0.0.1"). Kept in memory of one server process: a restart forgets it, and several
 * server processes each count on their own (documented in the README's Dashboard section).
 */

export interface RateLimitOptions {
  /** Failed attempts allowed per key within the window (default 5). */
  max?: number;
  /** The window (default 15 minutes). */
  windowMs?: number;
  /** The clock, in ms (tests pass a fake one). */
  now?: () => number;
}

// Enough for a busy team; past it the keys with no recent failure are dropped first.
const MAX_KEYS = 10_000;

/** Counts failures per key; a key at `max` failures in the window is refused until the oldest ages out. */
export class FailureLimiter {
  readonly max: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly hits = new Map<string, number[]>();

  constructor(options: RateLimitOptions = {}) {
    this.max = options.max ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.now = options.now ?? Date.now;
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
    for (const k of keys) {
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
    if (this.hits.size > MAX_KEYS) this.prune(t);
    for (const k of keys) this.hits.set(k, [...this.recent(k, t), t]);
    return () => {
      for (const k of keys) {
        const list = this.hits.get(k);
        const i = list?.lastIndexOf(t) ?? -1;
        if (list && i >= 0) list.splice(i, 1);
      }
    };
  }

  /** Forgets a key's failures (a successful sign-in clears its identity's count). */
  clear(key: string): void {
    this.hits.delete(key);
  }

  private prune(t: number): void {
    for (const k of [...this.hits.keys()]) this.recent(k, t);
    for (const k of this.hits.keys()) {
      if (this.hits.size <= MAX_KEYS) break;
      this.hits.delete(k);
    }
  }
}
