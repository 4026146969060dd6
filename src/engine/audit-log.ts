/**
 * What `audit verify` checks beyond the hash chain: the heads decisions recorded, the events the
 * fold refuses (authority that could not have accepted them, under the config of their time), and
 * the log's anchor outside it (refs/brtops/<release>) — a log cut short or replaced by a
 * recomputed chain no longer holds its anchor.
 */
import { BrtopsError } from "../core/errors.js";
import type { AnyEvent, LogHead } from "../core/events.js";
import { foldEvents } from "../core/fold.js";
import { checkRecordedHeads } from "../store/event-chain.js";
import { anchorMismatch } from "../store/log-anchor.js";
import type { Store } from "../store/store.js";

export interface TrustAudit {
  /** The first event that fails, and why (null: none). */
  bad: { seq: number; reason: string } | null;
  /** The anchored head, when one exists (null: nothing outside the log to compare with). */
  anchor: LogHead | null;
}

/** Audits `events` (the whole log of `release`, its chain already verified). */
export async function auditTrust(store: Store, release: string, events: readonly AnyEvent[]): Promise<TrustAudit> {
  const anchor = (await store.anchors?.read(release)) ?? null;
  const heads = checkRecordedHeads(events);
  if (heads) return { bad: heads, anchor };
  try {
    foldEvents(events);
  } catch (e) {
    if (e instanceof BrtopsError && e.code === "E_LOG_TAMPERED")
      return { bad: e.details as { seq: number; reason: string }, anchor };
    return { bad: { seq: 0, reason: `the log cannot be folded: ${(e as Error).message}` }, anchor };
  }
  return { bad: anchor ? anchorMismatch(events, anchor) : null, anchor };
}
