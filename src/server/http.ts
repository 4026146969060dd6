/** What every route of the server shares: its context variables, error bodies and body parsing. */
import type { Context } from "hono";
import type { z } from "zod";
import { BrtopsError } from "../core/errors.js";
import { isBodyTooLarge } from "./limits.js";

/** How a request proved who it is: an `Authorization: Bearer` token (agents, CI) or the browser's session cookie. */
export type CredentialKind = "bearer" | "cookie";

/** Context variables the credentials middleware sets for every /api route after sign-in. */
export type AppEnv = {
  Variables: {
    actorId: string;
    via: CredentialKind;
    credential: string;
    /** Set when this server runs a runner (`brtops serve` without --no-runner): a decision is carried out without `brtops run`. */
    runnerActive?: boolean;
  };
};

/** The JSON body of every error response. */
export function errorBody(e: BrtopsError) {
  return { error: { code: e.code, message: e.message, hint: e.hint ?? null } };
}

/** Parses and validates a JSON request body; E_BAD_REQUEST naming the bad fields otherwise. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch (e) {
    if (isBodyTooLarge(e)) throw e;
    throw new BrtopsError("E_BAD_REQUEST", "The request body is not valid JSON.", {
      hint: "Send a JSON object with Content-Type: application/json.",
    });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    throw new BrtopsError("E_BAD_REQUEST", `The request body is invalid: ${msg}.`, {
      hint: "See `brtops serve --help` for the fields each endpoint takes.",
    });
  }
  return r.data;
}

/** True when the request declares a JSON body (a cross-site HTML form cannot send one without a CORS preflight). */
export function isJsonRequest(c: Context): boolean {
  return /^application\/json\b/i.test(c.req.header("content-type") ?? "");
}
