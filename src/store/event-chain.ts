/** Hash chaining of events (DESIGN rule 2): hash = sha256(canonical JSON of the event without its hash). */
import { createHash } from "node:crypto";
import type { AnyDraft, AnyEvent } from "../core/events.js";
import { canonicalJson } from "../core/canonical-json.js";

export const GENESIS = "0".repeat(64);

export function hashEvent(e: Omit<AnyEvent, "hash">): string {
  const body = canonicalJson({ seq: e.seq, release: e.release, type: e.type, at: e.at, actor: e.actor, data: e.data, prev: e.prev });
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

export function verifyChain(release: string, events: readonly AnyEvent[]): ChainVerdict {
  let prev = GENESIS;
  let expected = 1;
  for (const e of events) {
    if (e.seq !== expected) return { ok: false, count: events.length, lastHash: prev, bad: { seq: e.seq, reason: `sequence number ${e.seq} where ${expected} was expected` } };
    if (e.release !== release) return { ok: false, count: events.length, lastHash: prev, bad: { seq: e.seq, reason: `belongs to release ${e.release}` } };
    if (e.prev !== prev) return { ok: false, count: events.length, lastHash: prev, bad: { seq: e.seq, reason: "its prev does not match the hash of the event before it" } };
    const { hash, ...rest } = e;
    if (hashEvent(rest) !== hash) return { ok: false, count: events.length, lastHash: prev, bad: { seq: e.seq, reason: "its content does not match its hash (the event was changed)" } };
    prev = hash;
    expected += 1;
  }
  return { ok: true, count: events.length, lastHash: prev };
}
