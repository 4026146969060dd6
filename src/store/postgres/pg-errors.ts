/** Turns what `pg` throws into BrtopsErrors, with the connection URL's password never shown. */
import { BrtopsError, isBrtopsError } from "../../core/errors.js";
import { createRedactor, REDACTED } from "../../core/redact.js";
import type { Redactor } from "../../core/redact.js";

/** SQLSTATEs that mean "another writer got there first": the caller should re-read and decide again. */
const CONFLICT_STATES = new Set(["23505", "40001", "40P01"]);

/** Network errors and SQLSTATE classes 08 (connection), 28 (authorization), 3D (no such database), 53 (resources), 57P (shutdown). */
const CONNECTION_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);
const CONNECTION_STATE = /^(08|28|3D|53|57P)/;

/** A redactor that knows this URL's password (even a short one) besides the usual shapes. */
export function urlRedactor(url: string): Redactor {
  let password = "";
  try {
    password = new URL(url).password;
  } catch {
    /* not a URL: the generic URL-credential pattern still applies */
  }
  const base = createRedactor(password ? [password, safeDecode(password)] : []);
  const fn = ((text: string): string => {
    let out = base(text);
    // createRedactor ignores values under 6 characters; inside this URL's userinfo they are still secret.
    if (password) out = out.split(`:${password}@`).join(`:${REDACTED}@`);
    return out;
  }) as Redactor;
  fn.deep = base.deep;
  return fn;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function pgCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function isConflict(e: unknown): boolean {
  const code = pgCode(e);
  return code !== undefined && CONFLICT_STATES.has(code);
}

export function isConnectionError(e: unknown): boolean {
  const code = pgCode(e);
  if (code && (CONNECTION_ERRNO.has(code) || CONNECTION_STATE.test(code))) return true;
  const msg = e instanceof Error ? e.message : "";
  return /timeout expired|Connection terminated|connect ECONN|getaddrinfo/i.test(msg);
}

/** Wraps anything thrown by pg. `url` is the store's URL; it appears only redacted. */
export function storeError(e: unknown, url: string, doing: string): BrtopsError {
  if (isBrtopsError(e)) return e;
  const redact = urlRedactor(url);
  const message = redact(e instanceof Error ? e.message : String(e));
  const code = pgCode(e);
  const details = code ? { pgCode: code } : undefined;
  if (isConnectionError(e)) {
    return new BrtopsError("E_STORE", `Cannot use the PostgreSQL store at ${redact(url)} (${doing}): ${message}`, {
      hint: "Check that the server is running and reachable, and the user, password (PGPASSWORD) and database name in the store URL.",
      ...(details ? { details } : {}),
    });
  }
  return new BrtopsError("E_STORE", `The PostgreSQL store failed while ${doing}: ${message}`, {
    hint: "Look at the PostgreSQL server's log for this error; run `brtops audit verify` if you suspect the log itself.",
    ...(details ? { details } : {}),
  });
}
