/**
 * The App Store Connect API's token: a JWT signed with ES256 by the team's .p8 key (a PKCS#8 EC
 * P-256 private key), with the key's id in the header (`kid`), the issuer id (`iss`), and
 * `aud: appstoreconnect-v1`. Apple refuses tokens that live longer than 20 minutes. node:crypto
 * signs it (`dsaEncoding: "ieee-p1363"` gives the raw r‖s signature JWS wants, not DER).
 */
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import { BrtopsError } from "../../core/errors.js";

export const APP_STORE_AUDIENCE = "appstoreconnect-v1";
/** Apple's limit on a token's lifetime, in seconds. */
export const MAX_TOKEN_SECONDS = 20 * 60;

export interface AppStoreKey {
  keyId: string;
  issuerId: string;
  privateKey: KeyObject;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

/** Reads a .p8 key (PEM text, or the base64 body alone as some CI secrets hold it). Throws E_APP_STORE_KEY. */
export function parseP8(text: string, source: string): KeyObject {
  const trimmed = text.trim();
  const pem = trimmed.includes("-----BEGIN")
    ? trimmed
    : `-----BEGIN PRIVATE KEY-----\n${trimmed.replace(/\s+/g, "")}\n-----END PRIVATE KEY-----`;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    // The error text of node could quote the key: say only where it came from.
    throw new BrtopsError("E_APP_STORE_KEY", `The App Store Connect key from ${source} is not a .p8 private key.`, {
      hint: "Set it to the contents of the AuthKey_XXXXXXXXXX.p8 file App Store Connect gave you (or its path).",
    });
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1")
    throw new BrtopsError(
      "E_APP_STORE_KEY",
      `The key from ${source} is not an EC P-256 key, so it cannot sign App Store Connect tokens (ES256).`,
      { hint: "Use the .p8 key of an App Store Connect API key (Users and Access → Integrations)." },
    );
  return key;
}

/**
 * A signed token valid for `ttlSeconds` (at most 20 minutes) from `nowSeconds`.
 * @example appStoreToken(key, Math.floor(Date.now() / 1000)).split(".").length // 3
 */
export function appStoreToken(key: AppStoreKey, nowSeconds: number, ttlSeconds = MAX_TOKEN_SECONDS - 60): string {
  const ttl = Math.min(ttlSeconds, MAX_TOKEN_SECONDS);
  const header = { alg: "ES256", kid: key.keyId, typ: "JWT" };
  const payload = { iss: key.issuerId, iat: nowSeconds, exp: nowSeconds + ttl, aud: APP_STORE_AUDIENCE };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  return `${input}.${b64url(signature)}`;
}
