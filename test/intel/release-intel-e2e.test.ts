/**
 * Release intelligence end to end through the built CLI, on a real git repository: feature
 * readiness and SEV from the features' documents, the changelog and release notes written on
 * approval, a failing security command (npm audit JSON with a high vulnerability) that blocks
 * phase 3 with its finding in the report, a HUM LEAD's `approve --waive` that lets it through and
 * is recorded, and the readiness checklist with its GO decision line.
 *
 * It runs dist/cli.js when that is newer than every source file (as `npm test` builds it), else
 * it bundles the CLI with esbuild's API, with the options of scripts/build.mjs, into a temp folder
 * inside node_modules/.cache (so that the external packages resolve).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSampleProject } from "../../src/demo/sample-project.js";

const REPO = resolve(import.meta.dirname, "../..");
const HUM = "alice@example.com";
const AI = "agent@example.com";
const cleanups: (() => void)[] = [];

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

async function cliPath(): Promise<string> {
  const dist = join(REPO, "dist/cli.js");
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSource(join(REPO, "src"))) return dist;
  const { build } = await import("esbuild");
  mkdirSync(join(REPO, "node_modules/.cache"), { recursive: true });
  const outdir = mkdtempSync(join(REPO, "node_modules/.cache/brtops-intel-e2e-"));
  cleanups.push(() => rmSync(outdir, { recursive: true, force: true }));
  await build({
    entryPoints: { cli: join(REPO, "src/cli/entry.ts") },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "warning",
  });
  return join(outdir, "cli.js");
}

const AUDIT = {
  auditReportVersion: 2,
  vulnerabilities: {
    lodash: {
      name: "lodash",
      severity: "high",
      via: [{ title: "Prototype Pollution in lodash" }],
      range: "<4.17.21",
      fixAvailable: true,
    },
  },
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 } },
};

describe("release intelligence through the CLI", () => {
  let cli: string;
  let root: string;
  const run = (as: string, args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args, "--as", as], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, BRTOPS_ACTOR: "" },
    });
    let json: any;
    if (args.includes("--json")) {
      try {
        json = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
      } catch {
        json = undefined;
      }
    }
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
  };
  const status = () => run(AI, ["status", "--json"]).json;
  // The file store writes one event per line, or one JSON array for events appended together.
  const events = (): any[] =>
    readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .flatMap((l) => [JSON.parse(l)].flat());
  const releaseDir = () => join(root, "docs/01_application/6-releases/v1.1.0");

  beforeAll(async () => {
    cli = await cliPath();
    const base = mkdtempSync(join(tmpdir(), "brtops-intel-e2e-"));
    cleanups.push(() => rmSync(base, { recursive: true, force: true }));
    root = join(base, "project");
    generateSampleProject(root, {
      extra: `  security:\n    - {name: npm audit, run: ["${process.execPath}", scripts/audit.mjs], timeout: 60}\n`,
    });
    writeFileSync(
      join(root, "scripts/audit.mjs"),
      `process.stdout.write(${JSON.stringify(JSON.stringify(AUDIT))});\nprocess.exit(1);\n`,
    );
    const feature = join(root, "docs/02_features/payments/07-readiness");
    mkdirSync(feature, { recursive: true });
    writeFileSync(
      join(feature, "validation-report.md"),
      "# Payments\n\n**SEV Level**: SEV-1\n**Validation Status**: COMPLETE\n**Security Score**: 95/100\n",
    );
    writeFileSync(
      join(feature, "release-notes.md"),
      "# Payments\n\n## New Features\n- Pay by invoice\n\n## Breaking Changes\n- Amounts are in cents\n\n## Migration\n- Multiply stored amounts by 100\n",
    );
    const git = (...a: string[]) => execFileSync("git", a, { cwd: root, encoding: "utf8" });
    git("add", "-A");
    git("commit", "-q", "-m", "feat(payments)!: pay by invoice\n\nBREAKING CHANGE: amounts are integers in cents");
  });
  afterAll(() => {
    for (const c of cleanups.reverse()) c();
  });

  it("assesses the features and the SEV in phase 1 and stops at the package gate", () => {
    const r = run(AI, ["RELEASE v1.1.0 to Staging", "--json"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.json).toMatchObject({ version: "1.1.0", state: "awaiting-hum-lead", step: "2.10", sev: "SEV-1" });
    expect(r.json.plan).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const sev = events().find((e) => e.type === "SevAssessed");
    expect(sev.data.factors.map((f: { factor: string }) => f.factor)).toEqual(["feature SEV", "breaking changes"]);
    // The breaking change in a minor release is a critical finding at the package gate.
    expect(r.json.gate.findings.map((f: { code: string }) => f.code)).toContain("VERSION_BREAKING_IN_MINOR");
  });

  it("writes the changelog and release notes from what phase 2 recorded", () => {
    const a = run(HUM, ["approve", "--step", "2.10", "--waive", "0.x semantics accepted for this minor", "--json"]);
    expect(a.code, a.stderr).toBe(0);
    const r = run(AI, ["run", "--json"]);
    expect(r.code, r.stderr).toBe(3);
    const changelog = readFileSync(join(releaseDir(), "changelog.md"), "utf8");
    expect(changelog).toContain("## [1.1.0] - ");
    expect(changelog).toContain("Changes since **v1.0.0** (`v1.0.0..HEAD`)");
    expect(changelog).toMatch(
      /### ⚠ BREAKING CHANGES\n\n- \*\*payments:\*\* pay by invoice \(`[0-9a-f]{7,}`, Sample Dev\)\n {2}- amounts are integers in cents/,
    );
    expect(changelog).toMatch(/### Added\n\n- \*\*login:\*\* sign in with a one-time code/);
    expect(changelog).toContain("- Multiply stored amounts by 100 (payments)");
    expect(changelog).toContain("- The release package was approved by alice@example.com at");
    const notes = readFileSync(join(releaseDir(), "release-notes.md"), "utf8");
    expect(notes).toContain("### login\n\n- Sign in with a one-time code");
    expect(notes).toContain("- Amounts are in cents (payments)");
    expect(notes).toContain("- Codes expire after 5 minutes (login)");
  });

  it("blocks phase 3 on the failing security command with its finding in the report", () => {
    const s = status();
    expect(s.step).toBe("3.10");
    const codes = s.gate.findings.map((f: { code: string }) => f.code);
    expect(codes).toContain("SECURITY_VULNERABILITY");
    expect(s.gate.report).toContain("high vulnerability in lodash (<4.17.21): Prototype Pollution in lodash");
    const refused = run(HUM, ["approve", "--step", "3.10", "--json"]);
    expect(refused.code).not.toBe(0);
    expect(refused.json.error.code).toBe("E_FINDINGS_UNWAIVED");
    expect(status().step).toBe("3.10");
  });

  it("lets a HUM LEAD approve with a waiver, records it, and writes it into the report", () => {
    const a = run(HUM, ["approve", "--step", "3.10", "--waive", "lodash is not reachable from user input", "--json"]);
    expect(a.code, a.stderr).toBe(0);
    const approval = events()
      .filter((e) => e.type === "GateApproved" && e.data.step === "3.10")
      .at(-1);
    expect(approval.actor.id).toBe(HUM);
    expect(approval.data.note).toContain("waiver: lodash is not reachable from user input");
    const r = run(AI, ["run", "--json"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.json.step).toBe("4.10");
    const report = readFileSync(join(releaseDir(), "system-validation-report.md"), "utf8");
    expect(report).toContain("| Security | 3.3 | ✘ FAIL | 0/1 passed |");
    expect(report).toContain("| HIGH | lodash | <4.17.21 | Prototype Pollution in lodash | yes |");
    expect(report).toContain("`SECURITY_VULNERABILITY`: high vulnerability in lodash");
    expect(report).toContain("- Waiver recorded with the approval: lodash is not reachable from user input");
  });

  it("carries the waiver into the readiness checklist and records the GO decision line", () => {
    expect(run(HUM, ["approve", "--step", "4.10"]).code).toBe(0);
    const r = run(AI, ["run", "--json"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.json.step).toBe("5.10");
    expect(run(HUM, ["approve", "--step", "5.10", "--note", "GO"]).code).toBe(0);
    run(AI, ["run", "--json"]);
    const doc = readFileSync(join(releaseDir(), "release-readiness-checklist.md"), "utf8");
    expect(doc).toMatch(
      /\*\*Release Version\*\*: v1\.1\.0 {2}\n\*\*Target Environment\*\*: local {2}\n\*\*Release Date\*\*: \d{4}-\d{2}-\d{2} {2}\n\*\*HUM LEAD Authorization\*\*: GO by alice@example\.com at /,
    );
    expect(doc).toContain("### CRITICAL gates (must all pass; a failure blocks)");
    expect(doc).toContain(
      "- ✅ **Security validation** — 1 of 1 command(s) failed — approved by the HUM LEAD with a waiver",
    );
    expect(doc).toContain("| Security | ⚠️ CONDITIONAL | 0/1 security command(s) passed (waived) |");
    expect(doc).toMatch(
      /\| payments \| ✅ complete \| SEV-1 \| security 95 \| docs\/02_features\/payments\/07-readiness\/validation-report\.md:4 \|/,
    );
    expect(doc).toMatch(
      /\*\*Decision\*\*: ✅ GO — authorized by alice@example\.com at \d{4}-\d{2}-\d{2}T[\d:.]+Z — GO/,
    );
  });
});
