/**
 * Passkeys in the dashboard. A signed-in person registers one (POST /api/passkeys/options, then
 * POST /api/passkeys): its public key is added to brtops.keys.json in the repository, and counts
 * once that change is committed through review like the config. A gate decision is then signed by
 * an assertion whose challenge is the sha256 of the canonical decision: POST …/:version/sign runs
 * the decision as it would be recorded now (every check of the core), and hands out that challenge
 * instead of recording it; the approve or reject request then carries the assertion.
 */
import type { Context, Hono } from "hono";
import { assertionOptions, registrationOptions, verifyRegistration } from "../adapters/passkeys.js";
import { decisionChallenge } from "../core/decision-signature.js";
import { BrtopsError } from "../core/errors.js";
import * as d from "../engine/decisions.js";
import { passkeySigner, type DecisionSigner } from "../engine/decision-signing.js";
import type { Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import { addPasskey, KEYS_FILE, passkeysOf } from "../engine/signing-keys.js";
import { PasskeyRegistrationBody, SignBody, type PasskeyAssertion } from "./bodies.js";
import { readBody, type AppEnv } from "./http.js";
import type { z } from "zod";

/** How long a registration challenge stays good. */
const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** At most this many registrations under way at once (each signed-in session holds one). */
const MAX_PENDING = 1000;

/** The relying party is the dashboard's host; the origin is where the browser says it is. */
const rpOf = (c: Context<AppEnv>) => {
  const url = new URL(c.req.url);
  return { rpID: url.hostname, origin: url.origin };
};

/** Stops a decision at the moment it would be signed, with the text it would sign. */
class Prepared extends Error {
  constructor(readonly text: string) {
    super("prepared");
  }
}

const preparing: DecisionSigner = {
  kind: "webauthn",
  explicit: true,
  sign: async (text) => {
    throw new Prepared(text);
  },
};

/** The signer of an approve or reject body that carries a passkey assertion. */
export function signerOfBody(b: { passkey?: z.infer<typeof PasskeyAssertion> | undefined }): {
  signer?: DecisionSigner;
} {
  return b.passkey ? { signer: passkeySigner(b.passkey) } : {};
}

/** Installs /api/passkeys/options, /api/passkeys and /api/releases/:version/sign. */
export function installPasskeys(
  app: Hono<AppEnv>,
  project: Project,
  session: (c: Context<AppEnv>) => Promise<ReleaseSession>,
): void {
  const pending = new Map<string, { challenge: string; id: string; until: number }>();

  app.post("/api/passkeys/options", async (c) => {
    if (c.get("via") !== "cookie")
      throw new BrtopsError(
        "E_USAGE",
        "A passkey is registered by a person signed in to the dashboard, not with a bearer token.",
        { hint: "Sign in at / and choose “Add a passkey”." },
      );
    const id = c.get("actorId");
    const { rpID } = rpOf(c);
    const options = await registrationOptions(id, rpID, passkeysOf(project.root, id));
    const now = Date.now();
    for (const [k, v] of pending) if (v.until < now) pending.delete(k);
    if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
    pending.set(c.get("credential"), { challenge: options.challenge, id, until: now + CHALLENGE_TTL_MS });
    return c.json(options);
  });

  app.post("/api/passkeys", async (c) => {
    const body = await readBody(c, PasskeyRegistrationBody);
    const p = pending.get(c.get("credential"));
    pending.delete(c.get("credential"));
    if (!p || p.until < Date.now() || p.id !== c.get("actorId"))
      throw new BrtopsError(
        "E_BAD_REQUEST",
        "No passkey registration is under way for this session (or it took longer than 5 minutes).",
        { hint: "Choose “Add a passkey” again." },
      );
    const { rpID, origin } = rpOf(c);
    let key;
    try {
      key = await verifyRegistration(p.id, body.response, { challenge: p.challenge, origin, rpID }, project.now());
    } catch (e) {
      throw new BrtopsError("E_BAD_REQUEST", `The passkey's registration does not verify: ${(e as Error).message}`, {
        hint: "Try again; the passkey must verify you (PIN or biometrics).",
      });
    }
    if (!key)
      throw new BrtopsError("E_BAD_REQUEST", "The passkey's registration does not verify.", {
        hint: "Try again; the passkey must verify you (PIN or biometrics).",
      });
    addPasskey(project.root, key);
    return c.json({
      added: { id: key.id, credentialId: key.credentialId, rpID: key.rpID, origin: key.origin },
      file: KEYS_FILE,
      said: `Passkey added to ${KEYS_FILE}. It signs your decisions once that change is committed through review (it is a change to who may decide, like the config).`,
    });
  });

  app.post("/api/releases/:version/sign", async (c) => {
    const s = await session(c);
    const b = await readBody(c, SignBody);
    const id = c.get("actorId");
    const keys = passkeysOf(project.root, id);
    if (keys.length === 0)
      throw new BrtopsError("E_SIGNATURE_INVALID", `${id} has no passkey in ${KEYS_FILE}.`, {
        hint: "Add one (“Add a passkey”) and have the change to brtops.keys.json committed through review.",
      });
    const base: d.DecisionInput = {
      actorId: id,
      ...(b.step ? { step: b.step } : {}),
      ...(b.note ? { note: b.note } : {}),
      signer: preparing,
    };
    try {
      if (b.decision === "approve") await d.approve(project, s, { ...base, ...(b.waive ? { waive: b.waive } : {}) });
      else
        await d.reject(project, s, {
          ...base,
          reason: b.reason ?? "",
          ...(b.returnTo !== undefined ? { returnTo: b.returnTo } : {}),
        });
    } catch (e) {
      if (!(e instanceof Prepared)) throw e;
      const options = await assertionOptions(rpOf(c).rpID, keys, decisionChallenge(e.text));
      return c.json({ decision: JSON.parse(e.text) as unknown, options });
    }
    throw new BrtopsError("E_INTERNAL", "The decision was not one that is signed.");
  });
}
