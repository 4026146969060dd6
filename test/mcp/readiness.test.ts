import { describe, expect, it } from "vitest";
import { readiness, renderOrient, type OrientView } from "../../src/core/render/render-orient.js";
import type { ReleaseState } from "../../src/core/release-state.js";

const base = {
  state: "running",
  gate: null,
  incident: null,
  pauseRequested: false,
  onHold: false,
  questions: [],
  feedback: [],
} as unknown as ReleaseState;
const st = (o: Record<string, unknown>): ReleaseState => ({ ...base, ...o });

describe("readiness", () => {
  it("YES when running or certified with nothing open", () => {
    expect(readiness(base)).toBe("YES");
    expect(readiness(st({ state: "certified" }))).toBe("YES");
  });
  it("CONDITIONAL at a gate, a pause, or with an open question", () => {
    expect(readiness(st({ state: "awaiting-hum-lead", gate: { step: "1.9" } }))).toBe("CONDITIONAL");
    expect(readiness(st({ state: "paused" }))).toBe("CONDITIONAL");
    expect(readiness(st({ questions: [{ id: "Q1", text: "?" }] }))).toBe("CONDITIONAL");
  });
  it("REQUIRES_ASSISTANCE on incident, failure or hold", () => {
    expect(readiness(st({ state: "failed", incident: { step: "6.1" } }))).toBe("REQUIRES_ASSISTANCE");
    expect(readiness(st({ state: "on-hold", onHold: true }))).toBe("REQUIRES_ASSISTANCE");
  });
});

describe("renderOrient budget", () => {
  const view = (n: number): OrientView => ({
    release: "2.1.0",
    version: "2.1.0",
    environment: "staging",
    sev: "SEV-3",
    phase: 5,
    phaseName: "Deploy",
    step: "5.10",
    stepTitle: "GO/NO-GO",
    state: "awaiting-hum-lead",
    ready: "CONDITIONAL",
    gate: null,
    incident: null,
    openQuestions: [],
    feedback: [],
    documents: [],
    lastCheckpoint: null,
    next: ["brtops run"],
    lastSeq: 9,
    lastAt: "t",
    words: 0,
    budget: 60,
    trimmed: [],
    decisions: Array.from({ length: n }, (_, i) => ({
      at: `2026-01-0${(i % 9) + 1}`,
      by: "alice@example.com",
      type: "approve",
      step: `${i}.9`,
      note: `decision number ${i} with several words of note`,
    })),
  });
  it("keeps the newest decisions and drops the oldest first", () => {
    const r = renderOrient(view(12));
    expect(r.view.words).toBeLessThanOrEqual(60);
    expect(r.text).toContain("decision number 11");
    expect(r.text).not.toContain("decision number 0 ");
    expect(r.view.trimmed[0]).toMatch(/^\d+ decisions$/);
  });
  it("trims nothing when it fits", () => {
    const r = renderOrient({ ...view(1), budget: 2000 });
    expect(r.view.trimmed).toEqual([]);
    expect(r.text).not.toContain("Trimmed");
  });
});
