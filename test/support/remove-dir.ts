/**
 * Removes a test's folder once no process works inside it. brtops pushes a release's log anchor to
 * the project's bare origin in the background (a detached `git push` that may outlive the command
 * or the test's in-process server), and removing the folder while git writes objects into it fails
 * with ENOTEMPTY. On Linux /proc tells which processes have their working folder there (git push,
 * and the receive-pack it starts in the origin); the removal waits for them to be gone, then goes
 * ahead (elsewhere, or past the deadline, it is retried as files keep appearing).
 */
import { readdirSync, readlinkSync, rmSync } from "node:fs";

const sleepBuf = new Int32Array(new SharedArrayBuffer(4));

/** Pids of the processes whose working folder is `dir` or inside it (Linux; none elsewhere). */
function processesIn(dir: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const pid of pids) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) out.push(Number(pid));
    } catch {
      /* gone, or not ours to look at */
    }
  }
  return out;
}

/** Example: `removeDir(base)` in a test's cleanup. */
export function removeDir(dir: string, timeoutMs = 30_000): void {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && processesIn(dir).some((pid) => pid !== process.pid)) Atomics.wait(sleepBuf, 0, 0, 20);
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
}
