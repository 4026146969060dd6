import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createProcessRunner } from "../../src/adapters/process-runner.js";
import { createRedactor } from "../../src/core/redact.js";
import { runTestSteps } from "../../src/intel/run-system-tests.js";
import { detectReportFormat, parseJUnit, parseNpmAudit, parseTap } from "../../src/intel/parse-test-reports.js";
import { assessTestRun } from "../../src/intel/assess-test-run.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const SECRET = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
const redact = createRedactor([SECRET]);
const run = createProcessRunner(redact);
const vars = { version: "2.1.0", previous: "2.0.0", environment: "staging" };
const node = (code: string): string[] => [process.execPath, "-e", code];
const project = (): string => {
  const d = mkdtempSync(join(tmpdir(), "brtops-intel-tests-"));
  dirs.push(d);
  return d;
};

const AUDIT_HIGH = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    lodash: {
      name: "lodash",
      severity: "high",
      via: [{ title: "Prototype Pollution in lodash", url: "https://github.com/advisories/GHSA-x" }],
      range: "<4.17.21",
      fixAvailable: true,
    },
    minimist: { name: "minimist", severity: "low", via: ["lodash"], range: "<1.2.6", fixAvailable: false },
  },
  metadata: { vulnerabilities: { info: 0, low: 1, moderate: 0, high: 1, critical: 0, total: 2 } },
});
const JUNIT_FAIL = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="api" tests="3" failures="1" errors="0" skipped="1">
    <testcase classname="api.search" name="finds items" time="0.1"/>
    <testcase classname="api.search" name="handles &lt;empty&gt; query"><failure message="expected 200, got 500" type="AssertionError">stack…</failure></testcase>
    <testcase classname="api.search" name="later"><skipped/></testcase>
  </testsuite>
