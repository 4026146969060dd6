/** Request bodies the API accepts, validated with zod. */
import { z } from "zod";
import type { Sev } from "../core/events.js";
import { parseSev } from "../core/workflow.js";
import { ServerLimits } from "./limits.js";

/** A name of someone or something (a login id, a question id, a feature): bounded, like every identity. */
const identity = z.string().min(1).max(ServerLimits.identity);
const step = identity.optional();
const note = z.string().optional();
/** Text a person must actually write: blank is refused here, before the core sees it. */
const text = z.string().refine((s) => s.trim().length > 0, "must not be blank");

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

export const ApproveBody = z.strictObject({ step, note, waive: z.string().min(1).optional(), passkey });
export const RejectBody = z.strictObject({
  step,
  reason: z.string().min(1),
  returnTo: z.number().int().optional(),
  note,
  passkey,
});
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
export const FeedbackBody = z.strictObject({ step, text: z.string().min(1) });
export const AnswerBody = z.strictObject({ step, id: identity, text: z.string().min(1) });
export const LoginBody = z.strictObject({ id: identity, password: z.string().min(1).max(ServerLimits.password) });

/** GO RELEASE, pause, resume, abort, rollback: an optional note for the record. */
export const NoteBody = z.strictObject({ step, note });
export const GuideBody = z.strictObject({ choice: z.enum(["retry", "rollback", "continue"]), step, note });
export const AskBody = z.strictObject({ step, text });
export const RespondBody = z.strictObject({ step, id: identity, text });
export const SignoffBody = z.strictObject({
  step,
  for: z.enum(["uat", "stakeholders"]),
  reject: z.boolean().optional(),
  note,
});

/** A SEV level as "SEV-2" (any case, dash optional) or the number 2; SEV-0 … SEV-5 as in the CLI. */
export const SevLevel = z.union([z.number().int().min(0).max(5), z.string()]).transform((v, ctx): Sev => {
  const sev = typeof v === "number" ? (v as Sev) : parseSev(v);
  if (sev === null) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a SEV level (SEV-0 … SEV-5, or 0 … 5)` });
    return z.NEVER;
  }
  return sev;
});
export const SevBody = z.strictObject({ step, sev: SevLevel, reason: text });
export const WaiveBody = z.strictObject({
  step,
  feature: identity.refine((s) => s.trim().length > 0, "must not be blank"),
  reason: text,
  mode: z.enum(["waive", "exclude"]),
});
