/**
 * A lock file that survives crashes: created with O_EXCL, holding "pid@host since"; a holder whose
 * process is gone (same host) is stale and the lock is taken over.
 */
import { existsSync, linkSync, readFileSync, rmSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { BrtopsError } from "../core/errors.js";

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  purpose?: string;
}

const sleepBuf = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleepBuf, 0, 0, ms);
}

export function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function isStale(holder: LockHolder | null): boolean {
  if (!holder) return true;
  return holder.host === hostname() && !alive(holder.pid);
}

/** Tries once. Returns false when a live holder has it. */
export function tryLock(path: string, purpose?: string): boolean {
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(purpose ? { purpose } : {}) };
  for (let i = 0; i < 3; i++) {
    // Written aside, then linked into place: the lock file never exists without its holder, so
    // an empty or half-written lock is never mistaken for a stale one and taken over.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(me));
    try {
      linkSync(tmp, path);
      rmSync(tmp, { force: true });
      return true;
    } catch (e) {
      rmSync(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readHolder(path);
      if (holder === null) {
        // Released between our link and our read (a lock file always has its holder): try again.
        if (!existsSync(path)) continue;
        return false;
      } else if (!isStale(holder)) {
        return false;
      }
      // Stale: move it aside atomically so only one contender removes it.
      const aside = `${path}.stale.${process.pid}`;
      try {
        renameSync(path, aside);
        const moved = readHolder(aside);
        // A contender may have taken the lock over between our read and our rename: give it back.
        if (holder && moved && (moved.pid !== holder.pid || moved.since !== holder.since)) {
          try {
            linkSync(aside, path);
          } catch {
            /* the path is taken again; the rightful holder still has its lock */
          }
        }
        rmSync(aside, { force: true });
      } catch {
        /* someone else took it over first */
      }
    }
  }
  return false;
}

/** Waits for the lock (short critical sections only), up to `timeoutMs`. */
export function lockSync(path: string, timeoutMs = 15_000, purpose?: string): void {
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  while (!tryLock(path, purpose)) {
    if (Date.now() > deadline) {
      const h = readHolder(path);
      throw new BrtopsError("E_LOCKED", `The release log is locked by ${h ? `process ${h.pid} on ${h.host} since ${h.since}` : "another process"}.`, {
        hint: "Wait for it to finish, or if that process is gone from another machine, remove the lock file: " + path,
      });
    }
    sleepMs(wait);
    wait = Math.min(wait * 2, 20);
  }
}

export function unlock(path: string): void {
  rmSync(path, { force: true });
}
