/** Password accounts: scrypt-hashed (memory-hard) in .brtops/users.json, for the login endpoint. */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BrtopsError } from "../core/errors.js";
import { rewriteLocked } from "./locked-file.js";

interface UserRecord {
  id: string;
  salt: string;
  hash: string;
  createdAt: string;
}

const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

function file(root: string): string {
  return join(root, ".brtops", "users.json");
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((res, rej) => scrypt(password, salt, 32, PARAMS, (err, key) => (err ? rej(err) : res(key))));
}

function readUsers(root: string): UserRecord[] {
  const f = file(root);
  if (!existsSync(f)) return [];
  try {
    const data = JSON.parse(readFileSync(f, "utf8")) as { users?: UserRecord[] };
    return Array.isArray(data.users) ? data.users : [];
  } catch {
    throw new BrtopsError("E_STORE", `${f} is not valid JSON.`, {
      hint: "Restore it or delete it and add the users again.",
    });
  }
}

/** Adds (or replaces) a user's password. */
export async function addUser(root: string, id: string, password: string, now: string): Promise<void> {
  if (!id.trim())
    throw new BrtopsError("E_USAGE", "Give the user's identity.", {
      hint: "echo 'password' | brtops user add alice@example.com",
    });
  if (password.length < 8)
    throw new BrtopsError("E_USAGE", "The password must have at least 8 characters.", {
      hint: "Pipe a longer password on stdin.",
    });
  const salt = randomBytes(16);
  const hash = await derive(password, salt);
  const user = { id, salt: salt.toString("hex"), hash: hash.toString("hex"), createdAt: now };
  rewriteLocked(
    file(root),
    () => readUsers(root),
    (users) => [...users.filter((u) => u.id !== id), user],
    (users) => JSON.stringify({ users }, null, 2) + "\n",
  );
}

/** True when the password is the user's. */
export async function verifyUser(root: string, id: string, password: string): Promise<boolean> {
  const u = readUsers(root).find((x) => x.id === id);
  // Derive anyway for an unknown user, so timing does not reveal which identities exist.
  const key = await derive(password, u ? Buffer.from(u.salt, "hex") : Buffer.alloc(16));
  if (!u) return false;
  const stored = Buffer.from(u.hash, "hex");
  return stored.length === key.length && timingSafeEqual(stored, key);
}
