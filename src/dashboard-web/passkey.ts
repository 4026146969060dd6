/**
 * Passkeys: registering one (its public key goes to brtops.keys.json, which counts once committed
 * through review) and signing a gate decision with it. WebAuthn's JSON shapes are converted by hand
 * (base64url ⇄ bytes), as @simplewebauthn/browser documents them; the server verifies with
 * @simplewebauthn/server. The challenge of a decision's assertion is the sha256 of the canonical
 * decision, handed out by POST …/sign.
 */
import type { Me } from "./api-types.js";
import { api, failMessage, S, setMe, toast } from "./app-state.js";
import { enc } from "./dom.js";

function b64urlToBytes(s: string): ArrayBuffer {
  let t = s.replace(/-/g, "+").replace(/_/g, "/");
  while (t.length % 4) t += "=";
  const bin = atob(t);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

function bytesToB64url(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

type Described = { id: string; [k: string]: unknown };
function withIds(list: Described[] | undefined): PublicKeyCredentialDescriptor[] {
  return (list ?? []).map((c) => ({ ...c, id: b64urlToBytes(c.id) }) as PublicKeyCredentialDescriptor);
}

const $passkey = document.getElementById("passkey") as HTMLButtonElement | null;

/** Offers "Add a passkey" to a person signed in with a session (not a bearer token). */
export function passkeyButton(m: Me | null): void {
  if (!$passkey) return;
  $passkey.hidden = !m || m.via !== "cookie" || !window.PublicKeyCredential;
}

interface CreationOptionsJson {
  challenge: string;
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: Described[];
  [k: string]: unknown;
}

async function registerPasskey(): Promise<{ said: string }> {
  const o = await api<CreationOptionsJson>("POST", "/api/passkeys/options", {});
  const publicKey = {
    ...o,
    challenge: b64urlToBytes(o.challenge),
    user: { ...o.user, id: b64urlToBytes(o.user.id) },
    excludeCredentials: withIds(o.excludeCredentials),
  } as unknown as PublicKeyCredentialCreationOptions;
  const cred = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
  const r = cred.response as AuthenticatorAttestationResponse;
  const response = {
    id: cred.id,
    rawId: bytesToB64url(cred.rawId),
    type: cred.type,
    clientExtensionResults: cred.getClientExtensionResults(),
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    response: {
      clientDataJSON: bytesToB64url(r.clientDataJSON),
      attestationObject: bytesToB64url(r.attestationObject),
      transports: typeof r.getTransports === "function" ? r.getTransports() : undefined,
    },
  };
  const added = await api<{ said: string }>("POST", "/api/passkeys", { response });
  setMe(await api<Me>("GET", "/api/me"));
  return added;
}

export function installPasskeyButton(): void {
  if (!$passkey) return;
  const button = $passkey;
  button.addEventListener("click", () => {
    button.disabled = true;
    registerPasskey()
      .then(
        (added) => toast(added.said),
        (e: unknown) =>
          toast(
            e instanceof Error && e.name === "NotAllowedError" ? "The passkey was not created." : failMessage(e),
            true,
          ),
      )
      .finally(() => (button.disabled = false));
  });
}

interface RequestOptionsJson {
  challenge: string;
  allowCredentials?: Described[];
  [k: string]: unknown;
}

/** The decision's body with the signed-in person's passkey assertion over it (body unchanged without a passkey). */
export async function signWithPasskey<B extends object>(version: string, path: string, body: B): Promise<B> {
  if (!S.me?.passkeys || (path !== "approve" && path !== "reject")) return body;
  const o = await api<{ options: RequestOptionsJson }>("POST", `/api/releases/${enc(version)}/sign`, {
    decision: path,
    ...body,
  });
  const publicKey = {
    ...o.options,
    challenge: b64urlToBytes(o.options.challenge),
    allowCredentials: withIds(o.options.allowCredentials),
  } as unknown as PublicKeyCredentialRequestOptions;
  const a = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential;
  const r = a.response as AuthenticatorAssertionResponse;
  const passkey = {
    id: a.id,
    rawId: bytesToB64url(a.rawId),
    type: a.type,
    clientExtensionResults: a.getClientExtensionResults(),
    authenticatorAttachment: a.authenticatorAttachment ?? undefined,
    response: {
      authenticatorData: bytesToB64url(r.authenticatorData),
      clientDataJSON: bytesToB64url(r.clientDataJSON),
      signature: bytesToB64url(r.signature),
      userHandle: r.userHandle ? bytesToB64url(r.userHandle) : undefined,
    },
  };
  return { ...body, passkey };
}
