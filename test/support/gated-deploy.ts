/**
 * A sample project whose deploy step waits for a file the test creates: the step announces that
 * it waits (an output line) and cannot finish before the file exists, so anything the test
 * receives before creating it was received during the deploy step — a fact, not a timing.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AI, HUM, brtops, sampleProject } from "./cli.js";

/** The line the deploy step prints once it waits; the file that lets it go on. */
export const WAITING_LINE = "waiting for deploy.go";
export const GO_FILE = "deploy.go";

export function gatedDeployProject(): { root: string; cleanup: () => void } {
  const p = sampleProject();
  const root = p.root;
  writeFileSync(
    join(root, "scripts/gated-deploy.sh"),
    `#!/bin/sh\n# Deploys, says it waits, then waits until the test creates ${GO_FILE} (giving up after about 4 minutes).\nset -e\nmkdir -p service\necho "$1" > service/version\necho "${WAITING_LINE}"\nn=0\nwhile [ ! -f ${GO_FILE} ]; do n=$((n + 1)); [ $n -lt 4800 ] || exit 1; sleep 0.05; done\necho "deployed $1"\n`,
  );
  chmodSync(join(root, "scripts/gated-deploy.sh"), 0o755);
  const cfgPath = join(root, "brtops.config.yaml");
  const cfg = readFileSync(cfgPath, "utf8");
  const gated = cfg.replace(
    '{name: ship, run: [./scripts/deploy.sh, "{version}"]',
    '{name: ship, run: [./scripts/gated-deploy.sh, "{version}"]',
  );
  if (gated === cfg) throw new Error("the sample config no longer has the ship step this helper rewrites");
  writeFileSync(cfgPath, gated);
  writeFileSync(join(root, ".gitignore"), `.brtops/\nservice/\n${GO_FILE}\n`);
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["commit", "-q", "-m", "chore: gated deploy"], { cwd: root });
  execFileSync("git", ["push", "-q", "origin", "main"], { cwd: root });
  return p;
}

/**
 * Requests `version` as the AI LEAD and takes it through every gate up to and including GO (5.10),
 * approving as the HUM LEAD: the next advance deploys.
 */
export function throughGo(root: string, version = "1.1.0"): void {
  const r = brtops(root, AI, ["release", version, "--to", "local", "--json"]);
  if (r.code !== 3) throw new Error(`release ${version}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  for (let i = 0; i < 20; i += 1) {
    const st = brtops(root, AI, ["status", "--json"]).json;
    if (!st.gate) {
      const run = brtops(root, AI, ["run"]);
      if (run.code !== 3) throw new Error(`run: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
      continue;
    }
    const ok = brtops(root, HUM, ["approve", "--step", st.gate.round, "--waive", "accepted in a test"]);
    if (ok.code !== 0) throw new Error(`approve ${st.gate.round}: exit ${ok.code}\n${ok.stdout}\n${ok.stderr}`);
    if (st.gate.step === "5.10") return;
  }
  throw new Error("the release did not reach GO (5.10) in 20 rounds");
}
