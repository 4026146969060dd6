/**
 * `audit verify`'s look at decisions: every signed gate decision is verified against the keys the
 * repository names now (SSH keys under leads.hum, passkeys in brtops.keys.json), rebuilt from the
 * recorded event and the log before it; unsigned ones are listed, and count as failures where
 * `authority.requireSignatures` requires a signature. A chain with recomputed hashes cannot hide a
 * changed decision or signature from this: only the decider's private key makes a valid one.
 */
import {
  canonicalDecisionOf,
  canonicalDecisionText,
  isSignable,
  signatureRequired,
} from "../core/decision-signature.js";
import type { AnyEvent } from "../core/events.js";
import { foldEvents } from "../core/fold.js";
import type { ReleaseState } from "../core/release-state.js";
import { verifyDecisionSignature } from "./decision-signing.js";
import type { Project } from "./project.js";

export interface SignedDecision {
  seq: number;
  step: string;
  actor: string;
  kind: "ssh" | "webauthn";
  keyId: string;
}

export interface UnsignedDecision {
  seq: number;
  step: string;
  actor: string;
  /** The config requires a signature for it: a failure. */
  required: boolean;
}

export interface SignatureAudit {
  signed: SignedDecision[];
  unsigned: UnsignedDecision[];
  /** The first decision that fails: a signature that does not verify, or a required one missing. */
  bad: { seq: number; reason: string } | null;
}

/** Audits the decisions of one release's log (its chain already verified). */
export async function auditSignatures(
  project: Pick<Project, "root" | "config">,
  release: string,
  events: readonly AnyEvent[],
): Promise<SignatureAudit> {
  const out: SignatureAudit = { signed: [], unsigned: [], bad: null };
  let s: ReleaseState | null = null;
  let prev: AnyEvent | undefined;
  for (const e of events) {
    if (isSignable(e)) {
      const sig = e.data.signature;
      const who = e.actor.id;
      if (!sig) {
        const required = signatureRequired(project.config.authority?.requireSignatures, s?.sev ?? null);
        out.unsigned.push({ seq: e.seq, step: e.data.step, actor: who, required });
        if (required)
          out.bad ??= {
            seq: e.seq,
            reason: `the decision by ${who} at ${e.data.step} is not signed, and authority.requireSignatures requires a signature`,
          };
      } else {
        // Made on the log as it was before it: the event before it is its head (unless the decision names another).
        const head = { seq: prev?.seq ?? 0, hash: prev?.hash ?? "" };
        const text = canonicalDecisionText(canonicalDecisionOf(release, e, s?.gate ?? null, head));
        const named = e.data.head && events.find((x) => x.seq === e.data.head!.seq);
        const v =
          e.data.head && (!named || named.hash !== e.data.head.hash)
            ? { ok: false, reason: `it names log head ${e.data.head.seq}, which is not in this log` }
            : await verifyDecisionSignature(project, who, text, sig);
        if (v.ok) out.signed.push({ seq: e.seq, step: e.data.step, actor: who, kind: sig.kind, keyId: sig.keyId });
        else
          out.bad ??= {
            seq: e.seq,
            reason: `the ${sig.kind === "ssh" ? "SSH" : "passkey"} signature of ${who}'s decision at ${e.data.step} does not verify (${v.reason})`,
          };
      }
    }
    s = foldEvents([e], s ?? undefined);
    prev = e;
  }
  return out;
}
