/**
 * Dashboard script, passkeys: registering one (its public key goes to brtops.keys.json, which counts
 * once committed through review) and signing a gate decision with it. WebAuthn's JSON shapes are
 * converted by hand (base64url ⇄ bytes), as @simplewebauthn/browser documents them; the server
 * verifies with @simplewebauthn/server. The challenge of a decision's assertion is the sha256 of
 * the canonical decision, handed out by POST …/sign.
 */
export const PASSKEY_JS = String.raw`
function b64urlToBytes(s) {
  let t = s.replace(/-/g, "+").replace(/_/g, "/");
  while (t.length % 4) t += "=";
  const bin = atob(t);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

function bytesToB64url(buf) {
  const bytes = new Uint8Array(buf);
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function withIds(list) { return (list || []).map((c) => Object.assign({}, c, { id: b64urlToBytes(c.id) })); }

const $passkey = document.getElementById("passkey");

/** Offers "Add a passkey" to a person signed in with a session (not a bearer token). */
function passkeyButton(me) {
  if (!$passkey) return;
  $passkey.hidden = !me || me.via !== "cookie" || !window.PublicKeyCredential;
}

async function registerPasskey() {
  const o = await api("POST", "/api/passkeys/options", {});
  const publicKey = Object.assign({}, o, { challenge: b64urlToBytes(o.challenge), user: Object.assign({}, o.user, { id: b64urlToBytes(o.user.id) }), excludeCredentials: withIds(o.excludeCredentials) });
  const cred = await navigator.credentials.create({ publicKey: publicKey });
  const r = cred.response;
  const response = {
    id: cred.id,
    rawId: bytesToB64url(cred.rawId),
    type: cred.type,
    clientExtensionResults: cred.getClientExtensionResults(),
    authenticatorAttachment: cred.authenticatorAttachment || undefined,
    response: { clientDataJSON: bytesToB64url(r.clientDataJSON), attestationObject: bytesToB64url(r.attestationObject), transports: r.getTransports ? r.getTransports() : undefined },
  };
  const added = await api("POST", "/api/passkeys", { response: response });
  setMe(await api("GET", "/api/me"));
  return added;
}

if ($passkey) {
  $passkey.addEventListener("click", async () => {
    $passkey.disabled = true;
    try {
      const added = await registerPasskey();
      toast(added.said);
    } catch (e) {
      toast(e.name === "NotAllowedError" ? "The passkey was not created." : failMessage(e), true);
    } finally {
      $passkey.disabled = false;
    }
  });
}

/** The decision's body with the signed-in person's passkey assertion over it (body unchanged without a passkey). */
async function signWithPasskey(version, path, body) {
  if (!S.me || !S.me.passkeys || (path !== "approve" && path !== "reject")) return body;
  const o = await api("POST", "/api/releases/" + enc(version) + "/sign", Object.assign({ decision: path }, body));
  const publicKey = Object.assign({}, o.options, { challenge: b64urlToBytes(o.options.challenge), allowCredentials: withIds(o.options.allowCredentials) });
  const a = await navigator.credentials.get({ publicKey: publicKey });
  const r = a.response;
  const passkey = {
    id: a.id,
    rawId: bytesToB64url(a.rawId),
    type: a.type,
    clientExtensionResults: a.getClientExtensionResults(),
    authenticatorAttachment: a.authenticatorAttachment || undefined,
    response: { authenticatorData: bytesToB64url(r.authenticatorData), clientDataJSON: bytesToB64url(r.clientDataJSON), signature: bytesToB64url(r.signature), userHandle: r.userHandle ? bytesToB64url(r.userHandle) : undefined },
  };
  return Object.assign({}, body, { passkey: passkey });
}
`;
