/** A sample project whose deploy step is slow and counts its runs: for tests that kill or race runners mid-deploy. */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sampleProject } from "./cli.js";

/**
 * The step writes its pid to deploy.pid, appends a line to deploy-count, deploys (service/version),
 * then stays busy for `seconds`. Committed and pushed, so the release sees a clean tree.
 */
export function slowDeployProject(seconds: number): { root: string; cleanup: () => void } {
  const p = sampleProject();
  const root = p.root;
  writeFileSync(
    join(root, "scripts/slow-deploy.sh"),
    `#!/bin/sh\n# Counts its runs, deploys, then stays busy so a test can kill the caller mid-step.\nset -e\necho $$ > deploy.pid\necho "run" >> deploy-count\nmkdir -p service\necho "$1" > service/version\nsleep ${seconds}\necho "deployed $1"\n`,
  );
  chmodSync(join(root, "scripts/slow-deploy.sh"), 0o755);
  const cfgPath = join(root, "brtops.config.yaml");
  const cfg = readFileSync(cfgPath, "utf8");
  const slow = cfg.replace('{name: ship, run: [./scripts/deploy.sh, "{version}"]', '{name: ship, run: [./scripts/slow-deploy.sh, "{version}"]');
  if (slow === cfg) throw new Error("the sample config no longer has the ship step this helper rewrites");
  writeFileSync(cfgPath, slow);
  writeFileSync(join(root, ".gitignore"), ".brtops/\nservice/\ndeploy-count\ndeploy.pid\n");
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

/** True while process `pid` exists (the deploy script outlives a killed runner in its own group). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
