/**
 * Read-modify-write of the server's small JSON files (tokens.json, users.json) under a lock file,
 * so that two processes writing at once (two `brtops serve`, or a sign-in beside `brtops token
 * create`) both keep their change: without it each would rename its own copy over the other's.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { BrtopsError } from "../core/errors.js";
import { lockSync, unlock } from "../store/file-lock.js";

/** Runs `update` on the file's current content while holding `<path>.lock`, then replaces the file atomically with what it returns (mode 0600). */
export function rewriteLocked<T>(
  path: string,
  read: () => T,
  update: (current: T) => T,
  serialize: (value: T) => string,
): void {
  mkdirSync(dirname(path), { recursive: true });
  const lock = `${path}.lock`;
  try {
    lockSync(lock, 10_000, `update ${path}`);
  } catch (e) {
    if (e instanceof BrtopsError && e.code === "E_LOCKED") {
      throw new BrtopsError("E_LOCKED", `${path} is being updated by another process that has not finished in 10 s.`, {
        hint: `Try again; if no brtops process is running on this project, remove ${lock}.`,
      });
    }
    throw e;
  }
  try {
    const next = update(read());
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, serialize(next), { mode: 0o600 });
    renameSync(tmp, path);
  } finally {
    unlock(lock);
  }
}
