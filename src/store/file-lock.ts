/**
 * A lock file that survives crashes: created with O_EXCL, holding its owner (pid, the process's
 * start time, host, since); a holder whose process is gone (same host), or whose pid now belongs to
 * another program (the start time differs: the pid was reused), is stale and the lock is taken over.
 */
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { BrtopsError } from "../core/errors.js";
import { processIdentity, recordedProcessState } from "../adapters/process-identity.js";

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** The holder's start time (/proc), so that a reused pid is not mistaken for the holder. */
  startTime?: string;
  purpose?: string;
}

// Our own start time, read once: it cannot change.
let ownStartTime: string | undefined | null = null;
function myStartTime(): string | undefined {
  if (ownStartTime === null) ownStartTime = processIdentity(process.pid)?.startTime;
  return ownStartTime;
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

export function isStale(holder: LockHolder | null): boolean {
  if (!holder) return true;
  return recordedProcessState(holder) === "gone";
}

/** "12 s", "3 min", "2 h": how long a lock has been held, for messages. */
export function lockAge(since: string, nowMs = Date.now()): string {
  const s = Math.max(0, Math.round((nowMs - Date.parse(since)) / 1000));
  if (!Number.isFinite(s)) return "an unknown time";
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** Tries once. Returns false when a live holder has it. */
export function tryLock(path: string, purpose?: string): boolean {
  const start = myStartTime();
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(start ? { startTime: start } : {}),
    ...(purpose ? { purpose } : {}),
  };
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
      removeStaleLock(path, holder, me);
    }
  }
  return false;
}

/**
 * Removes the lock at `path` if it still names `stale`, whose process is gone. A lock file is only
 * ever removed by its holder or here, and here only under `<path>.takeover` (taken like the lock):
 * so between reading the stale holder again and removing it, nobody can replace it. (Moving it
 * aside and giving back a live lock moved by mistake could fail: a contender may have taken the
 * empty place meanwhile, and two processes then held the lock.) A takeover guard whose own holder
 * is gone (a crash within these few lines) is removed, and the next attempt takes it.
 */
export function removeStaleLock(path: string, stale: LockHolder, me: LockHolder): void {
  const guard = `${path}.takeover`;
  const tmp = `${guard}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(me));
  try {
    linkSync(tmp, guard);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const other = readHolder(guard);
    if (other !== null && isStale(other)) rmSync(guard, { force: true });
    return;
  } finally {
    rmSync(tmp, { force: true });
  }
  try {
    const now = readHolder(path);
    if (now && now.pid === stale.pid && now.since === stale.since && isStale(now)) rmSync(path, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Waits for the lock (short critical sections only), up to `timeoutMs`. */
export function lockSync(path: string, timeoutMs = 15_000, purpose?: string): void {
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  while (!tryLock(path, purpose)) {
    if (Date.now() > deadline) {
      const h = readHolder(path);
      throw new BrtopsError(
        "E_LOCKED",
        `The release log is locked by ${h ? `process ${h.pid} on ${h.host} since ${h.since} (${lockAge(h.since)} ago)` : "another process"}.`,
        {
          hint: "Wait for it to finish, or if that process is gone from another machine, remove the lock file: " + path,
        },
      );
    }
    sleepMs(wait);
    wait = Math.min(wait * 2, 20);
  }
}

export function unlock(path: string): void {
  rmSync(path, { force: true });
}
