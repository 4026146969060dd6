/** API tokens: random, shown once, stored only as a sha256 hash with the identity they stand for. */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BrtopsError } from "../core/errors.js";
import { rewriteLocked } from "./locked-file.js";

export interface TokenRecord {
  id: string;
  hash: string;
  createdAt: string;
  /** "session" for a browser sign-in (expires, revoked on sign-out); absent for API tokens. */
  kind?: "session";
  expiresAt?: string;
}

const TOKENS_FILE = "tokens.json";

function file(root: string): string {
  return join(root, ".brtops", TOKENS_FILE);
}

// sha256 is enough here: tokens carry 256 bits of randomness, so there is nothing to brute-force.
function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The stored token records of a project (empty when none were created). */
export function readTokens(root: string): TokenRecord[] {
  const f = file(root);
  if (!existsSync(f)) return [];
  try {
    const data = JSON.parse(readFileSync(f, "utf8")) as { tokens?: TokenRecord[] };
    return Array.isArray(data.tokens) ? data.tokens : [];
  } catch {
    throw new BrtopsError("E_STORE", `${f} is not valid JSON.`, {
      hint: "Restore it or delete it and create tokens again.",
    });
  }
}

/** Changes the token records under the file's lock, so a concurrent writer's change is never lost. */
function updateTokens(root: string, update: (tokens: TokenRecord[]) => TokenRecord[]): void {
  rewriteLocked(
    file(root),
    () => readTokens(root),
    update,
    (tokens) => JSON.stringify({ tokens }, null, 2) + "\n",
  );
}

const expired = (t: TokenRecord, now: string): boolean =>
  t.expiresAt !== undefined && Date.parse(t.expiresAt) <= Date.parse(now);

/** Creates a token for an identity and returns it; only its hash is kept. */
export function createToken(root: string, id: string, now: string): string {
  if (!id.trim())
    throw new BrtopsError("E_USAGE", "Give the identity the token stands for.", {
      hint: "brtops token create alice@example.com",
    });
  const token = `brt_${randomBytes(32).toString("base64url")}`;
  updateTokens(root, (all) => [...all, { id, hash: hashToken(token), createdAt: now }]);
  return token;
}

/** Creates a browser session token that expires after `ttlMs`; expired sessions are dropped from the file meanwhile. */
export function createSessionToken(root: string, id: string, now: string, ttlMs: number): string {
  const token = `brt_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(Date.parse(now) + ttlMs).toISOString();
  updateTokens(root, (all) => [
    ...all.filter((t) => !expired(t, now)),
    { id, hash: hashToken(token), createdAt: now, kind: "session", expiresAt },
  ]);
  return token;
}

/** Forgets a token (sign-out); true when it was known. */
export function revokeToken(root: string, token: string): boolean {
  const h = hashToken(token);
  let known = false;
  updateTokens(root, (all) => {
    const kept = all.filter((t) => t.hash !== h);
    known = kept.length !== all.length;
    return kept;
  });
  return known;
}

interface TokenIndex {
  file: string;
  /** inode, size and mtime of tokens.json when it was read ("missing" when absent). */
  stamp: string;
  byHash: Map<string, TokenRecord>;
}

// The server checks a token on every request, so tokens.json is parsed again only when it
// changes. Every write replaces it by rename, which moves its inode, size or mtime; a token
// revoked or edited out of the file therefore stops working on the next request.
const indexes = new Map<string, TokenIndex>();

function tokenIndex(root: string): Map<string, TokenRecord> {
  const known = indexes.get(root);
  const f = known?.file ?? file(root);
  const st = statSync(f, { throwIfNoEntry: false });
  const stamp = st ? `${st.ino}:${st.size}:${st.mtimeMs}` : "missing";
  if (known?.stamp === stamp) return known.byHash;
  const byHash = new Map<string, TokenRecord>();
  for (const t of readTokens(root)) if (typeof t.hash === "string" && !byHash.has(t.hash)) byHash.set(t.hash, t);
  // A write racing this read leaves an older stamp than the content, so the next call reads again.
  indexes.set(root, { file: f, stamp, byHash });
  return byHash;
}

/** The identity a bearer token stands for, or null (also for an expired session when `now` is given). Example: `identityForToken(root, "brt_…") // "alice@example.com"` */
export function identityForToken(root: string, token: string, now?: string): string | null {
  if (!token.startsWith("brt_")) return null;
  // Looking up the sha256 by value leaks nothing useful through timing: a caller chooses the
  // token, not its hash, so it cannot steer how much of a stored hash it matches.
  const t = tokenIndex(root).get(hashToken(token));
  if (!t) return null;
  return now !== undefined && expired(t, now) ? null : t.id;
}
