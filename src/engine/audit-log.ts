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

/**
 * The anchor of `release`, read BEFORE its log: an anchor is written only after the events it
 * names are stored, so a log read after it can never look shorter than it (a decision landing
 * while `audit verify` runs is not mistaken for a cut).
 */
export async function readAnchor(store: Store, release: string): Promise<LogHead | null> {
  return (await store.anchors?.read(release)) ?? null;
}

/** Audits `events` (the whole log of `release`, read after `anchor`, its chain already verified). */
export async function auditTrust(events: readonly AnyEvent[], anchor: LogHead | null): Promise<TrustAudit> {
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
