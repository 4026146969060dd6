/** The fold and the SEV plans as tables: events in, state out; SEV in, phases out. */
import { describe, expect, it } from "vitest";
import type { AnyDraft, AnyEvent, Actor } from "../../src/core/events.js";
import { foldEvents } from "../../src/core/fold.js";
import { nextAction } from "../../src/core/next-action.js";
import { judgeApproval, authorize } from "../../src/core/authority.js";
import { approvalsRequired, phasesForSev, STEPS } from "../../src/core/workflow.js";
import { chain, GENESIS, verifyChain } from "../../src/store/event-chain.js";

const AI: Actor = { id: "agent@x", role: "ai-lead" };
const HUM: Actor = { id: "alice@x", role: "hum-lead" };
const HUM2: Actor = { id: "bob@x", role: "hum-lead" };
let clock = 0;
const at = (): string => new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString();
const d = (type: AnyDraft["type"], actor: Actor, data: unknown): AnyDraft =>
  ({ type, at: at(), actor, data }) as AnyDraft;
const log = (...drafts: AnyDraft[]): AnyEvent[] => chain("2.1.0", 0, GENESIS, drafts);
const ok = (step: string): AnyDraft => d("StepSucceeded", AI, { step });
const req = d("ReleaseRequested", AI, { version: "2.1.0", environment: "staging", previous: "2.0.0" });
const sev = (n: number): AnyDraft => d("SevAssessed", AI, { sev: n, phases: phasesForSev(n as 0), factors: [] });
const gate = (phase: number, step: string, kind = "approval", findings: unknown[] = [], required = 1): AnyDraft =>
  d("GateOpened", AI, {
    phase,
    step,
    kind,
    title: "t",
    report: "r",
    findings,
    requiredApprovals: required,
    onApprove: `${phase}.11`,
  });

describe("SEV plans", () => {
  it.each([
    [0, [1, 2, 3, 4, 5, 6, 7], 2],
    [1, [1, 2, 3, 4, 5, 6, 7], 1],
    [2, [1, 2, 4, 5, 6, 7], 1],
    [3, [1, 2, 5, 6, 7], 1],
    [4, [1, 2, 5, 6, 7], 1],
    [5, [1, 2, 5, 6, 7], 1],
  ])("SEV-%i runs phases %j and needs %i approval(s) per gate", (s, phases, approvals) => {
    expect(phasesForSev(s as 0)).toEqual(phases);
    expect(approvalsRequired(s as 0)).toBe(approvals);
  });
  it("has every step id of the spec, 1.1 to 7.13", () => {
    const counts = [8, 12, 12, 12, 13, 11, 13];
    for (let p = 1; p <= 7; p++) expect(STEPS.filter((x) => x.phase === p).length).toBe(counts[p - 1]);
  });
});

