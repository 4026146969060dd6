/** core/release-attention: what the releases list says each release waits for, one row per case. */
import { describe, expect, it } from "vitest";
import type { AnyEvent } from "../../src/core/events.js";
import { foldEvents } from "../../src/core/fold.js";
import { releaseAttention } from "../../src/core/release-attention.js";
import type { Gate, ReleaseState } from "../../src/core/release-state.js";

const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-01T00:05:00.000Z";
const T2 = "2026-01-01T00:09:00.000Z";

/** A run folded from its request, then given what the case needs. */
function run(extra: Partial<ReleaseState>): ReleaseState {
  const requested = {
    seq: 1,
    release: "1.1.0",
    type: "ReleaseRequested",
    at: T0,
    actor: { id: "agent@example.com", role: "ai-lead" },
    data: { version: "1.1.0", environment: "staging", previous: null, previousSource: "none", base: null },
    prev: "",
    hash: "h",
  } as unknown as AnyEvent;
  return { ...foldEvents([requested])!, sev: 3, lastAt: T2, ...extra };
}

const gate = (kind: Gate["kind"], step: string): Gate => ({
  phase: Number(step.split(".")[0]),
  step,
  kind,
  title: `the ${kind} gate`,
  report: "",
  findings: [],
  requiredApprovals: 1,
  openedSeq: 5,
  openedAt: T1,
  approvals: [],
  round: 1,
  roundHash: "r",
  amendments: [],
});

describe("releaseAttention", () => {
  const rows: { name: string; state: ReleaseState; want: Partial<ReturnType<typeof releaseAttention>> }[] = [
    {
      name: "a GO / NO-GO gate waits for a HUM LEAD since it opened",
      state: run({ state: "awaiting-hum-lead", gate: gate("go-no-go", "5.10") }),
      want: { kind: "gate", waitsFor: "hum-lead", since: T1, step: "5.10", gateKind: "go-no-go", sev: "SEV-3" },
    },
    {
      name: "an incident is marked apart from a gate, since it opened, with what failed",
      state: run({
        state: "failed",
        gate: gate("approval", "2.10"),
        incident: {
          step: "6.1",
          error: { code: "E_X", message: "ship failed" },
          openedSeq: 9,
          openedAt: T2,
          interrupted: false,
        },
      }),
      want: { kind: "incident", waitsFor: "hum-lead", since: T2, step: "6.1", title: "ship failed", gateKind: null },
    },
    {
      name: "a hold is marked apart, since it began, with its reason",
      state: run({ state: "on-hold", onHold: true, hold: { reason: "MAJOR scope deviation", at: T1 } }),
      want: { kind: "hold", waitsFor: "hum-lead", since: T1, title: "MAJOR scope deviation" },
    },
    {
      name: "a paused run waits for a HUM LEAD to resume it",
      state: run({ state: "paused", pauseRequested: true }),
      want: { kind: "paused", waitsFor: "hum-lead", since: T2 },
    },
    {
      name: "a running release waits for its runner, not a person",
      state: run({ state: "running" }),
      want: { kind: "running", waitsFor: "runner" },
    },
    {
      name: "a certified release waits for no one, whatever gate was open",
      state: run({ state: "certified", gate: gate("certification", "7.10"), finishedAt: T1 }),
      want: { kind: "finished", waitsFor: null, since: T1 },
    },
  ];
  for (const r of rows) it(r.name, () => expect(releaseAttention(r.state)).toMatchObject(r.want));
});
