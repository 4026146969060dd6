/**
 * Signing a HUM LEAD's gate decision and verifying a signature. A decision is signed on what it is
 * at the moment of its append — its release, gate round, decision, note and the log head — so a
 * signature made on another log (the release moved meanwhile) never verifies, and cannot be moved
 * to another decision. The signer is the face's: an SSH key from the terminal, a passkey assertion
 * from the dashboard.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertionChallenge, signatureOfAssertion, verifyAssertion } from "../adapters/passkeys.js";
import { sshSign, sshVerify } from "../adapters/ssh-signature.js";
import {
  canonicalDecisionOf,
  canonicalDecisionText,
  decisionChallenge,
  isSignable,
  signatureRequired,
  SIGNATURE_NAMESPACE,
  withSignature,
  type SignableDraft,
} from "../core/decision-signature.js";
import { BrtopsError } from "../core/errors.js";
import type { AnyDraft, DecisionSignature } from "../core/events.js";
import type { ReleaseState } from "../core/release-state.js";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";
import { passkeysOf, sshKeysOf, type SigningKeyFile } from "./signing-keys.js";

/** Signs the canonical text of a decision; `explicit`: the person asked to sign (a failure is then an error, not a reason to record it unsigned). */
export interface DecisionSigner {
  kind: "ssh" | "webauthn";
  explicit: boolean;
  sign(text: string): Promise<DecisionSignature>;
}

