/**
 * CSRF tokens for cookie sessions: HMAC-SHA256 of the session token under a server secret kept in
 * .brtops/server-secret (0600), so every server process on the project agrees without storing
 * anything per session, and a sign-out (which revokes the session token) retires its CSRF token too.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BrtopsError } from "../core/errors.js";

/** The header the dashboard sends; HTML forms may send the field `_csrf` instead. */
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

/** The project's server secret, created on first use. */
export function loadServerSecret(root: string): Buffer {
  const f = join(root, ".brtops", "server-secret");
  const read = (): Buffer | null => {
    try {
      const hex = readFileSync(f, "utf8").trim();
      return /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, "hex") : null;
    } catch {
      return null;
    }
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(join(root, ".brtops"), { recursive: true });
  try {
    // "wx": when two servers start at once, one writes and both read what it wrote.
    writeFileSync(f, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const made = read();
  if (!made)
    throw new BrtopsError("E_STORE", `${f} does not hold a server secret (64 hex digits).`, {
      hint: "Delete it; the server creates a new one (browser sessions then fetch a new CSRF token).",
    });
  return made;
}

/** The CSRF token of a session. */
export function csrfTokenFor(secret: Buffer, sessionToken: string): string {
  return createHmac("sha256", secret).update(`csrf:${sessionToken}`).digest("base64url");
}

/** True when `presented` is the CSRF token of the session (compared in constant time). */
export function csrfMatches(secret: Buffer, sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const want = Buffer.from(csrfTokenFor(secret, sessionToken));
  const got = Buffer.from(presented);
  return got.length === want.length && timingSafeEqual(got, want);
}
