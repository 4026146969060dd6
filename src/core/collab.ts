/**
 * COLLAB decisions (the spec's Authority Matrix: "joint decision-making on complex deployment
 * challenges and risk assessment"): an AI LEAD records a proposal, a HUM LEAD accepts it, and the
 * one decision names both. What may be proposed where, and which proposals are open, is decided
 * here; the engine records it. Pure.
 */
import { BrtopsError } from "./errors.js";
import type { IncidentChoice, ProposalKind, ProposalRef } from "./events.js";
import type { Proposal, ReleaseState } from "./release-state.js";

export const PROPOSAL_KINDS: readonly ProposalKind[] = ["accept-risk", "guidance"];

/** The step whose risks an accept-risk proposal accepts: 5.3's risk assessment, decided at the phase 5 gate. */
export const RISK_STEP = "5.3";

/** Proposals still open: not accepted, and the gate or incident they concern still open. */
export function openProposals(s: ReleaseState): Proposal[] {
  return s.proposals.filter(
    (p) => p.status === "open" && (p.on === s.gate?.openedSeq || p.on === s.incident?.openedSeq),
  );
}

/** The proposal a new one would be, or E_INVALID_STATE saying where such a proposal can be made. */
export function proposalFor(
  s: ReleaseState,
  kind: ProposalKind,
  text: string,
  choice?: IncidentChoice,
): { id: string; kind: ProposalKind; step: string; on: number; text: string; choice?: IncidentChoice } {
  const id = `P${s.proposals.length + 1}`;
  if (!text.trim())
    throw new BrtopsError("E_USAGE", "A proposal needs its reasoning as text.", {
      hint: 'brtops propose accept-risk "why the remaining risk is acceptable"',
    });
  if (kind === "accept-risk") {
    const g = s.gate;
    if (!g || g.phase !== 5) {
      throw new BrtopsError(
        "E_INVALID_STATE",
        `A risk acceptance is proposed at the phase 5 gate (the risks ${RISK_STEP} assessed); release ${s.release} is at step ${g?.step ?? s.step}.`,
        { hint: "Propose it when the GO/NO-GO gate (5.10) is open; see `brtops status`." },
      );
    }
    return { id, kind, step: RISK_STEP, on: g.openedSeq, text };
  }
  const inc = s.incident;
  if (!inc)
    throw new BrtopsError(
      "E_INVALID_STATE",
      `Guidance is proposed for an open incident; release ${s.release} has none.`,
      { hint: "See `brtops status`." },
    );
  if (!choice || !["retry", "rollback", "continue"].includes(choice))
    throw new BrtopsError("E_USAGE", `"${choice ?? ""}" is not a choice: propose retry, rollback or continue.`, {
      hint: 'brtops propose guidance rollback "why"',
    });
  if (choice === "rollback" && !s.deployed)
    throw new BrtopsError("E_INVALID_STATE", "Nothing has been deployed yet, so there is nothing to roll back.", {
      hint: "Propose retry or continue.",
    });
  return { id, kind, step: inc.step, on: inc.openedSeq, text, choice };
}

/** The open proposal `id` (of `kind`, when given), or an error naming the open ones. */
export function openProposal(s: ReleaseState, id: string, kind?: ProposalKind): Proposal {
  const want = id.trim().toUpperCase();
  const p = s.proposals.find((x) => x.id === want);
  const open = openProposals(s);
  const known = open.map((x) => `${x.id} (${x.kind}${x.choice ? ` ${x.choice}` : ""})`).join(", ") || "none";
  if (!p)
    throw new BrtopsError("E_PROPOSAL_UNKNOWN", `There is no proposal ${id}.`, { hint: `Open proposals: ${known}.` });
  if (p.status === "accepted")
    throw new BrtopsError(
      "E_INVALID_STATE",
      `Proposal ${p.id} was already accepted by ${p.acceptedBy?.id ?? "a HUM LEAD"}.`,
      { hint: `Open proposals: ${known}.` },
    );
  if (!open.includes(p))
    throw new BrtopsError(
      "E_INVALID_STATE",
      `Proposal ${p.id} concerned ${p.kind === "guidance" ? "an incident" : "a gate"} that has closed since (step ${p.step}).`,
      { hint: `Open proposals: ${known}.` },
    );
  if (kind && p.kind !== kind)
    throw new BrtopsError("E_USAGE", `Proposal ${p.id} is ${p.kind}, not ${kind}.`, {
      hint:
        p.kind === "guidance"
          ? `Accept it with \`brtops accept ${p.id}\` or \`brtops guide ${p.choice} --proposal ${p.id}\`.`
          : `Accept it with \`brtops accept ${p.id}\`, or name it in the GO: \`brtops approve --proposal ${p.id}\`.`,
    });
  return p;
}

/** What a decision accepting `p` records: the proposal and its author. */
export function proposalRef(p: Proposal): ProposalRef {
  return { id: p.id, by: p.actor, text: p.text };
}
