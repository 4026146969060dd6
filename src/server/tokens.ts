/** API tokens: random, shown once, stored only as a sha256 hash with the identity they stand for. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BrtopsError } from "../core/errors.js";

export interface TokenRecord {
  id: string;
  hash: string;
  createdAt: string;
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
    throw new BrtopsError("E_STORE", `${f} is not valid JSON.`, { hint: "Restore it or delete it and create tokens again." });
  }
}

/** Creates a token for an identity and returns it; only its hash is kept. */
export function createToken(root: string, id: string, now: string): string {
  if (!id.trim()) throw new BrtopsError("E_USAGE", "Give the identity the token stands for.", { hint: "brtops token create alice@example.com" });
  const token = `brt_${randomBytes(32).toString("base64url")}`;
  const tokens = [...readTokens(root), { id, hash: hashToken(token), createdAt: now }];
  mkdirSync(join(root, ".brtops"), { recursive: true });
  const tmp = `${file(root)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ tokens }, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file(root));
  return token;
}

/** The identity a bearer token stands for, or null. */
export function identityForToken(root: string, token: string): string | null {
  if (!token.startsWith("brt_")) return null;
  const h = Buffer.from(hashToken(token), "hex");
  for (const t of readTokens(root)) {
    const other = Buffer.from(t.hash, "hex");
    if (other.length === h.length && timingSafeEqual(other, h)) return t.id;
  }
  return null;
}
