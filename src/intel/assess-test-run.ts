/**
 * Spec 3.1–3.3: what one test command's run means — passed or not, a summary, and the findings the
 * HUM LEAD must see. The report (JUnit, TAP, npm audit JSON) wins over the exit code where there is
 * one; a timeout or a command that could not start always fails. Pure.
 */
import type { Finding } from "../core/events.js";
import {
  AUDIT_LEVELS,
  detectReportFormat,
  parseJUnit,
  parseNpmAudit,
  parseTap,
  type AuditLevel,
  type AuditSummary,
  type TestSummary,
} from "./parse-test-reports.js";

export const TestKinds = { integration: "integration", performance: "performance", security: "security" } as const;
export type TestKind = (typeof TestKinds)[keyof typeof TestKinds];

export interface RunFacts {
  exitCode: number | null;
  timedOut: boolean;
  spawnError?: string;
  durationMs: number;
  stdout: string;
  /** How the run ended, in words ("exit 1 in 120 ms"). */
  outcome: string;
}

export interface TestOutcome {
  kind: TestKind;
  name: string;
  passed: boolean;
  /** Which reading decided: the report's format, or "exit-code". */
  format: "junit" | "tap" | "npm-audit" | "exit-code";
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  outcome: string;
  tests?: Omit<TestSummary, "format">;
  audit?: Omit<AuditSummary, "format">;
  findings: Finding[];
}

export interface AssessRunInput {
  kind: TestKind;
  name: string;
  run: RunFacts;
  /** The report file's text (when the step names one and it was read), else null: stdout is tried. */
  report: string | null;
  reportFile?: string;
  format?: "auto" | "junit" | "tap" | "npm-audit" | "exit-code";
  /** npm audit: the lowest severity that fails (default high). */
  failOn?: AuditLevel;
}

/** Assesses one run. Example: a security step whose npm audit JSON lists a high vulnerability → `{passed: false, findings: [{severity: "critical", code: "SECURITY_VULNERABILITY", …}]}`. */
export function assessTestRun(i: AssessRunInput): TestOutcome {
  const src = `${i.kind}:${i.name}`;
  const base = {
    kind: i.kind,
    name: i.name,
    exitCode: i.run.exitCode,
    timedOut: i.run.timedOut,
    durationMs: i.run.durationMs,
    outcome: i.run.outcome,
  };
  const findings: Finding[] = [];
  if (i.run.spawnError)
    return {
      ...base,
      passed: false,
      format: "exit-code",
      findings: [
        {
          severity: "critical",
          code: "TEST_COMMAND_NOT_STARTED",
          message: `${i.kind} test "${i.name}" could not start: ${i.run.spawnError}`,
          source: src,
        },
      ],
    };
  if (i.run.timedOut)
    findings.push({
      severity: "critical",
      code: "TEST_TIMED_OUT",
      message: `${i.kind} test "${i.name}" ${i.run.outcome}.`,
      source: src,
    });

  const text = i.report ?? i.run.stdout;
  const wanted = i.format ?? "auto";
  const format = wanted === "auto" ? detectReportFormat(text) : wanted === "exit-code" ? null : wanted;
  const exitOk = i.run.exitCode === 0 && !i.run.timedOut;

  if (format === "npm-audit") {
    const audit = parseNpmAudit(text);
    if (audit) {
      const failAt = AUDIT_LEVELS.indexOf(i.failOn ?? "high");
      const bad = audit.vulnerabilities.filter((v) => AUDIT_LEVELS.indexOf(v.severity) >= failAt);
      for (const v of bad.slice(0, 20))
        findings.push({
          severity: v.severity === "critical" || v.severity === "high" ? "critical" : "warning",
          code: "SECURITY_VULNERABILITY",
          message: `${v.severity} vulnerability in ${v.name}${v.range ? ` (${v.range})` : ""}: ${v.title}${v.fixAvailable ? " — a fix is available" : ""}`,
          source: i.reportFile ?? src,
        });
      if (bad.length > 20)
        findings.push({
          severity: "critical",
          code: "SECURITY_VULNERABILITY",
          message: `… and ${bad.length - 20} more vulnerabilities at or above ${i.failOn ?? "high"}`,
          source: i.reportFile ?? src,
        });
      const countedBad = AUDIT_LEVELS.slice(failAt).reduce((a, l) => a + audit.counts[l], 0);
      if (bad.length === 0 && countedBad > 0)
        findings.push({
          severity: "critical",
          code: "SECURITY_VULNERABILITY",
          message: `${countedBad} vulnerabilities at or above ${i.failOn ?? "high"} (npm audit totals)`,
          source: i.reportFile ?? src,
        });
      const { format: _f, ...rest } = audit;
      // npm audit exits non-zero for any finding; the threshold decides, not the exit code.
      return { ...base, passed: countedBad === 0 && !i.run.timedOut, format: "npm-audit", audit: rest, findings };
    }
  }
  if (format === "junit" || format === "tap") {
    const s = format === "junit" ? parseJUnit(text) : parseTap(text);
    if (s.tests > 0 || s.failed > 0 || s.problems.length > 0) {
      for (const f of s.failures.slice(0, 20))
        findings.push({
          severity: "critical",
          code: "TEST_FAILED",
          message: `${i.kind} test failed: ${f.name}${f.message && f.message !== "not ok" ? ` — ${f.message}` : ""}`,
          source: i.reportFile ?? src,
        });
      if (s.failed > 20)
        findings.push({
          severity: "critical",
          code: "TEST_FAILED",
          message: `… and ${s.failed - 20} more failed ${i.kind} tests`,
          source: i.reportFile ?? src,
        });
      for (const p of s.problems)
        findings.push({
          severity: "critical",
          code: "TEST_REPORT_PROBLEM",
          message: `${i.kind} test "${i.name}": ${p}`,
          source: i.reportFile ?? src,
        });
      const reportOk = s.failed === 0 && s.problems.length === 0;
      if (reportOk && !exitOk && !i.run.timedOut)
        findings.push({
          severity: "critical",
          code: "TEST_COMMAND_FAILED",
          message: `${i.kind} test "${i.name}" reports no failure but ${i.run.outcome}.`,
          source: src,
        });
      const { format: _f, ...rest } = s;
      return { ...base, passed: reportOk && exitOk, format, tests: rest, findings };
    }
  }
  if (i.reportFile && i.report === null)
    findings.push({
      severity: "warning",
      code: "TEST_REPORT_MISSING",
      message: `${i.kind} test "${i.name}" did not write its report ${i.reportFile}; judged by its exit code.`,
      source: src,
    });
  if (!exitOk && !i.run.timedOut)
    findings.push({
      severity: "critical",
      code: "TEST_COMMAND_FAILED",
      message: `${i.kind} test "${i.name}" failed: ${i.run.outcome}.`,
      source: src,
    });
  return { ...base, passed: exitOk, format: "exit-code", findings };
}

/** Totals of a suite of outcomes (one spec step). */
export function summarizeOutcomes(outcomes: readonly TestOutcome[]): {
  commands: number;
  passed: number;
  failed: number;
  tests: number;
  testsFailed: number;
} {
  return {
    commands: outcomes.length,
    passed: outcomes.filter((o) => o.passed).length,
    failed: outcomes.filter((o) => !o.passed).length,
    tests: outcomes.reduce((a, o) => a + (o.tests?.tests ?? 0), 0),
    testsFailed: outcomes.reduce((a, o) => a + (o.tests?.failed ?? 0), 0),
  };
}
