/**
 * Locks that know their owner: a lock file records pid, start time and host; a lock whose pid now
 * belongs to another program (a live `sleep` here, with another start time recorded) is taken
 * over, by the lock itself and by `brtops run`; a live holder still blocks, and the message says
 * for how long it has held the lock.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { processIdentity } from "../../src/adapters/process-identity.js";
import { lockSync, readHolder, removeStaleLock, tryLock, unlock, type LockHolder } from "../../src/store/file-lock.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

/** A live process that is not brtops: its pid is what a stale lock would name after pid reuse. */
function foreignProcess(): ChildProcess {
  const child = spawn("sleep", ["600"], { stdio: "ignore" });
  if (!child.pid || child.pid <= 0) throw new Error("sleep did not start");
  return child;
}

function waitForProc(pid: number): string {
  // /proc/<pid>/stat exists as soon as spawn returned a pid; the start time is read from it.
  const id = processIdentity(pid);
  if (!id?.startTime) throw new Error(`no start time for ${pid}`);
  return id.startTime;
}

describe("locks that know their owner", () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    for (const c of children.splice(0))
      if (c.exitCode === null && c.signalCode === null && c.pid && c.pid > 0) c.kill("SIGKILL");
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    cleanup?.();
    cleanup = undefined;
  });

  it("records pid, start time and host", () => {
    const dir = mkdtempSync(join(tmpdir(), "brtops-lock-"));
    dirs.push(dir);
    const lock = join(dir, "x.lock");
    expect(tryLock(lock, "test")).toBe(true);
    const h = readHolder(lock)!;
    expect(h.pid).toBe(process.pid);
    expect(h.host).toBe(hostname());
    expect(h.startTime).toBe(processIdentity(process.pid)!.startTime);
    unlock(lock);
  });

  it("removes a stale lock only while it still names the stale holder, one takeover at a time", () => {
    const dir = mkdtempSync(join(tmpdir(), "brtops-lock-"));
    dirs.push(dir);
    const sleeper = foreignProcess();
    children.push(sleeper);
    waitForProc(sleeper.pid!);
    // The sleeper's pid with another start time: a holder whose process is gone (its pid reused).
    const stale: LockHolder = {
      pid: sleeper.pid!,
      host: hostname(),
      since: "2026-01-01T00:00:00.000Z",
      startTime: "1",
    };
    const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    const lock = join(dir, "x.lock");
    const guard = `${lock}.takeover`;

    // Judged stale a moment ago, but a live process holds the lock now: it stays.
    expect(tryLock(lock)).toBe(true);
    removeStaleLock(lock, stale, me);
    expect(readHolder(lock)!.pid).toBe(process.pid);
    unlock(lock);

    // Another takeover is under way (a live holder of the guard): this one leaves the lock to it.
    writeFileSync(lock, JSON.stringify(stale));
    writeFileSync(guard, JSON.stringify({ ...me, startTime: processIdentity(process.pid)!.startTime }));
    removeStaleLock(lock, stale, me);
    expect(readHolder(lock)).toEqual(stale);
    // A guard whose holder is gone is cleared; the next attempt removes the stale lock.
    writeFileSync(guard, JSON.stringify(stale));
    removeStaleLock(lock, stale, me);
    expect(readHolder(guard)).toBeNull();
    expect(readHolder(lock)).toEqual(stale);
    removeStaleLock(lock, stale, me);
    expect(readHolder(lock)).toBeNull();
    expect(readHolder(guard)).toBeNull();

    // tryLock itself takes a stale lock over.
    writeFileSync(lock, JSON.stringify(stale));
    expect(tryLock(lock)).toBe(true);
    expect(readHolder(lock)!.pid).toBe(process.pid);
    unlock(lock);
  });

  it("takes over a lock whose live pid belongs to another program (other start time)", () => {
    const dir = mkdtempSync(join(tmpdir(), "brtops-lock-"));
    dirs.push(dir);
    const sleeper = foreignProcess();
    children.push(sleeper);
    const real = waitForProc(sleeper.pid!);
    const lock = join(dir, "x.lock");
    writeFileSync(
      lock,
      JSON.stringify({
        pid: sleeper.pid,
        host: hostname(),
        since: "2020-01-01T00:00:00.000Z",
        startTime: String(Number(real) + 12345),
      }),
    );
    expect(tryLock(lock)).toBe(true);
    expect(readHolder(lock)!.pid).toBe(process.pid);
    unlock(lock);
  });

  it("does not take over a live holder with its own start time, and says how long it has held the lock", () => {
    const dir = mkdtempSync(join(tmpdir(), "brtops-lock-"));
    dirs.push(dir);
    const sleeper = foreignProcess();
    children.push(sleeper);
    const lock = join(dir, "x.lock");
    const since = new Date(Date.now() - 90_000).toISOString();
    writeFileSync(
      lock,
      JSON.stringify({ pid: sleeper.pid, host: hostname(), since, startTime: waitForProc(sleeper.pid!) }),
    );
    expect(tryLock(lock)).toBe(false);
    expect(() => lockSync(lock, 50)).toThrow(/since .* \(9\d s ago\)/);
    expect(readHolder(lock)!.pid).toBe(sleeper.pid);
  });

  it("brtops run takes over a stale run lock whose pid was reused (it used to exit 5)", () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(brtops(root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
    const sleeper = foreignProcess();
    children.push(sleeper);
    const real = waitForProc(sleeper.pid!);
    const lockDir = join(root, ".brtops/releases/1.1.0");
    mkdirSync(lockDir, { recursive: true });
    const stale = {
      pid: sleeper.pid,
      host: hostname(),
      since: "2020-01-01T00:00:00.000Z",
      startTime: String(Number(real) + 777),
      purpose: "run",
    };
    writeFileSync(join(lockDir, "run.lock"), JSON.stringify(stale));
    writeFileSync(join(lockDir, "events.jsonl.lock"), JSON.stringify(stale));
    const r = brtops(root, AI, ["run", "--json"]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.json.step).toBe("5.10");
    expect(sleeper.exitCode).toBeNull();
    expect(readFileSync(join(lockDir, "events.jsonl"), "utf8")).toContain("StepSucceeded");
  }, 180_000);
});
