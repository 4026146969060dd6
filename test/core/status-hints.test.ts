/** The status object's hints and states as tables (issue 11, point 10): events in, Next lines and state out. */
import { describe, expect, it } from "vitest";
import type { AnyDraft, Actor } from "../../src/core/events.js";
import { foldEvents } from "../../src/core/fold.js";
import { statusView } from "../../src/core/status-view.js";
import { phasesForSev } from "../../src/core/workflow.js";
import { chain, GENESIS } from "../../src/store/event-chain.js";

const AI: Actor = { id: "agent@x", role: "ai-lead" };
const HUM: Actor = { id: "alice@x", role: "hum-lead" };
let clock = 0;
const at = (): string => new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString();
const d = (type: AnyDraft["type"], actor: Actor, data: unknown): AnyDraft =>
  ({ type, at: at(), actor, data }) as AnyDraft;
const view = (...drafts: AnyDraft[]) => statusView(foldEvents(chain("2.1.0", 0, GENESIS, drafts))!);
const req = d("ReleaseRequested", AI, { version: "2.1.0", environment: "staging", previous: "2.0.0" });
const sev = (n: number): AnyDraft => d("SevAssessed", AI, { sev: n, phases: phasesForSev(n as 0), factors: [] });
const gate = (phase: number, step: string, kind = "approval"): AnyDraft =>
  d("GateOpened", AI, {
    phase,
    step,
    kind,
    title: "t",
    report: "r",
    findings: [],
    requiredApprovals: 1,
    onApprove: `${phase}.11`,
  });

describe("Next lines", () => {
  it.each([
    [
      "a gate without questions: no answer line",
      [req, sev(3), gate(2, "2.10")],
      { has: ["brtops approve --step 2.10", "brtops go"], not: ["brtops answer"] },
    ],
    [
      "an open question: answer it by its id",
      [req, sev(3), gate(2, "2.10"), d("QuestionAsked", AI, { id: "Q1", phase: 2, step: "2.10", text: "?" })],
      { has: ['brtops answer Q1 "…"'], not: [] },
    ],
    [
      "an answered question: no answer line",
      [
        req,
        sev(3),
        gate(2, "2.10"),
        d("QuestionAsked", AI, { id: "Q1", phase: 2, step: "2.10", text: "?" }),
        d("QuestionAnswered", HUM, { id: "Q1", text: "yes" }),
      ],
      { has: [], not: ["brtops answer"] },
    ],
    ["SEV-1: GO RELEASE is not offered", [req, sev(1), gate(2, "2.10")], { has: [], not: ["brtops go"] }],
    [
      "GO/NO-GO at SEV-3: the NO-GO phase is a flag before the comment",
      [req, sev(3), gate(5, "5.10", "go-no-go")],
      { has: ['brtops reject --step 5.10#1 --reason "…" --return-to 2   # NO-GO'], not: ["PHASE"] },
    ],
  ] as const)("%s", (_name, drafts, want) => {
    const next = view(...(drafts as readonly AnyDraft[])).next;
    for (const h of want.has) expect(next.some((l) => l.startsWith(h))).toBe(true);
    for (const n of want.not) expect(next.some((l) => l.includes(n))).toBe(false);
    // The shell part of a line: a comment starts at a `#` after a space (`5.10#1` names a round, not a comment).
    for (const l of next) expect(l.split(/\s#/)[0]).not.toMatch(/PHASE|Q1 .*#/);
  });
});

describe("states", () => {
  it("ON HOLD carries its reason in the status object", () => {
    const v = view(
      req,
      sev(3),
      d("Note", { id: "brtops", role: "system" }, { kind: "hold", text: "Deployment hold: 40 files changed (MAJOR)." }),
    );
    expect(v.hold).toEqual({ reason: "Deployment hold: 40 files changed (MAJOR).", at: expect.any(String) });
    expect(v.next).toEqual(["brtops resume", "brtops abort"]);
    expect(
      view(req, sev(3), d("Note", { id: "brtops", role: "system" }, { kind: "hold", text: "x" }), d("Resumed", HUM, {}))
        .hold,
    ).toBeNull();
  });
  it("an aborted release shows no gate", () => {
    const v = view(req, sev(3), gate(2, "2.10"), d("AbortRequested", HUM, {}), d("Aborted", HUM, {}));
    expect(v.state).toBe("aborted");
    expect(v.gate).toBeNull();
  });
});
