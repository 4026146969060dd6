/**
 * Signed decisions: the one canonical text of a HUM LEAD's gate decision that an SSH signature or a
 * passkey assertion covers, when a signature is required, and which events are such decisions.
 * The CLI signs this text with `ssh-keygen -Y sign -n brtops`; a passkey signs its sha256 as the
 * WebAuthn challenge; `audit verify` rebuilds it from the recorded event and the log before it.
 * Pure.
 *
 * @example
 * canonicalDecisionText({ release: "1.1.0", by: "alice@example.com", step: "2.10", round: { id: "2.10#1", hash: "…" },
 *   decision: "approve", note: "looks good", head: { seq: 41, hash: "9f…" } })
 * // → '{"by":"alice@example.com","decision":"approve","head":{"hash":"9f…","seq":41},"note":"looks good",…}'
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { AnyDraft, AnyEvent, DecisionSignature, Sev } from "./events.js";
import type { Gate } from "./release-state.js";

export type { DecisionSignature } from "./events.js";

/** The SSH signature namespace (`-n`): a signature made for brtops is no git commit signature, and the reverse. */
export const SIGNATURE_NAMESPACE = "brtops";

/** What a signature covers. */
export interface CanonicalDecision {
  /** The release (run) id. */
  release: string;
  /** Who decides: the signature must be theirs. */
  by: string;
  step: string;
  /** The gate round decided on: the recorded round id and report hash, else the gate's opening event. */
  round: { id: string; hash: string };
  decision: "approve" | "reject";
  /** The note (with any waiver), or the rejection's reason. */
  note: string;
  /** Where a rejection sends the release. */
  returnTo?: number;
  /** The log the decision was made on: its last event then. */
  head: { seq: number; hash: string };
}

/** A gate decision a person signs: an approval by a person (not on a GO RELEASE grant) or a rejection. */
export type SignableDraft = Extract<AnyDraft, { type: "GateApproved" | "GateRejected" }>;

export function isSignable(d: AnyDraft | AnyEvent): d is SignableDraft {
  return (d.type === "GateApproved" && d.data.authority === "person") || d.type === "GateRejected";
}

/** The round of `gate` a decision names: the one recorded in the decision (`2.10#2`), else the gate's opening event. */
function roundOf(d: SignableDraft, gate: Gate | null): { id: string; hash: string } {
  if (d.data.round) return { id: d.data.round.id, hash: d.data.round.hash };
  return { id: d.data.step, hash: gate ? `opened:${gate.openedSeq}` : "opened:?" };
}

/** The canonical decision of a draft or recorded event, on the gate it decides and the log head it was made on. */
export function canonicalDecisionOf(
  release: string,
  d: SignableDraft,
  gate: Gate | null,
  head: { seq: number; hash: string },
): CanonicalDecision {
  const base = {
    release,
    by: d.actor.id,
    step: d.data.step,
    round: roundOf(d, gate),
    head: d.data.head ? { seq: d.data.head.seq, hash: d.data.head.hash } : head,
  };
  if (d.type === "GateApproved") return { ...base, decision: "approve", note: d.data.note ?? "" };
  return { ...base, decision: "reject", note: d.data.reason, returnTo: d.data.returnTo };
}

/** The text that is signed: the canonical JSON of the decision. */
export function canonicalDecisionText(c: CanonicalDecision): string {
  return canonicalJson(c);
}

/** The WebAuthn challenge of a decision: the sha256 of its canonical text. */
export function decisionChallenge(text: string): Uint8Array<ArrayBuffer> {
  const digest = createHash("sha256").update(text).digest();
  const out = new Uint8Array(new ArrayBuffer(digest.length));
  out.set(digest);
  return out;
}

/** `authority.requireSignatures`: true (every gate), false, or a SEV such as "SEV-1" (that SEV and more severe). */
export type SignaturePolicy = boolean | string;

/** Whether a gate decision of a release at `sev` must be signed. A release whose SEV is not assessed yet counts as SEV-0. */
export function signatureRequired(policy: SignaturePolicy | undefined, sev: Sev | null): boolean {
  if (policy === undefined || policy === false) return false;
  if (policy === true) return true;
  const m = /^SEV-([0-5])$/i.exec(policy);
  if (!m) return true;
  return (sev ?? 0) <= Number(m[1]);
}

/** Attaches a signature to a decision draft. */
export function withSignature(d: SignableDraft, signature: DecisionSignature): SignableDraft {
  return { ...d, data: { ...d.data, signature } } as SignableDraft;
}
