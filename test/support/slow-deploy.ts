/** A sample project whose deploy step is slow and counts its runs: for tests that kill or race runners mid-deploy. */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { AI, HUM, brtops, sampleProject, status } from "./cli.js";

/**
 * The step appends a line to deploy-count, deploys (service/version), then publishes its pid in
 * deploy.pid (written beside and renamed, so the file is never seen empty) and stays busy for
 * `seconds`. deploy.pid appearing therefore means the effect is on disk: a test that kills the
 * runner once it sees the pid kills it after the effect, never half-way through it.
 * Committed and pushed, so the release sees a clean tree.
 */
export function slowDeployProject(seconds: number): { root: string; cleanup: () => void } {
  const p = sampleProject();
  const root = p.root;
  writeFileSync(
    join(root, "scripts/slow-deploy.sh"),
    `#!/bin/sh\n# Counts its runs, deploys, says so with its pid, then stays busy so a test can kill the caller mid-step.\nset -e\necho "run" >> deploy-count\nmkdir -p service\necho "$1" > service/version\necho $$ > deploy.pid.tmp\nmv deploy.pid.tmp deploy.pid\nsleep ${seconds}\necho "deployed $1"\n`,
  );
  chmodSync(join(root, "scripts/slow-deploy.sh"), 0o755);
  const cfgPath = join(root, "brtops.config.yaml");
  const cfg = readFileSync(cfgPath, "utf8");
  const slow = cfg.replace(
    '{name: ship, run: [./scripts/deploy.sh, "{version}"]',
    '{name: ship, run: [./scripts/slow-deploy.sh, "{version}"]',
  );
  if (slow === cfg) throw new Error("the sample config no longer has the ship step this helper rewrites");
  writeFileSync(cfgPath, slow);
  writeFileSync(join(root, ".gitignore"), ".brtops/\nservice/\ndeploy-count\ndeploy.pid\ndeploy.pid.tmp\n");
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["commit", "-q", "-m", "chore: slow deploy"], { cwd: root });
  execFileSync("git", ["push", "-q", "origin", "main"], { cwd: root });
  return p;
}

/** How many times the slow deploy step ran. */
export function deployRuns(root: string): number {
  const f = join(root, "deploy-count");
  return existsSync(f) ? readFileSync(f, "utf8").trim().split("\n").length : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (polling, generous deadline: a loaded CI machine is slow to start processes) until the
 * slow deploy has done its effect and published its pid; returns the pid (always > 0, so a kill
 * of its group can never become a kill of the caller's own group).
 */
export async function deployedPid(root: string, limitMs = 120_000): Promise<number> {
  const file = join(root, "deploy.pid");
  for (const t0 = Date.now(); Date.now() - t0 < limitMs; await sleep(50)) {
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0) return pid;
  }
  throw new Error(`the slow deploy step did not publish its pid in ${root}/deploy.pid within ${limitMs} ms`);
}

/** True while process `pid` exists and is not a zombie (a killed script whose new parent has not reaped it yet is gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** Requests 1.1.0 and approves gates and runs until the GO/NO-GO gate (5.10) is approved: the next run deploys. */
export function toGoApproved(root: string): void {
  expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
  expect(brtops(root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
  const r = brtops(root, AI, ["run", "--json"]);
  expect(r.code).toBe(3);
  expect(r.json.step).toBe("5.10");
  expect(brtops(root, HUM, ["approve", "--step", "5.10"]).code).toBe(0);
}

/** From the certification gate (7.10): approves it, runs, and the release is certified. */
export function certify(root: string): void {
  expect(status(root).step).toBe("7.10");
  expect(brtops(root, HUM, ["approve", "--step", "7.10"]).code).toBe(0);
  brtops(root, AI, ["run"]);
  expect(status(root).state).toBe("certified");
}
