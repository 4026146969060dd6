/**
 * Who a process is, beyond its pid: pids are reused, so a recorded process is "the same" only when
 * the pid exists now AND its start time (field 22 of /proc/<pid>/stat, clock ticks since boot) is
 * the recorded one. Used by lock files (a stale lock whose pid went to another program) and by
 * effects whose child outlived a crashed runner. I/O (Linux /proc; elsewhere only liveness is known).
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  pid: number;
  /** /proc start time; absent where /proc is not available. */
  startTime?: string;
  /** Process group (the runner starts each child as its own group). */
  pgid?: number;
  host: string;
}

interface Stat {
  state: string;
  pgid: number;
  startTime: string;
}

function readStat(pid: number): Stat | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces and ")": split after the last ")".
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state), rest[2] field 5 (pgrp), rest[19] field 22 (starttime).
  const state = rest[0] ?? "";
  const pgid = Number(rest[2]);
  const startTime = rest[19];
  if (!startTime) return null;
  return { state, pgid, startTime };
}

/** True when /proc can tell start times here (Linux). */
export function hasProcStat(): boolean {
  return readStat(process.pid) !== null;
}

/** The identity of a live process on this host (pid, start time, group); null when it is gone. */
export function processIdentity(pid: number): ProcessIdentity | null {
  const st = readStat(pid);
  if (st) return st.state === "Z" ? null : { pid, startTime: st.startTime, pgid: st.pgid, host: hostname() };
  return pidExists(pid) ? { pid, host: hostname() } : null;
}

function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Is the recorded process still running? "alive": same pid and same start time on this host;
 * "gone": no such process, a zombie, or the pid belongs to another program now; "unknown": it ran
 * on another host (a team store), so nothing here can tell.
 */
export function recordedProcessState(
  rec: Pick<ProcessIdentity, "pid" | "host"> & { startTime?: string | undefined },
): "alive" | "gone" | "unknown" {
  if (rec.host !== hostname()) return "unknown";
  const now = processIdentity(rec.pid);
  if (!now) return "gone";
  if (rec.startTime !== undefined && now.startTime !== undefined && now.startTime !== rec.startTime) return "gone";
  return "alive";
}

/** Sends `signal` to the recorded process's group (else the process); never to group 0 or to our own group. */
export function signalRecorded(rec: ProcessIdentity, signal: NodeJS.Signals): void {
  if (recordedProcessState(rec) !== "alive") return;
  const own = readStat(process.pid)?.pgid;
  const group = rec.pgid !== undefined && rec.pgid > 1 && rec.pgid !== own ? rec.pgid : null;
  try {
    if (group !== null) process.kill(-group, signal);
    else if (rec.pid > 1) process.kill(rec.pid, signal);
  } catch {
    /* gone meanwhile */
  }
}
