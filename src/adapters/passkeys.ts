/**
 * Passkeys (WebAuthn) through @simplewebauthn/server: registration options and their verification
 * (a new public key), and the verification of an assertion whose challenge is a decision's hash.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { createHash } from "node:crypto";
import type { DecisionSignature } from "../core/events.js";

/** A registered passkey, as brtops.keys.json keeps it: whose it is and the public key its assertions verify with. */
export interface PasskeyRecord {
  id: string;
  /** The credential id (base64url). */
  credentialId: string;
  /** The COSE public key (base64url). */
  publicKey: string;
  /** The relying party (the dashboard's host name) and the origin it was registered on. */
  rpID: string;
  origin: string;
  transports?: string[];
  added: string;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64url");

/** Options for `navigator.credentials.create` for `id` (user verification required; credentials already kept are excluded). */
export function registrationOptions(
  id: string,
  rpID: string,
  existing: readonly PasskeyRecord[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: "brtops",
    rpID,
    userName: id,
    userID: new Uint8Array(createHash("sha256").update(id.toLowerCase()).digest()),
    attestationType: "none",
    excludeCredentials: existing.map((k) => ({ id: k.credentialId })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
  });
}

/** Verifies a registration response; the passkey to keep, or null when it does not verify. */
export async function verifyRegistration(
  id: string,
  response: RegistrationResponseJSON,
  expected: { challenge: string; origin: string; rpID: string },
  now: string,
): Promise<PasskeyRecord | null> {
  const v = await verifyRegistrationResponse({
    response,
    expectedChallenge: expected.challenge,
    expectedOrigin: expected.origin,
    expectedRPID: expected.rpID,
    requireUserVerification: true,
  });
  if (!v.verified) return null;
  const c = v.registrationInfo.credential;
  return {
    id,
    credentialId: c.id,
    publicKey: b64url(c.publicKey),
    rpID: expected.rpID,
    origin: expected.origin,
    ...(c.transports ? { transports: [...c.transports] } : {}),
    added: now,
  };
}

/** Options for `navigator.credentials.get` whose challenge is `challenge` (a decision's sha256). */
export function assertionOptions(
  rpID: string,
  keys: readonly PasskeyRecord[],
  challenge: Uint8Array<ArrayBuffer>,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID,
    challenge,
    userVerification: "required",
    allowCredentials: keys.map((k) => ({ id: k.credentialId, ...(k.transports ? { transports: k.transports } : {}) })),
  });
}

/** What a decision records of an assertion. */
export function signatureOfAssertion(a: AuthenticationResponseJSON): DecisionSignature {
  return {
    kind: "webauthn",
    keyId: a.id,
    value: a.response.signature,
    authenticatorData: a.response.authenticatorData,
    clientDataJSON: a.response.clientDataJSON,
    ...(a.response.userHandle ? { userHandle: a.response.userHandle } : {}),
  };
}

/** The challenge an assertion was made for (base64url), as its client data says; null when unreadable. */
export function assertionChallenge(sig: DecisionSignature): string | null {
  try {
    const c = JSON.parse(Buffer.from(sig.clientDataJSON ?? "", "base64url").toString("utf8")) as {
      challenge?: unknown;
    };
    return typeof c.challenge === "string" ? c.challenge : null;
  } catch {
    return null;
  }
}

/** Verifies a recorded assertion against the passkey it names, for the decision whose sha256 is `challenge`. */
export async function verifyAssertion(
  key: PasskeyRecord,
  sig: DecisionSignature,
  challenge: Uint8Array,
): Promise<{ ok: boolean; reason?: string }> {
  if (!sig.authenticatorData || !sig.clientDataJSON) return { ok: false, reason: "the assertion is incomplete" };
  const response: AuthenticationResponseJSON = {
    id: sig.keyId,
    rawId: sig.keyId,
    type: "public-key",
    clientExtensionResults: {},
    response: {
      authenticatorData: sig.authenticatorData,
      clientDataJSON: sig.clientDataJSON,
      signature: sig.value,
      ...(sig.userHandle ? { userHandle: sig.userHandle } : {}),
    },
  };
  try {
    // The counter is not checked (0): the challenge is the decision, which names the log head, so an assertion cannot be replayed for another decision.
    const v = await verifyAuthenticationResponse({
      response,
      expectedChallenge: b64url(challenge),
      expectedOrigin: key.origin,
      expectedRPID: key.rpID,
      credential: {
        id: key.credentialId,
        publicKey: new Uint8Array(Buffer.from(key.publicKey, "base64url")),
        counter: 0,
      },
      requireUserVerification: true,
    });
    return v.verified ? { ok: true } : { ok: false, reason: "the passkey's signature does not verify" };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