</testsuites>`;
const TAP_FAIL =
  "TAP version 13\n1..3\nok 1 - login\nnot ok 2 - checkout total # with details\n  ---\n  message: 'off by one'\n  ...\nok 3 - logout # SKIP not ready\n";

describe("running configured test commands", () => {
  it("a failing security command: npm audit JSON with a high vulnerability (stdout)", async () => {
    const [r] = await runTestSteps({
      root: project(),
      kind: "security",
      steps: [{ name: "npm audit", run: node(`console.log(${JSON.stringify(AUDIT_HIGH)}); process.exit(1)`) }],
      run,
      vars,
      redact,
    });
    expect(r!.passed).toBe(false);
    expect(r!.format).toBe("npm-audit");
    expect(r!.audit?.counts).toEqual({ info: 0, low: 1, moderate: 0, high: 1, critical: 0 });
    expect(r!.findings).toEqual([
      {
        severity: "critical",
        code: "SECURITY_VULNERABILITY",
        message: "high vulnerability in lodash (<4.17.21): Prototype Pollution in lodash — a fix is available",
        source: "security:npm audit",
      },
    ]);
  });

  it("passes npm audit with only low findings although npm exits 1", async () => {
    const low = JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: { m: { severity: "low", via: ["x"], range: "*" } },
      metadata: { vulnerabilities: { low: 1 } },
    });
    const [r] = await runTestSteps({
      root: project(),
      kind: "security",
      steps: [{ name: "audit", run: node(`console.log(${JSON.stringify(low)}); process.exit(1)`) }],
      run,
      vars,
      redact,
    });
    expect(r!.passed).toBe(true);
    expect(r!.findings).toEqual([]);
    const [strict] = await runTestSteps({
      root: project(),
      kind: "security",
      steps: [{ name: "audit", run: node(`console.log(${JSON.stringify(low)}); process.exit(1)`), failOn: "low" }],
      run,
      vars,
      redact,
    });
    expect(strict!.passed).toBe(false);
    expect(strict!.findings[0]).toMatchObject({ severity: "warning", code: "SECURITY_VULNERABILITY" });
  });

  it("a JUnit report file with failures, named by the step", async () => {
    const root = project();
    const write = `require('fs').mkdirSync('reports',{recursive:true});require('fs').writeFileSync('reports/junit-'+process.argv[1]+'.xml',${JSON.stringify(JUNIT_FAIL)});process.exit(1)`;
    const [r] = await runTestSteps({
      root,
      kind: "integration",
      steps: [{ name: "api", run: [...node(write), "{version}"], report: "reports/junit-{version}.xml" }],
      run,
      vars,
      redact,
    });
    expect(r).toMatchObject({
      passed: false,
      format: "junit",
      report: "reports/junit-2.1.0.xml",
      tests: { tests: 3, failed: 1, skipped: 1 },
    });
    expect(r!.findings).toEqual([
      {
        severity: "critical",
        code: "TEST_FAILED",
        message: "integration test failed: api.search › handles <empty> query — expected 200, got 500",
        source: "reports/junit-2.1.0.xml",
      },
    ]);
  });

  it("TAP output with not ok", async () => {
    const [r] = await runTestSteps({
      root: project(),
      kind: "performance",
      steps: [{ name: "load", run: node(`process.stdout.write(${JSON.stringify(TAP_FAIL)}); process.exit(1)`) }],
      run,
      vars,
      redact,
    });
    expect(r).toMatchObject({ passed: false, format: "tap", tests: { tests: 3, failed: 1, skipped: 1 } });
    expect(r!.findings.map((f) => f.message)).toEqual(["performance test failed: checkout total"]);
  });

  it("exit codes, time limits, missing reports and programs, with secrets redacted", async () => {
    const root = project();
    const results = await runTestSteps({
      root,
      kind: "integration",
      steps: [
        { name: "ok", run: node("console.log('fine')") },
        { name: "leaky", run: node(`console.log('using ${SECRET}'); process.exit(2)`) },
        { name: "slow", run: node("setTimeout(()=>{}, 60000)"), timeout: 0.5 },
        { name: "no report", run: node("0"), report: "out/junit.xml" },
        { name: "missing", run: ["/nonexistent/brtops-test-binary"] },
      ],
      run,
      vars,
      redact,
    });
    expect(results.map((r) => [r.name, r.passed, r.findings.map((f) => f.code)])).toEqual([
      ["ok", true, []],
      ["leaky", false, ["TEST_COMMAND_FAILED"]],
      ["slow", false, ["TEST_TIMED_OUT"]],
      ["no report", true, ["TEST_REPORT_MISSING"]],
      ["missing", false, ["TEST_COMMAND_NOT_STARTED"]],
    ]);
    expect(results[1]!.outputTail).toContain("using [REDACTED]");
    expect(JSON.stringify(results)).not.toContain(SECRET);
  });
});

describe("report parsers", () => {
  it("detects formats", () => {
    expect(detectReportFormat(JUNIT_FAIL)).toBe("junit");
    expect(detectReportFormat(AUDIT_HIGH)).toBe("npm-audit");
    expect(detectReportFormat(TAP_FAIL)).toBe("tap");
    expect(detectReportFormat("all good\n")).toBeNull();
  });

  it("reads JUnit suite totals when there are no test cases, and CDATA messages", () => {
    expect(parseJUnit('<testsuite name="x" tests="5" failures="2" errors="1"></testsuite>')).toMatchObject({
      tests: 5,
      failed: 3,
    });
    const cdata = parseJUnit(
      "<testsuite><testcase name='a'><error><![CDATA[boom <here>\nmore]]></error></testcase></testsuite>",
    );
    expect(cdata.failures).toEqual([{ name: "a", message: "boom <here>" }]);
  });

  it("reads TAP subtests, TODO, plans and bail outs", () => {
    const t = parseTap(
      "# Subtest: file\n    ok 1 - a\n    not ok 2 - b\n    1..2\nnot ok 1 - file\nnot ok 2 - known # TODO later\n1..4\nBail out! db down\n",
    );
    expect(t).toMatchObject({ tests: 2, failed: 1 });
    expect(t.failures.map((f) => f.name)).toEqual(["b", "file"]);
    expect(t.problems).toEqual(["Bail out! db down", "planned 4 tests, 2 ran"]);
  });

  it("reads npm audit v6 advisories and refuses other JSON", () => {
    const v6 = parseNpmAudit(
      JSON.stringify({
        advisories: { "1": { module_name: "x", severity: "critical", title: "RCE", vulnerable_versions: "<2" } },
        metadata: { vulnerabilities: { critical: 1 } },
      }),
    );
    expect(v6?.vulnerabilities).toEqual([
      { name: "x", severity: "critical", title: "RCE", range: "<2", fixAvailable: false },
    ]);
    expect(parseNpmAudit('{"a":1}')).toBeNull();
    expect(parseNpmAudit("not json")).toBeNull();
  });

  it("judges a clean report with a failing exit code as failed", () => {
    const r = assessTestRun({
      kind: "integration",
      name: "x",
      run: { exitCode: 1, timedOut: false, durationMs: 1, stdout: "1..1\nok 1 - a\n", outcome: "exit 1 in 1 ms" },
      report: null,
    });
    expect(r.passed).toBe(false);
    expect(r.findings.map((f) => f.code)).toEqual(["TEST_COMMAND_FAILED"]);
  });
});
