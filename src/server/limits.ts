/**
 * Request size limits of the HTTP face. Every route has a body limit: small before sign-in (the
 * login, the dashboard's files, anything unknown), larger for the decision routes whose notes and
 * feedback people write. A declared Content-Length over the limit is answered 413 before a byte
 * of the body is read; a body without one (chunked) is counted as the route reads it, and reading
 * stops with 413 at the limit, so no request ever holds more than its limit in memory. Nothing is
 * read before the credentials check: the limits only bound what a route reads.
 */
import type { Context, MiddlewareHandler } from "hono";
import { BrtopsError } from "../core/errors.js";

/** What the server accepts, in bytes (bodies) and characters (identities, path parts). */
export const ServerLimits = {
  /** POST /api/login and every route that is not a signed-in decision. */
  signInBody: 16 * 1024,
  /** A decision, feedback, answer, question or sign-off of a signed-in person. */
  decisionBody: 256 * 1024,
  /** An identity (a login id, a question or feedback id, a feature name, a step id). */
  identity: 256,
  /** A password at sign-in. */
  password: 1024,
  /** One base64url field of a passkey's registration or assertion. */
  passkeyField: 8 * 1024,
  /** One part of a URL path (a release id in /api/releases/:version/…). */
  pathPart: 256,
} as const;

/** The code of a body over its route's limit; the server answers it with 413. */
export const BODY_TOO_LARGE = "E_BODY_TOO_LARGE";

/** The body limit of a route, in bytes. */
export function bodyLimitFor(method: string, path: string): number {
  if (method === "POST" && /^\/api\/releases\/[^/]+\/[a-z]+$/.test(path)) return ServerLimits.decisionBody;
  return ServerLimits.signInBody;
}

function tooLarge(max: number): BrtopsError {
  return new BrtopsError(BODY_TOO_LARGE, `The request body is larger than this endpoint accepts (${max} bytes).`, {
    hint: "Send a shorter body: notes and feedback are text a person reads, not files.",
    details: { maxBytes: max },
  });
}

/** True for the error a body over its limit ends in, however the route was reading it. */
export function isBodyTooLarge(e: unknown): boolean {
  return e instanceof BrtopsError && e.code === BODY_TOO_LARGE;
}

// Counts the bytes a reader takes and fails the stream past `max`: the reader (c.req.json(),
// parseBody) then rejects with that error, and at most `max` plus one chunk was ever held.
function countingStream(max: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > max) controller.error(tooLarge(max));
      else controller.enqueue(chunk);
    },
  });
}

/**
 * The limits middleware, installed first: 400 for an overlong path part, 413 for a declared body
 * over the route's limit, and a counted body otherwise.
 * @example app.use("*", limitRequests(bodyLimitFor))
 */
export function limitRequests(limitFor: (method: string, path: string) => number): MiddlewareHandler {
  return async (c: Context, next) => {
    if (c.req.path.split("/").some((part) => part.length > ServerLimits.pathPart)) {
      throw new BrtopsError(
        "E_BAD_REQUEST",
        `A part of the request path is longer than ${ServerLimits.pathPart} characters.`,
        { hint: "Release ids look like 1.1.0 or 1.1.0@production." },
      );
    }
    const raw = c.req.raw;
    if (!raw.body) return next();
    const max = limitFor(c.req.method, c.req.path);
    const declared = raw.headers.get("content-length");
    // Node's parser delivers exactly Content-Length bytes, so a declared length is the body's size.
    if (declared !== null && !raw.headers.has("transfer-encoding")) {
      if (!/^\d+$/.test(declared.trim()) || Number(declared) > max) throw tooLarge(max);
      return next();
    }
    c.req.raw = new Request(raw, { body: raw.body.pipeThrough(countingStream(max)), duplex: "half" } as RequestInit);
    return next();
  };
}
