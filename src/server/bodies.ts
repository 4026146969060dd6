/** Request bodies of the API beyond the actions (sign-in, passkeys); the actions' bodies are the action table's options (src/actions). */
import { z } from "zod";
import { ServerLimits } from "./limits.js";

/** A name of someone or something (a login id, a question id, a feature): bounded, like every identity. */
const identity = z.string().min(1).max(ServerLimits.identity);
const step = identity.optional();
const note = z.string().optional();

/** A passkey's assertion over the decision (WebAuthn's AuthenticationResponseJSON), from POST …/sign's options. */
const b64url = z
  .string()
  .max(ServerLimits.passkeyField)
  .regex(/^[A-Za-z0-9_-]*$/, "must be base64url");
export const PasskeyAssertion = z.object({
  id: b64url,
  rawId: b64url,
  type: z.literal("public-key"),
  response: z.object({
    authenticatorData: b64url,
    clientDataJSON: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});
const passkey = PasskeyAssertion.optional();

/** POST …/sign: the decision to be signed, as its approve or reject body would give it. */
export const SignBody = z.strictObject({
  decision: z.enum(["approve", "reject"]),
  step,
  note,
  waive: z.string().min(1).optional(),
  reason: z.string().min(1).optional(),
  returnTo: z.number().int().optional(),
});
/** POST /api/passkeys: a registration response (WebAuthn's RegistrationResponseJSON). */
export const PasskeyRegistrationBody = z.strictObject({
  response: z.object({
    id: b64url,
    rawId: b64url,
    type: z.literal("public-key"),
    response: z.object({
      clientDataJSON: b64url,
      attestationObject: b64url,
      transports: z.array(z.string().max(32)).max(8).optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  }),
});
export const LoginBody = z.strictObject({ id: identity, password: z.string().min(1).max(ServerLimits.password) });
