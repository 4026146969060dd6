/**
 * The approval rules as the engine applies them, one row per case: the gate carries
 * `approvalsRequired(sev)` (what run-release records when it opens a gate), each approval is judged
 * by `judgeApproval(gate, requestedBy, approver, approvalPolicy(config.leads, config.authority))`
 * (what decisions.ts calls), with the config parsed from YAML as a project's is.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { approvalPolicy, judgeApproval } from "../../src/core/authority.js";
import { BrtopsError } from "../../src/core/errors.js";
import type { Sev } from "../../src/core/events.js";
import type { Gate } from "../../src/core/release-state.js";
import { approvalsRequired } from "../../src/core/workflow.js";

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const CAROL = "carol@example.com";
const AGENT = "agent@example.com";

/** The project's config as the engine reads it: `leads.hum`, and `authority.selfApproval` when given. */
function config(hum: string[], selfApproval?: "never" | "sole-hum-lead") {
  const yaml = `leads:\n  hum: [${hum.join(", ")}]\n  ai: [${AGENT}]\n${selfApproval ? `authority:\n  selfApproval: ${selfApproval}\n` : ""}`;
  return parseConfig(yaml, "/repo/brtops.config.yaml");
}

/** A gate as run-release opens it for a release of this SEV. */
function openGate(sev: Sev | null): Gate {
  return {
    phase: 2,
    step: "2.10",
    kind: "approval",
    title: "Approve the release package",
    report: "",
    findings: [],
    requiredApprovals: approvalsRequired(sev),
    openedSeq: 10,
    openedAt: "2026-01-01T00:00:00.000Z",
    approvals: [],
    round: 1,
    roundHash: "h",
    amendments: [],
  };
}

/** What one approval came to: decided the gate, recorded and waiting, or refused (code and rule). */
type Outcome = "final" | "self-approval" | "waiting" | `${string}:${string}`;

/** Judges each approval in turn as decisions.ts does, recording the ones that are not refused. */
function approveInTurn(
  sev: Sev | null,
  hum: string[],
  selfApproval: "never" | "sole-hum-lead" | undefined,
  requestedBy: string,
  approvers: string[],
): Outcome[] {
  const c = config(hum, selfApproval);
  const gate = openGate(sev);
  return approvers.map((id, i): Outcome => {
    try {
      const v = judgeApproval(gate, requestedBy, id, approvalPolicy(c.leads, c.authority));
      gate.approvals.push({ actor: { id, role: "hum-lead" }, at: gate.openedAt, seq: 11 + i, authority: "person" });
      return v.final ? (v.selfApproval ? "self-approval" : "final") : "waiting";
    } catch (e) {
      if (!(e instanceof BrtopsError)) throw e;
      return `${e.code}:${String((e.details as { rule?: string } | undefined)?.rule)}`;
    }
  });
}

describe("approvals a gate needs (approvalsRequired, as the engine opens gates)", () => {
  it.each([
    [0, 2],
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 1],
    [5, 1],
    [null, 1],
  ] as const)("SEV-%s → %i", (sev, n) => {
    expect(openGate(sev).requiredApprovals).toBe(n);
  });
});

