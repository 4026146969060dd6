import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readFeatureReport } from "../../src/intel/read-feature-report.js";
import type { FeatureReadiness, FeatureReport } from "../../src/intel/feature-types.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/features/variants");
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function tempProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "brtops-intel-features-"));
  temps.push(dir);
  return dir;
}

function put(root: string, file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}

function feature(r: FeatureReport, name: string): FeatureReadiness {
  const f = r.features.find((x) => x.name === name);
  if (!f) throw new Error(`no feature ${name} in ${r.features.map((x) => x.name).join(", ")}`);
  return f;
}

describe("readFeatureReport on every readiness variant", () => {
  let report: FeatureReport;
  it("reads each feature's status, with the file and line it came from", async () => {
    report = await readFeatureReport(FIXTURE, {});
    const F = "docs/02_features";
    const expected: [string, string, string | null, number | null][] = [
      ["auth-template", "complete", `${F}/auth-template/07-readiness/validation-report.md`, 5],
      ["search-heading", "complete", `${F}/search-heading/07-readiness/validation-report.md`, 3],
      ["payments-bold", "complete", `${F}/payments-bold/07-readiness/validation-report.md`, 3],
      ["notifications-emoji", "in-progress", `${F}/notifications-emoji/07-readiness/validation-report.md`, 3],
      ["reports-lowercase", "blocked", `${F}/reports-lowercase/07-readiness/validation-report.md`, 3],
      ["onboarding-aar", "complete", `${F}/onboarding-aar/07-readiness/after-action-report.md`, 6],
      ["analytics-caar", "conditional", `${F}/analytics-caar/07-readiness/comprehensive-aar.md`, 3],
      ["legacy-profile", "pending", null, null],
      ["legacy-with-readme", "complete", `${F}/legacy-with-readme/README.md`, 3],
      ["summary-only", "conditional", `${F}/summary-only/FEATURE-SUMMARY.md`, 3],
      ["contradictory", "blocked", `${F}/contradictory/07-readiness/validation-report.md`, 7],
      ["template-unfilled", "pending", null, null],
      ["Ghost import", "in-progress", `${F}/feature-index.md`, 11],
    ];
    for (const [name, status, file, line] of expected) {
      const f = feature(report, name);
      expect({ name, status: f.status, source: f.source }).toEqual({
        name,
        status,
        source: file ? { file, line } : null,
      });
    }
    expect(report.features).toHaveLength(expected.length);
  });

  it("reads SEV, scores, risks, deployment method and release-notes content", () => {
    const auth = feature(report, "auth-template");
    expect(auth.sev).toBe(1);
    expect(auth.scores).toEqual({ validation: 92, performance: 88, security: 95 });
    expect(auth.deploymentMethod).toBe("blue-green");
    expect(auth.risks.map((r) => [r.level, r.risk, r.open])).toEqual([
      ["HIGH", "Session store failover", false],
      ["MEDIUM", "Token clock skew", true],
    ]);
    expect(auth.risks[0]).toMatchObject({
      impact: "Users signed out",
      mitigation: "Sticky sessions with replica",
      file: "docs/02_features/auth-template/07-readiness/deployment-readiness.md",
      line: 11,
    });
    expect(auth.notes.newFeatures.map((n) => n.text)).toEqual([
      "Sign in with GitHub",
      "Remember this device for 30 days",
    ]);
    expect(auth.notes.enhancements.map((n) => n.text)).toEqual(["Faster password hashing"]);
    expect(auth.notes.bugFixes.map((n) => n.text)).toEqual(["Fixed lockout counter not resetting"]);
    expect(auth.breakingChanges.map((n) => n.text)).toEqual(["The /login endpoint now requires a CSRF token"]);
    expect(auth.notes.migration.map((n) => n.text)).toEqual(["Send the X-CSRF-Token header on /login"]);
    expect(auth.knownIssues.map((n) => n.text)).toEqual(["Safari private mode forgets the device — Sign in again"]);
    expect(auth.failed).toEqual([]);
    expect(auth.contradictions).toEqual([]);

    expect(feature(report, "payments-bold")).toMatchObject({ sev: 0, scores: { security: 96 }, knownIssues: [] });
    expect(feature(report, "search-heading").sev).toBe(2); // from the feature index's [SEV-2]
    expect(feature(report, "summary-only").sev).toBe(2); // from the registry's "severity"
    expect(feature(report, "analytics-caar").deploymentMethod).toBe("feature-flag");
    const notif = feature(report, "notifications-emoji");
    expect(notif.pending.map((p) => p.text)).toEqual(["Push delivery", "Digest emails reviewed by marketing"]);
    const reports = feature(report, "reports-lowercase");
    expect(reports.sev).toBe(2);
    expect(reports.failed.map((p) => [p.text, p.line])).toEqual([["pdf export — fails on 500 pages", 8]]);
  });

  it("lets the most cautious reading win and lists every reading of a contradiction", () => {
    const c = feature(report, "contradictory");
    expect(c.contradictions.map((r) => [r.line, r.status])).toEqual([
      [3, "complete"],
      [5, "in-progress"],
      [7, "blocked"],
    ]);
    expect(c.remarks.join("\n")).toMatch(/most cautious reading wins, blocked at .*validation-report\.md:7/);
  });

  it("ignores unfilled template lines and says so", () => {
    const t = feature(report, "template-unfilled");
    expect(t.remarks.filter((r) => r.includes("unfilled template"))).toHaveLength(2);
    expect(t.source).toBeNull();
  });

  it("aggregates by the framework's rules", () => {
    expect(report.readiness).toBe("NOT_READY");
    expect(report.recommendation).toBe("NO_GO");
    expect(report.sev).toBe(0);
    expect(report.gates).toEqual({
      critical: { passed: 1, total: 3 },
      standard: { passed: 3, total: 5 },
      advisory: { passed: 0, total: 3 },
    });
    expect(report.counts).toEqual({
      total: 13,
      complete: 5,
      conditional: 2,
      inProgress: 2,
      blocked: 2,
      pending: 2,
      waived: 0,
      excluded: 0,
    });
    const c1 = report.checks.find((c) => c.id === "C1")!;
    expect(c1.features.sort()).toEqual(
      [
        "Ghost import",
        "contradictory",
        "legacy-profile",
        "notifications-emoji",
        "reports-lowercase",
        "template-unfilled",
      ].sort(),
    );
    expect(report.checks.find((c) => c.id === "C2")!.features).toEqual(["reports-lowercase"]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("leaves excluded features out and counts waived ones as conditional-accepted", async () => {
    const r = await readFeatureReport(
      FIXTURE,
      {},
      {
        excluded: ["contradictory", "Ghost import", "reports-lowercase", "template-unfilled"],
        waived: ["legacy-profile", "notifications-emoji"],
      },
    );
    expect(r.features.map((f) => f.name)).not.toContain("contradictory");
    expect(r.excluded.sort()).toEqual(["Ghost import", "contradictory", "reports-lowercase", "template-unfilled"]);
    expect(r.waived.sort()).toEqual(["legacy-profile", "notifications-emoji"]);
    expect(r.counts).toMatchObject({ total: 9, waived: 2, excluded: 4 });
    expect(r.gates.critical).toEqual({ passed: 3, total: 3 });
    expect(r.readiness).toBe("CONDITIONAL");
    expect(r.recommendation).toBe("CONDITIONAL_GO");
    expect(r.checks.find((c) => c.id === "S1")!.features.sort()).toEqual([
      "analytics-caar",
      "legacy-profile",
      "notifications-emoji",
      "summary-only",
    ]);
  });

  it("is READY and GO when every feature is complete and clean", async () => {
    const r = await readFeatureReport(
      FIXTURE,
      {},
      {
        excluded: [
          "contradictory",
          "Ghost import",
          "reports-lowercase",
          "template-unfilled",
          "legacy-profile",
          "notifications-emoji",
          "analytics-caar",
          "summary-only",
        ],
      },
    );
    expect(r.features.every((f) => f.status === "complete")).toBe(true);
    expect(r.gates.critical).toEqual({ passed: 3, total: 3 });
    expect(r.gates.standard).toEqual({ passed: 5, total: 5 });
    expect(r.readiness).toBe("READY");
    expect(r.recommendation).toBe("GO");
  });

  it("says when a waived or excluded name matches no feature", async () => {
    const r = await readFeatureReport(FIXTURE, {}, { waived: ["no-such-feature"] });
    expect(r.remarks).toContain('"no-such-feature" was waived or excluded but names no feature');
  });
});

describe("hostile inputs", () => {
  it("neither crashes nor hangs on empty, binary, huge, invalid UTF-8, FIFO and looping files", async () => {
    const root = tempProject();
    const F = "docs/02_features";
    put(root, `${F}/empty/07-readiness/validation-report.md`, "");
    put(
      root,
      `${F}/binary/07-readiness/validation-report.md`,
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3, 0xff, 0xfe]),
    );
    const huge = `# Huge\n\n**Validation Status**: COMPLETE\n\n${"| a | ✅ | lots of text that goes on |\n".repeat(200_000)}`;
    expect(huge.length).toBeGreaterThan(5_000_000);
    put(root, `${F}/huge/07-readiness/validation-report.md`, `${huge}\n**Validation Status**: BLOCKED\n`);
    put(
      root,
      `${F}/one-long-line/07-readiness/validation-report.md`,
      `**Validation Status**: ${"COMPLETE ".repeat(700_000)}`,
    );
    put(
      root,
      `${F}/bad-utf8/07-readiness/validation-report.md`,
      Buffer.concat([
        Buffer.from("# Bad\n**Validation Status**: "),
        Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
        Buffer.from(" COMPLETE\n"),
      ]),
    );
    put(
      root,
      `${F}/three-ways/07-readiness/validation-report.md`,
      "**Validation Status**: COMPLETE\n## Feature Validation Status: 🟡 IN PROGRESS\n**STATUS: ❌ BLOCKED**\n",
    );
    put(root, `${F}/fifo/07-readiness/README.txt`, "x");
    execFileSync("mkfifo", [join(root, `${F}/fifo/07-readiness/validation-report.md`)]);
    mkdirSync(join(root, `${F}/loop/07-readiness`), { recursive: true });
    symlinkSync(join(root, F), join(root, `${F}/loop/07-readiness/back`));
    symlinkSync(join(root, `${F}/loop`), join(root, `${F}/loop/self`));
    put(root, ".brtops/feature-registry.json", "{not json");
    put(root, `${F}/feature-index.md`, new Uint8Array([0, 1, 2, 3]));

    const r = await readFeatureReport(root, { readiness: { maxFileBytes: 1024 * 1024 } });
    const by = Object.fromEntries(r.features.map((f) => [f.name, f]));
    expect(by.empty!.status).toBe("pending");
    expect(by.empty!.remarks.join()).toMatch(/empty file/);
    expect(by.binary!.status).toBe("pending");
    expect(by.binary!.remarks.join()).toMatch(/binary content: skipped/);
    // Only the first MiB is read: the BLOCKED line at the end is beyond the cap, and it says so.
    expect(by.huge!.status).toBe("complete");
    expect(by.huge!.remarks.join()).toMatch(/only the first 1048576 bytes were read/);
    expect(by["one-long-line"]!.status).toBe("complete");
    expect(by["bad-utf8"]!.status).toBe("complete");
    expect(by["bad-utf8"]!.remarks.join()).toMatch(/invalid UTF-8/);
    expect(by["three-ways"]!.status).toBe("blocked");
    expect(by["three-ways"]!.contradictions).toHaveLength(3);
    expect(by.fifo!.status).toBe("pending");
    expect(by.fifo!.remarks.join()).toMatch(/not a regular file/);
    expect(by.loop!.status).toBe("pending");
    expect(r.remarks.join("\n")).toMatch(/feature-registry\.json: not JSON/);
    expect(r.remarks.join("\n")).toMatch(/feature-index\.md: binary content/);
    expect(r.readiness).toBe("NOT_READY");
  });

  it("treats a project without a features folder as having no features", async () => {
    const root = tempProject();
    const r = await readFeatureReport(root, {});
    expect(r.features).toEqual([]);
    // Nothing to assess is said so, never READY (GO) (issue 11).
    expect(r.readiness).toBe("NO_FEATURES");
    expect(r.recommendation).toBe("CONDITIONAL_GO");
    expect(r.remarks[0]).toMatch(/no features folder at docs\/02_features/);
    expect(r.checks.find((c) => c.id === "A1")!.detail).toBe("no features found");
  });

  it("honours paths.features, nested grouping folders and index paths outside the folder", async () => {
    const root = tempProject();
    cpSync(join(FIXTURE, "docs/02_features/search-heading"), join(root, "features/web/search"), { recursive: true });
    put(
      root,
      "features/feature-index.md",
      "# Index\n\n| Feature | Path | Status | SEV |\n|---|---|---|---|\n| Billing | modules/billing | ✅ COMPLETE | SEV-1 |\n",
    );
    put(root, "modules/billing/07-readiness/validation-report.md", "**Validation Status**: COMPLETE\n");
    put(root, ".brtops/feature-registry.json", JSON.stringify({ search: { status: "IN_PROGRESS", sev: 3 } }));
    const r = await readFeatureReport(root, { paths: { features: "features" } });
    expect(r.features.map((f) => [f.name, f.path, f.status, f.sev])).toEqual(
      [
        ["search", "features/web/search", "in-progress", 3],
        ["billing", "modules/billing", "complete", 1],
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
    const search = r.features.find((f) => f.name === "search")!;
    expect(search.source).toEqual({ file: ".brtops/feature-registry.json", line: 1 });
    expect(search.contradictions.map((c) => c.file)).toEqual([
      "features/web/search/07-readiness/validation-report.md",
      ".brtops/feature-registry.json",
    ]);
  });
});
