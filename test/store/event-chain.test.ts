/** The chain verifier, each of its checks on its own: a log that breaks only one of them is still caught. */
import { describe, expect, it } from "vitest";
import type { AnyEvent } from "../../src/core/events.js";
import { chain, checkRecordedHeads, GENESIS, hashEvent, verifyChain } from "../../src/store/event-chain.js";

const actor = { id: "agent@example.com", role: "ai-lead" } as const;
const log = (): AnyEvent[] =>
  chain(
    "2.1.0",
    0,
    GENESIS,
    [1, 2, 3, 4].map((i) => ({ type: "Note", at: `2026-01-01T00:00:0${i}Z`, actor, data: { text: `n${i}` } })),
  );

/** Re-hashes event `i` after a change: its own hash is right again. */
function rehash(events: AnyEvent[], i: number): void {
  const { hash: _h, ...rest } = events[i]!;
  events[i] = { ...rest, hash: hashEvent(rest) };
}

describe("verifyChain", () => {
  it("accepts an intact log, and its continuation from a verified head", () => {
    const events = log();
    expect(verifyChain("2.1.0", events).ok).toBe(true);
    expect(verifyChain("2.1.0", events.slice(2), { seq: 2, hash: events[1]!.hash }).ok).toBe(true);
  });

  it("catches a prev link that does not match, on an event whose own hash is right", () => {
    const events = log();
    events[2] = { ...events[2]!, prev: "f".repeat(64) };
    rehash(events, 2);
    // Only the prev link is wrong: every event hashes to its hash, seqs follow, the release is right.
    for (const e of events) expect(hashEvent(e)).toBe(e.hash);
    const v = verifyChain("2.1.0", events);
    expect(v.ok).toBe(false);
    expect(v.bad).toEqual({ seq: 3, reason: "its prev does not match the hash of the event before it" });
  });

  it("catches a continuation that does not start from the verified head", () => {
    const events = log();
    const v = verifyChain("2.1.0", events.slice(2), { seq: 2, hash: "e".repeat(64) });
    expect(v.bad?.seq).toBe(3);
  });

  it("catches a changed event, a gap and another release's event", () => {
    const changed = log();
    changed[1] = { ...changed[1]!, data: { text: "changed" } } as AnyEvent;
    expect(verifyChain("2.1.0", changed).bad?.seq).toBe(2);
    const gap = log();
    expect(verifyChain("2.1.0", [gap[0]!, gap[2]!]).bad?.reason).toContain("sequence number 3");
    expect(verifyChain("9.9.9", log()).bad?.reason).toContain("belongs to release 2.1.0");
  });
});

describe("checkRecordedHeads", () => {
  it("accepts a decision whose head is in the log, and names one whose head is not", () => {
    const events = log();
    events[3] = { ...events[3]!, data: { text: "decided", head: { seq: 3, hash: events[2]!.hash } } } as AnyEvent;
    expect(checkRecordedHeads(events)).toBeNull();
    events[3] = { ...events[3], data: { text: "decided", head: { seq: 3, hash: "a".repeat(64) } } } as AnyEvent;
    expect(checkRecordedHeads(events)?.seq).toBe(4);
  });
});