describe("the fold", () => {
  const rows: [string, AnyDraft[], Record<string, unknown>][] = [
    ["a request starts at 1.1, running", [req], { step: "1.1", state: "running", phase: 1 }],
    ["a step's success moves to the next", [req, ok("1.1")], { step: "1.2" }],
    [
      "the end of phase 1 goes to phase 2 by the plan",
      [req, sev(3), ...["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"].map(ok)],
      { step: "2.1", phase: 2 },
    ],
    ["a gate waits for a HUM LEAD", [req, gate(2, "2.10")], { state: "awaiting-hum-lead", step: "2.10" }],
    [
      "an approval goes to the document step",
      [req, gate(2, "2.10"), d("GateApproved", HUM, { phase: 2, step: "2.10", authority: "person", final: true })],
      { step: "2.11", state: "running" },
    ],
    [
      "a rejection returns to the phase's first step",
      [req, gate(2, "2.10"), d("GateRejected", HUM, { phase: 2, step: "2.10", reason: "no", returnTo: 2 })],
      { step: "2.1", state: "running" },
    ],
    [
      "a NO-GO returns to the named phase",
      [
        req,
        sev(1),
        gate(5, "5.10", "go-no-go"),
        d("GateRejected", HUM, { phase: 5, step: "5.10", reason: "no", returnTo: 3 }),
      ],
      { step: "3.1", phase: 3 },
    ],
    [
      "a non-final approval keeps the gate open",
      [
        req,
        gate(2, "2.10", "approval", [], 2),
        d("GateApproved", HUM, { phase: 2, step: "2.10", authority: "person", final: false }),
      ],
      { state: "awaiting-hum-lead" },
    ],
    ["a pause holds", [req, d("PauseRequested", HUM, {})], { state: "paused" }],
    ["a resume lets go", [req, d("PauseRequested", HUM, {}), d("Resumed", HUM, {})], { state: "running" }],
    [
      "a failed step is failed",
      [
        req,
        d("StepStarted", AI, { step: "1.1", attempt: 1 }),
        d("StepFailed", AI, { step: "1.1", error: { code: "E", message: "m" } }),
      ],
      { state: "failed" },
    ],
    [
      "an incident waits for guidance",
      [req, d("IncidentOpened", AI, { step: "1.1", error: { code: "E", message: "m" } })],
      { state: "awaiting-hum-lead" },
    ],
    [
      "rollback requested → rolling back",
      [req, d("StepSucceeded", AI, { step: "6.1:ship" }), d("RollbackRequested", HUM, {})],
      { state: "rolling-back", deployed: true },
    ],
    [
      "rollback completed → rolled back",
      [
        req,
        d("StepSucceeded", AI, { step: "6.1:ship" }),
        d("RollbackRequested", HUM, {}),
        d("RollbackCompleted", AI, { steps: ["ship"], to: "2.0.0" }),
      ],
      { state: "rolled-back" },
    ],
    ["abort → aborted", [req, d("AbortRequested", HUM, {}), d("Aborted", AI, {})], { state: "aborted" }],
    [
      // The fold admits a certification only after the 7.10 certification gate was approved.
      "certified",
      [
        req,
        gate(7, "7.10", "certification"),
        d("GateApproved", HUM, { phase: 7, step: "7.10", authority: "person", final: true }),
        d("Certified", HUM, {}),
      ],
      { state: "certified" },
    ],
  ];
  it.each(rows)("%s", (_name, drafts, expected) => {
    expect(foldEvents(log(...drafts))).toMatchObject(expected);
  });

  it("a certification without an approved 7.10 gate is refused as tampering", () => {
    expect(() => foldEvents(log(req, d("Certified", HUM, {})))).toThrow(/7\.10 certification gate/);
  });

  it("retry after an incident runs the step again; continue skips it", () => {
    const base = [
      req,
      d("StepStarted", AI, { step: "1.1", attempt: 1 }),
      d("StepFailed", AI, { step: "1.1", error: { code: "E", message: "m" } }),
      d("IncidentOpened", AI, { step: "1.1", error: { code: "E", message: "m" } }),
    ];
    expect(nextAction(foldEvents(log(...base, d("IncidentGuidance", HUM, { step: "1.1", choice: "retry" })))!)).toEqual(
      { type: "run", step: "1.1" },
    );
    const cont = foldEvents(log(...base, d("IncidentGuidance", HUM, { step: "1.1", choice: "continue" })))!;
    expect(cont.step).toBe("1.2");
    expect(cont.steps["1.1"]!.status).toBe("skipped");
  });

  it("GO RELEASE auto-approves a finding-free SEV-2+ approval gate, never GO/NO-GO, a finding or SEV-1", () => {
    const grant = d("AutoProceedGranted", HUM, {});
    expect(nextAction(foldEvents(log(req, sev(3), grant, gate(2, "2.10")))!).type).toBe("auto-approve");
    expect(nextAction(foldEvents(log(req, sev(3), grant, gate(5, "5.10", "go-no-go")))!).type).toBe("await");
    expect(
      nextAction(
        foldEvents(
          log(req, sev(3), grant, gate(2, "2.10", "approval", [{ severity: "warning", code: "X", message: "m" }])),
        )!,
      ).type,
    ).toBe("await");
    expect(nextAction(foldEvents(log(req, sev(1), grant, gate(2, "2.10")))!).type).toBe("await");
  });
});

describe("authority", () => {
  const leads = { hum: ["alice@x", "bob@x"], ai: ["agent@x"], members: ["qa@x"] };
  it.each([
    ["alice@x", "approve", true],
    ["agent@x", "approve", false],
    ["qa@x", "approve", false],
    ["qa@x", "feedback", true],
    ["agent@x", "request", true],
    ["agent@x", "ask", true],
    ["agent@x", "grant-auto-proceed", false],
    ["stranger@x", "feedback", false],
  ] as const)("%s may %s: %s", (id, action, allowed) => {
    if (allowed) expect(authorize(leads, id, action).id).toBe(id);
    else expect(() => authorize(leads, id, action)).toThrow(expect.objectContaining({ code: "E_NOT_AUTHORIZED" }));
  });
  it("SEV-0 needs two different HUM LEADs; the requester alone is never enough", () => {
    const g = foldEvents(log(req, gate(2, "2.10", "approval", [], 2)))!.gate!;
    expect(judgeApproval(g, "agent@x", "alice@x").final).toBe(false);
    const g1 = foldEvents(
      log(
        req,
        gate(2, "2.10", "approval", [], 2),
        d("GateApproved", HUM, { phase: 2, step: "2.10", authority: "person", final: false }),
      ),
    )!.gate!;
    expect(() => judgeApproval(g1, "agent@x", "alice@x")).toThrow(/already approved/);
    expect(judgeApproval(g1, "agent@x", "bob@x").final).toBe(true);
    const g2 = foldEvents(log(req, gate(2, "2.10")))!.gate!;
    expect(judgeApproval(g2, "alice@x", "alice@x").final).toBe(false);
    expect(judgeApproval(g2, "agent@x", "alice@x").final).toBe(true);
    void HUM2;
  });
});

describe("the chain", () => {
  it("verifies, and names the first changed event", () => {
    const events = log(req, ok("1.1"), ok("1.2"));
    expect(verifyChain("2.1.0", events).ok).toBe(true);
    const tampered = events.map((e) => (e.seq === 2 ? { ...e, at: e.at.replace("2026", "2027") } : e));
    expect(verifyChain("2.1.0", tampered).bad?.seq).toBe(2);
  });
});
