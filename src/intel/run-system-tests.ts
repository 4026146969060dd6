/**
 * Spec 3.1–3.3 I/O: run each configured test command of a kind with its time limit, read the
 * report file it names (bounded), assess it, and keep the redacted tail of its output.
 */
import { join, resolve, sep } from "node:path";
import type { ProcessRunner } from "../adapters/process-runner.js";
import { describeRun } from "../adapters/process-runner.js";
import type { TestStep } from "../config/schema-intel.js";
import type { SubstitutionVars } from "../deploy/substitute.js";
import { substitute } from "../deploy/substitute.js";
import { assessTestRun, type TestKind, type TestOutcome } from "./assess-test-run.js";
import { readBounded } from "./read-bounded.js";
import { runCommandStep, tail } from "./run-command-step.js";

const MAX_REPORT_BYTES = 16 * 1024 * 1024;

export interface TestRunRecord extends TestOutcome {
  outputTail: string;
  report: string | null;
}

export interface RunTestsOptions {
  root: string;
  kind: TestKind;
  steps: readonly (
    | TestStep
    | (Omit<TestStep, "report" | "format" | "failOn"> & Partial<Pick<TestStep, "report" | "format" | "failOn">>)
  )[];
  run: ProcessRunner;
  vars: SubstitutionVars;
  redact: (s: string) => string;
  signal?: AbortSignal;
  onResult?: (r: TestRunRecord) => void;
}

/** Runs the steps one after another. Example: `await runTestSteps({root, kind: "security", steps: config.tests.security, run, vars, redact})`. */
export async function runTestSteps(o: RunTestsOptions): Promise<TestRunRecord[]> {
  const out: TestRunRecord[] = [];
  for (const step of o.steps) {
    const r = await runCommandStep(o.root, step, o.run, o.vars, o.signal ? { signal: o.signal } : {});
    let reportText: string | null = null;
    let reportFile: string | undefined;
    if (step.report) {
      reportFile = substitute(step.report, o.vars, `test "${step.name}" report`);
      const abs = resolve(join(o.root, reportFile));
      if (abs.startsWith(resolve(o.root) + sep)) {
        const read = await readBounded(abs, MAX_REPORT_BYTES).catch(() => null);
        if (read) reportText = o.redact(new TextDecoder().decode(read.bytes));
      }
    }
    const outcome = assessTestRun({
      kind: o.kind,
      name: step.name,
      run: {
        exitCode: r.exitCode,
        timedOut: r.timedOut,
        durationMs: r.durationMs,
        stdout: r.stdout,
        outcome: describeRun(r),
        ...(r.spawnError ? { spawnError: r.spawnError } : {}),
      },
      report: reportText,
      ...(reportFile ? { reportFile } : {}),
      ...(step.format ? { format: step.format } : {}),
      ...(step.failOn ? { failOn: step.failOn } : {}),
    });
    const rec: TestRunRecord = {
      ...redactOutcome(outcome, o.redact),
      outputTail: tail(`${r.stdout}${r.stderr ? `\n${r.stderr}` : ""}`, 2000),
      report: reportFile ?? null,
    };
    out.push(rec);
    o.onResult?.(rec);
  }
  return out;
}

function redactOutcome(o: TestOutcome, redact: (s: string) => string): TestOutcome {
  return { ...o, outcome: redact(o.outcome), findings: o.findings.map((f) => ({ ...f, message: redact(f.message) })) };
}
