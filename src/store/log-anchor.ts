/**
 * Anchors: the head of a release's log (seq and hash) recorded outside the log at every decision,
 * so that a log cut short or replaced by a recomputed chain no longer matches (DESIGN "Trust").
 * The port; the git implementation is adapters/git-anchors.ts.
 */
import type { AnyEvent, LogHead } from "../core/events.js";

export interface LogAnchors {
  /** The anchored head of `release`, or null when none was recorded. */
  read(release: string): Promise<LogHead | null>;
  /** Records `head` as the anchor of `release` (and pushes it, best effort, where a remote is used). */
  write(release: string, head: LogHead): Promise<void>;
}

/** Why `events` (a whole log from seq 1) does not hold `anchor`, or null when it does. */
export function anchorMismatch(events: readonly AnyEvent[], anchor: LogHead): { seq: number; reason: string } | null {
  const at = events[anchor.seq - 1];
  if (!at || at.seq !== anchor.seq) {
    const last = events.at(-1)?.seq ?? 0;
    return {
      seq: last + 1,
      reason: `the log ends at event ${last}, but its anchor (refs/brtops) records event ${anchor.seq}: the log was cut short`,
    };
  }
  if (at.hash !== anchor.hash)
    return {
      seq: anchor.seq,
      reason: `event ${anchor.seq} has hash ${at.hash.slice(0, 12)}, but its anchor (refs/brtops) records ${anchor.hash.slice(0, 12)}: the log was rewritten`,
    };
  return null;
}
