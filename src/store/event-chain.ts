/** Hash chaining of events (DESIGN rule 2): hash = sha256(canonical JSON of the event without its hash). */
import { createHash } from "node:crypto";
import type { AnyDraft, AnyEvent } from "../core/events.js";
import { canonicalJson } from "../core/canonical-json.js";

export const GENESIS = "0".repeat(64);

export function hashEvent(e: Omit<AnyEvent, "hash">): string {
  const body = canonicalJson({
    seq: e.seq,
    release: e.release,
    type: e.type,
    at: e.at,
    actor: e.actor,
    data: e.data,
    prev: e.prev,
  });
  return createHash("sha256").update(body).digest("hex");
}

/** Chains drafts after the event with `lastSeq`/`lastHash`. */
export function chain(release: string, lastSeq: number, lastHash: string, drafts: readonly AnyDraft[]): AnyEvent[] {
  const out: AnyEvent[] = [];
  let prev = lastHash;
  let seq = lastSeq;
  for (const d of drafts) {
    seq += 1;
    const e = { seq, release, type: d.type, at: d.at, actor: d.actor, data: d.data, prev } as Omit<AnyEvent, "hash">;
    const hash = hashEvent(e);
    out.push({ ...e, hash } as AnyEvent);
    prev = hash;
  }
  return out;
}

export interface ChainVerdict {
  ok: boolean;
  count: number;
  lastHash: string;
  /** The first event that does not verify, and why. */
  bad?: { seq: number; reason: string };
}

/**
 * Verifies `events` as the continuation of a log whose last verified event is `after` (the start
 * of the log by default): each seq follows, belongs to `release`, links to the hash before it,
 * and hashes to its own hash. A reader that verified a prefix verifies only what is new.
 */
export function verifyChain(
  release: string,
  events: readonly AnyEvent[],
  after: { seq: number; hash: string } = { seq: 0, hash: GENESIS },
): ChainVerdict {
  let prev = after.hash;
  let expected = after.seq + 1;
  const fail = (seq: number, reason: string): ChainVerdict => ({
    ok: false,
    count: events.length,
    lastHash: prev,
    bad: { seq, reason },
  });
  for (const e of events) {
    if (e.seq !== expected) return fail(e.seq, `sequence number ${e.seq} where ${expected} was expected`);
    if (e.release !== release) return fail(e.seq, `belongs to release ${e.release}`);
    if (e.prev !== prev) return fail(e.seq, "its prev does not match the hash of the event before it");
    const { hash, ...rest } = e;
    if (hashEvent(rest) !== hash) return fail(e.seq, "its content does not match its hash (the event was changed)");
    prev = hash;
    expected += 1;
  }
  return { ok: true, count: events.length, lastHash: prev };
}

/**
 * The heads decisions recorded (`data.head`: the log they were made on) that the log does not
 * hold: a decision's head names an event of the same log, which must have that hash. `events` is
 * the whole log from seq 1; only `from` on are checked.
 */
export function checkRecordedHeads(events: readonly AnyEvent[], from = 0): { seq: number; reason: string } | null {
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    const head = (e.data as { head?: { seq?: unknown; hash?: unknown } }).head;
    if (!head || typeof head.seq !== "number") continue;
    const at = events[head.seq - 1];
    if (head.seq >= e.seq || !at || at.seq !== head.seq || at.hash !== head.hash) {
      return {
        seq: e.seq,
        reason: `it was decided on event ${head.seq} with hash ${String(head.hash).slice(0, 12)}, which the log does not hold (the log before it was rewritten)`,
      };
    }
  }
  return null;
}
