/** The event-log port. The file store and the PostgreSQL store implement it and pass one conformance suite. */
import type { AnyDraft, AnyEvent } from "../core/events.js";
import type { LogAnchors } from "./log-anchor.js";

export interface ReleaseRef {
  release: string;
  lastSeq: number;
}

export interface ReadResult {
  events: AnyEvent[];
  /** Set when the stored log could not be read whole (the events before the damage are returned). */
  damage?: { seq: number; reason: string };
}

export interface Store {
  /** Every release in the store. */
  list(): Promise<ReleaseRef[]>;
  /** Events of a release with seq >= fromSeq (default 1), in order. An unknown release has none. */
  read(release: string, fromSeq?: number): Promise<ReadResult>;
  /**
   * Appends drafts after `expectedLastSeq` (0 for a new release), atomically and durably, chaining
   * their hashes. Throws BrtopsError E_CONFLICT when the log's last seq is not `expectedLastSeq`.
   */
  append(release: string, expectedLastSeq: number, drafts: readonly AnyDraft[]): Promise<AnyEvent[]>;
  /**
   * Runs `fn` while holding a lock named `key` that every process using this store respects (a lock
   * file; a PostgreSQL advisory lock): e.g. "one open release per environment" is checked and the
   * new release appended under it, so two requests can never both pass the check.
   */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Wakes `onChange(release, lastSeq)` when a release's log grows. Returns an unsubscribe function. */
  watch?(onChange: (release: string, lastSeq: number) => void): () => void;
  close(): Promise<void>;
  /** Where the heads of the logs are anchored outside them (set by openStore: the project's git repository). */
  anchors?: LogAnchors;
}