describe("judging approvals with the engine's inputs", () => {
  const rows: {
    name: string;
    sev: Sev;
    hum: string[];
    selfApproval?: "never" | "sole-hum-lead";
    requestedBy: string;
    approvers: string[];
    outcomes: Outcome[];
  }[] = [
    // SEV-0: two different HUM LEADs, neither the requester.
    {
      name: "SEV-0: one HUM LEAD's approval is not enough, a second one decides",
      sev: 0,
      hum: [ALICE, BOB, CAROL],
      requestedBy: AGENT,
      approvers: [ALICE, BOB],
      outcomes: ["waiting", "final"],
    },
    {
      name: "SEV-0: the same HUM LEAD twice is refused",
      sev: 0,
      hum: [ALICE, BOB, CAROL],
      requestedBy: AGENT,
      approvers: [ALICE, ALICE],
      outcomes: ["waiting", "E_INVALID_STATE:two-person"],
    },
    {
      name: "SEV-0: the requester is refused first",
      sev: 0,
      hum: [ALICE, BOB, CAROL],
      requestedBy: CAROL,
      approvers: [CAROL],
      outcomes: ["E_NOT_AUTHORIZED:requester"],
    },
    {
      name: "SEV-0: the requester is refused as the second approver, a third HUM LEAD decides",
      sev: 0,
      hum: [ALICE, BOB, CAROL],
      requestedBy: CAROL,
      approvers: [ALICE, CAROL, BOB],
      outcomes: ["waiting", "E_NOT_AUTHORIZED:requester", "final"],
    },
    {
      name: "SEV-0 with two HUM LEADs, one the requester: the other alone is not enough",
      sev: 0,
      hum: [ALICE, BOB],
      requestedBy: ALICE,
      approvers: [BOB, ALICE],
      outcomes: ["waiting", "E_NOT_AUTHORIZED:requester"],
    },
    {
      name: "SEV-0 under selfApproval: sole-hum-lead still refuses the requester",
      sev: 0,
      hum: [ALICE, BOB, CAROL],
      selfApproval: "sole-hum-lead",
      requestedBy: ALICE,
      approvers: [ALICE],
      outcomes: ["E_NOT_AUTHORIZED:requester"],
    },
    // SEV-1 and lower: one HUM LEAD, not the requester alone.
    {
      name: "SEV-1: one HUM LEAD decides",
      sev: 1,
      hum: [ALICE, BOB],
      requestedBy: AGENT,
      approvers: [ALICE],
      outcomes: ["final"],
    },
    {
      name: "SEV-3, two HUM LEADs: the requester's approval waits for the other",
      sev: 3,
      hum: [ALICE, BOB],
      requestedBy: ALICE,
      approvers: [ALICE, BOB],
      outcomes: ["waiting", "final"],
    },
    {
      name: "SEV-3, two HUM LEADs, selfApproval: sole-hum-lead: the requester rule holds",
      sev: 3,
      hum: [ALICE, BOB],
      selfApproval: "sole-hum-lead",
      requestedBy: ALICE,
      approvers: [ALICE, BOB],
      outcomes: ["waiting", "final"],
    },
    {
      name: "SEV-3, two HUM LEADs, selfApproval: never: the requester rule holds",
      sev: 3,
      hum: [ALICE, BOB],
      selfApproval: "never",
      requestedBy: ALICE,
      approvers: [ALICE, BOB],
      outcomes: ["waiting", "final"],
    },
    {
      name: "SEV-3, two HUM LEADs: the requester twice is refused",
      sev: 3,
      hum: [ALICE, BOB],
      requestedBy: ALICE,
      approvers: [ALICE, ALICE],
      outcomes: ["waiting", "E_INVALID_STATE:two-person"],
    },
    {
      name: "SEV-3, the requester's id in another case is still the requester",
      sev: 3,
      hum: [ALICE, BOB],
      requestedBy: ALICE.toUpperCase(),
      approvers: [ALICE],
      outcomes: ["waiting"],
    },
    {
      name: "SEV-3, requested by the AI LEAD: one HUM LEAD decides",
      sev: 3,
      hum: [ALICE, BOB],
      requestedBy: AGENT,
      approvers: [BOB],
      outcomes: ["final"],
    },
    // One HUM LEAD: selfApproval decides.
    {
      name: "a sole HUM LEAD approves their own request (default sole-hum-lead), recorded as such",
      sev: 3,
      hum: [ALICE],
      requestedBy: ALICE,
      approvers: [ALICE],
      outcomes: ["self-approval"],
    },
    {
      name: "a sole HUM LEAD's own request under selfApproval: never is refused",
      sev: 3,
      hum: [ALICE],
      selfApproval: "never",
      requestedBy: ALICE,
      approvers: [ALICE],
      outcomes: ["E_NOT_AUTHORIZED:self-approval"],
    },
  ];
  it.each(rows)("$name", ({ sev, hum, selfApproval, requestedBy, approvers, outcomes }) => {
    expect(approveInTurn(sev, hum, selfApproval, requestedBy, approvers)).toEqual(outcomes);
  });
});