/** Signs with an SSH key file (`ssh-keygen -Y sign -n brtops`); its fingerprint is filled in when the signature verifies. */
export function sshSigner(key: SigningKeyFile): DecisionSigner {
  return {
    kind: "ssh",
    explicit: key.from !== "git user.signingkey",
    async sign(text) {
      if (!key.file.startsWith("key::"))
        return { kind: "ssh", keyId: "", value: await sshSign(key.file, SIGNATURE_NAMESPACE, text) };
      // git's literal form: the public key, whose private half ssh-agent holds.
      const dir = mkdtempSync(join(tmpdir(), "brtops-sign-"));
      try {
        const pub = join(dir, "key.pub");
        writeFileSync(pub, `${key.file.slice(5).trim()}\n`);
        return { kind: "ssh", keyId: "", value: await sshSign(pub, SIGNATURE_NAMESPACE, text) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A passkey assertion the dashboard made: it signs only the decision whose hash it was made for.
 * When the release moved after the challenge was handed out, the decision is another one and the
 * person signs again (E_SIGNATURE_STALE, 409 / exit 5).
 */
export function passkeySigner(assertion: AuthenticationResponseJSON): DecisionSigner {
  const sig = signatureOfAssertion(assertion);
  return {
    kind: "webauthn",
    explicit: true,
    async sign(text) {
      if (assertionChallenge(sig) !== Buffer.from(decisionChallenge(text)).toString("base64url")) {
        throw new BrtopsError(
          "E_SIGNATURE_STALE",
          "The passkey signed another decision than the one that would be recorded now: the release moved after it was signed.",
          {
            hint: "Read the gate again and decide again; the dashboard asks the passkey to sign the decision as it is now.",
          },
        );
      }
      return sig;
    },
  };
}

/** Whether a signature verifies for `actorId`'s decision with canonical text `text`; the key's id when it does. */
export async function verifyDecisionSignature(
  project: Pick<Project, "root" | "config">,
  actorId: string,
  text: string,
  sig: DecisionSignature,
): Promise<{ ok: boolean; keyId?: string; reason?: string }> {
  if (sig.kind === "ssh") {
    const v = await sshVerify(actorId, sshKeysOf(project, actorId), SIGNATURE_NAMESPACE, text, sig.value);
    if (!v.ok) return { ok: false, reason: v.reason ?? "the SSH signature does not verify" };
    if (sig.keyId && v.fingerprint && sig.keyId !== v.fingerprint)
      return { ok: false, reason: `signed with ${v.fingerprint}, recorded as ${sig.keyId}` };
    return { ok: true, ...(v.fingerprint ? { keyId: v.fingerprint } : {}) };
  }
  if (sig.kind === "webauthn") {
    const key = passkeysOf(project.root, actorId).find((k) => k.credentialId === sig.keyId);
    if (!key)
      return { ok: false, reason: `passkey ${sig.keyId.slice(0, 16)}… is not one of ${actorId}'s in brtops.keys.json` };
    const v = await verifyAssertion(key, sig, decisionChallenge(text));
    return v.ok
      ? { ok: true, keyId: key.credentialId }
      : { ok: false, reason: v.reason ?? "the passkey assertion does not verify" };
  }
  return { ok: false, reason: `unknown signature kind ${(sig as { kind: string }).kind}` };
}

/** The canonical text of the signable draft in `drafts` as it would be appended now, or null when there is none. */
export function decisionTextOf(
  session: ReleaseSession,
  s: ReleaseState,
  drafts: readonly AnyDraft[],
): { draft: SignableDraft; text: string } | null {
  const draft = drafts.find(isSignable);
  if (!draft) return null;
  const last = session.events.at(-1);
  const head = { seq: last?.seq ?? 0, hash: last?.hash ?? "" };
  return { draft, text: canonicalDecisionText(canonicalDecisionOf(session.release, draft, s.gate, head)) };
}

/**
 * Signs the gate decision among `drafts` (those about to be appended on `s`), or refuses it:
 * unsigned where `authority.requireSignatures` requires a signature (E_SIGNATURE_REQUIRED, exit 4),
 * or signed with a key that is not the decider's configured one (E_SIGNATURE_INVALID, exit 4).
 * A signer that was not asked for (git's signing key) and has no configured key leaves it unsigned.
 */
export async function signDecision(
  project: Pick<Project, "root" | "config">,
  session: ReleaseSession,
  s: ReleaseState,
  drafts: AnyDraft[],
  signer: DecisionSigner | undefined,
  dryRun = false,
): Promise<AnyDraft[]> {
  const found = decisionTextOf(session, s, drafts);
  if (!found) return drafts;
  const who = found.draft.actor.id;
  const required = signatureRequired(project.config.authority?.requireSignatures, s.sev);
  const usable =
    signer && (signer.explicit || signer.kind !== "ssh" || sshKeysOf(project, who).length > 0) ? signer : undefined;
  if (!usable) {
    if (!required) return drafts;
    const hasSsh = sshKeysOf(project, who).length > 0;
    throw new BrtopsError(
      "E_SIGNATURE_REQUIRED",
      `A signed decision is required here (authority.requireSignatures: ${String(project.config.authority?.requireSignatures)}), and this one is not signed: nothing was recorded.`,
      {
        hint: hasSsh
          ? "Sign it with your SSH key: pass --sign-key ~/.ssh/id_ed25519 or set BRTOPS_SIGNING_KEY (or git's user.signingkey with gpg.format=ssh), or decide in the dashboard with your passkey."
          : `No SSH key is configured for ${who}: add \`key: "ssh-ed25519 …"\` to your entry under leads.hum (a reviewed change), or register a passkey in the dashboard and commit brtops.keys.json.`,
        details: { actor: who, sev: s.sev, required: true },
      },
    );
  }
  if (dryRun) return drafts;
  const signature = await usable.sign(found.text);
  const v = await verifyDecisionSignature(project, who, found.text, signature);
  if (!v.ok) {
    throw new BrtopsError(
      "E_SIGNATURE_INVALID",
      `The decision's signature does not verify for ${who}: ${v.reason}. Nothing was recorded.`,
      {
        hint:
          signature.kind === "ssh"
            ? `Sign with the SSH key configured for ${who} under leads.hum, or add this key's public half there (a reviewed change).`
            : `Use a passkey of ${who} that is in brtops.keys.json (committed through review).`,
        details: { actor: who, kind: signature.kind },
      },
    );
  }
  return drafts.map((d) =>
    d === found.draft ? withSignature(found.draft, { ...signature, keyId: v.keyId ?? signature.keyId }) : d,
  );
}
