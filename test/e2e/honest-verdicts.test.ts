/**
 * Issue 11, points 1–4 through the CLI on a real git repository: a SEV-1 release where a health
 * check fails after deployment, a performance threshold is missed and no security command is
 * configured — each shows its true verdict in the CLI output, `status --json` and the documents;
 * VALIDATE exits 1 naming the failed check; 7.10 finds the environment serving another version
 * (a critical finding); an environment with nothing to deploy is refused at the request.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

// Healthy before the deployment and at its first probe after it (6.2), failing from then on (7.1, 7.10, validate).
const FLAKY_HEALTH = `#!/bin/sh
v=$(cat service/version 2>/dev/null)
if [ "$v" = "1.1.0" ]; then
  if [ -e service/probed ]; then echo "serving $v but degraded"; exit 1; fi
  touch service/probed
fi
echo "serving $v"
`;

function git(root: string, ...args: string[]): void {
  execFileSync("git", args, { cwd: root, stdio: "ignore" });
}

const step = (s: any, id: string) => s.steps.find((x: any) => x.step === id);

describe("verdicts that tell the truth (issue 11, points 1–4)", () => {
  let root: string;
  let cleanup: () => void;
  const out: Record<string, string> = {};
  beforeAll(() => {
    ({ root, cleanup } = sampleProject({
      envExtra: [
        "    performance:",
        '      - {name: latency, run: [sleep, "0.2"], samples: 2, p95Ms: 20}',
        // The environment reports what it serves: a file the deploy script never writes (it stays 1.0.0).
        "    version: {run: [cat, service/running]}",
      ].join("\n"),
    }));
    writeFileSync(join(root, "scripts/health.sh"), FLAKY_HEALTH);
    chmodSync(join(root, "scripts/health.sh"), 0o755);
    const cfg = join(root, "brtops.config.yaml");
    writeFileSync(
      cfg,
      readFileSync(cfg, "utf8").replace(
        "- {name: up, run: [./scripts/health.sh]}",
        "- {name: up, run: [./scripts/health.sh], interval: 0.05, failuresBeforeUnhealthy: 1}",
      ),
    );
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "chore: health probes fast");
    writeFileSync(join(root, "service/running"), "1.0.0\n");
  });
  afterAll(() => cleanup());

  it("refuses an environment with nothing to deploy with (exit 2), naming what to add", () => {
    const cfg = join(root, "brtops.config.yaml");
    const before = readFileSync(cfg, "utf8");
    writeFileSync(cfg, `${before}\n`.replace("environments:\n", "environments:\n  docker-hub: {}\n"));
    try {
      for (const args of [
        ["release", "1.1.0", "--to", "docker-hub", "--json"],
        ["release", "1.1.0", "--to", "docker-hub", "--dry-run", "--json"],
      ]) {
        const r = brtops(root, AI, args);
        expect(r.code).toBe(2);
        expect(r.json.error.code).toBe("E_ENVIRONMENT_EMPTY");
        expect(`${r.json.error.message} ${r.json.error.hint}`).toMatch(/deploy steps.*github.*npm/s);
      }
    } finally {
      writeFileSync(cfg, before);
    }
  });

  it("shows an unconfigured security check as not configured (○), a critical finding at SEV-1", () => {
    expect(brtops(root, AI, ["RELEASE v1.1.0 to Staging"]).code).toBe(3);
    expect(brtops(root, HUM, ["sev", "SEV-1", "--reason", "verdict test"]).code).toBe(0);
    expect(brtops(root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
    const r = brtops(root, AI, ["run"]);
    out.phase3 = r.stdout + r.stderr;
    expect(r.code).toBe(3);
    expect(out.phase3).toMatch(/○ 3\.3 .*not configured.*\[not-configured\]/);
    expect(out.phase3).not.toMatch(/✔ 3\.3/);
    const s = status(root);
    expect(step(s, "3.3")).toMatchObject({ verdict: "not-configured" });
    expect(step(s, "3.1")).toMatchObject({ verdict: "pass" });
    expect(s.gate.findings).toContainEqual(
      expect.objectContaining({ severity: "critical", code: "SECURITY_NOT_CONFIGURED" }),
    );
    expect(s.gate.report).toMatch(/○ 3\.3 .*\[not-configured\]/);
    // A critical finding: approving needs a recorded waiver.
    expect(brtops(root, HUM, ["approve", "--step", "3.10"]).code).not.toBe(0);
  });

  it("goes through GO; 7.1 (failing health) and 7.2 (missed threshold) are ✘ fail, never ✔", () => {
    expect(brtops(root, HUM, ["approve", "--step", "3.10", "--waive", "no security scanner yet"]).code).toBe(0);
    brtops(root, AI, ["run"]);
    expect(brtops(root, HUM, ["approve", "--step", "4.10", "--waive", "test"]).code).toBe(0);
    brtops(root, AI, ["run"]);
    const s5 = status(root);
    expect(s5.step).toBe("5.10");
    // Not configured counts as not passed in the checklist's classes.
    const c54 = step(s5, "5.4");
    expect(c54.summary).toMatch(/not configured/);
    expect(c54.verdict).toBe("warn");
    expect(c54.summary).not.toMatch(/passed (\d+)\/\1, STANDARD/);
    expect(brtops(root, HUM, ["approve", "--step", "5.10", "--waive", "accepted for the test"]).code).toBe(0);
    const r = brtops(root, AI, ["run"]);
    out.phase7 = r.stdout + r.stderr;
    expect(out.phase7).toMatch(/✘ 7\.1 .*health checks failed.*\[fail\]/);
    expect(out.phase7).toMatch(/✘ 7\.2 .*performance checks failed.*\[fail\]/);
    expect(out.phase7).not.toMatch(/✔ 7\.[12] /);
    const s = status(root);
    expect(s.step).toBe("7.10");
    expect(step(s, "7.1").verdict).toBe("fail");
    expect(step(s, "7.2").verdict).toBe("fail");
    expect(step(s, "3.3").verdict).toBe("not-configured");
  });

  it("checks the environment again at 7.10: serving another version is a critical finding", () => {
    const s = status(root);
    expect(step(s, "7.10:environment")).toMatchObject({ verdict: "fail" });
    expect(step(s, "7.10:environment").summary).toMatch(/runs v1\.0\.0, expected v1\.1\.0/);
    expect(s.gate.kind).toBe("certification");
    expect(s.gate.findings).toContainEqual(
      expect.objectContaining({ severity: "critical", code: "RUNNING_VERSION_MISMATCH" }),
    );
    expect(s.gate.findings).toContainEqual(
      expect.objectContaining({ severity: "critical", code: "HEALTH_FAILING_AT_CERTIFICATION" }),
    );
    expect(brtops(root, HUM, ["approve", "--step", "7.10"]).code).not.toBe(0);
  });

  it("VALIDATE exits 1, says which check failed, and ok is false", () => {
    const r = brtops(root, AI, ["validate", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json.ok).toBe(false);
    expect(r.json.verdicts.operations).toBe("fail");
    expect(r.json.failed.join("\n")).toMatch(/operations: .*health checks failed: up/);
    const text = brtops(root, AI, ["RELEASE VALIDATE"]);
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).not.toContain("validation passed");
    const log = readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8");
    expect(log).not.toContain("all checks passed");
  });

  it("writes the verdicts into the documents", () => {
    expect(brtops(root, HUM, ["approve", "--step", "7.10", "--waive", "known for the test"]).code).toBe(0);
    brtops(root, AI, ["run"]);
    const dir = join(root, "docs/01_application/6-releases/v1.1.0");
    const sys = readFileSync(join(dir, "system-validation-report.md"), "utf8");
    expect(sys).toMatch(/\| Security \| 3\.3 \| ○ NOT CONFIGURED \|/);
    expect(sys).toMatch(/\| Integration \| 3\.1 \| ✔ PASS \|/);
    const post = readFileSync(join(dir, "post-deployment-validation.md"), "utf8");
    expect(post).toMatch(/\(7\.1\) — ✘ FAIL/);
    expect(post).toMatch(/\(7\.2\) — ✘ FAIL/);
  });
});
