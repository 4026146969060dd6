/**
 * Every step's outcome → its verdict (core/step-outcome), one row per case, and the events the
 * rule turns an outcome into. The table covers every automated and report step of the workflow.
 */
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/core/events.js";
import { outcomeDrafts, stepVerdict, type StepOutcome } from "../../src/core/step-outcome.js";
import { unconfiguredFinding, VERDICT_MARKS, type Verdict } from "../../src/core/verdict.js";
import { STEPS } from "../../src/core/workflow.js";
import { foldEvents } from "../../src/core/fold.js";

const crit = (code: string): Finding => ({ severity: "critical", code, message: code });
const warn = (code: string): Finding => ({ severity: "warning", code, message: code });
const ok = (summary: string, extra: Record<string, unknown> = {}): StepOutcome => ({ result: { summary, ...extra } });

const ROWS: [step: string, outcome: StepOutcome, verdict: Verdict][] = [
  ["1.1", ok("v1.1.0 to staging", { findings: [] }), "pass"],
  ["1.1", { result: { summary: "first deployment", findings: [crit("FIRST_DEPLOYMENT_ROLLBACK")] } }, "fail"],
  ["1.2", ok("2 feature(s) — READY", { readiness: "READY", recommendation: "GO" }), "pass"],
  ["1.2", ok("0 feature(s) — NO_FEATURES", { readiness: "NO_FEATURES", recommendation: "CONDITIONAL_GO" }), "warn"],
  ["1.3", ok("NOT_READY (NO_GO)", { readiness: "NOT_READY", recommendation: "NO_GO" }), "fail"],
  ["1.3", ok("CONDITIONAL", { readiness: "CONDITIONAL", recommendation: "CONDITIONAL_GO" }), "warn"],
  ["1.4", ok("SEV-3: phases 1, 2, 5, 6, 7"), "pass"],
  ["1.5", ok("7 documents planned"), "pass"],
  ["1.6", ok("docs/01_application/6-releases/v1.1.0"), "pass"],
  ["1.7", ok("HUM LEADs: alice"), "pass"],
  ["1.8", ok("preflight: 2 blocking problem(s)", { findings: [crit("PREFLIGHT_SCRIPT_MISSING")] }), "fail"],
  ["1.8", ok("SEV-1: phases 1–7"), "pass"],
  ["2.1", ok("v1.1.0 after v1.0.0", { findings: [] }), "pass"],
  ["2.2", ok("3 change(s)"), "pass"],
  ["2.3", ok("3 commit(s)"), "pass"],
  ["2.4", ok("1 artifact(s)", { ok: true }), "pass"],
  ["2.4", { result: { summary: "not intact", ok: false }, findings: [crit("PACKAGE_DIGEST")] }, "fail"],
  ["2.4", { failure: { code: "E_BUILD_FAILED", message: "the build failed" } }, "fail"],
  ["2.5", ok("package report composed"), "pass"],
  ["3.1", ok("1/1 integration command(s) passed", { commands: 1, passed: 1, failed: 0 }), "pass"],
  [
    "3.1",
    { result: { summary: "0/1 passed", commands: 1, passed: 0, failed: 1 }, findings: [crit("INTEGRATION_FAILED")] },
    "fail",
  ],
  [
    "3.2",
    {
      result: { summary: "not configured", notConfigured: true, commands: 0, failed: 0 },
      findings: [unconfiguredFinding(1, "performance", "performance test", "3.2")],
    },
    "not-configured",
  ],
  [
    "3.3",
    {
      result: { summary: "not configured", notConfigured: true, commands: 0, failed: 0 },
      findings: [unconfiguredFinding(3, "security", "security test", "3.3")],
    },
    "not-configured",
  ],
  [
    "3.4",
    ok("UAT: 1/2 signed, waiting for qa", { complete: false, rejected: [], findings: [warn("UAT_SIGNOFF_MISSING")] }),
    "warn",
  ],
  [
    "3.4",
    ok("UAT: 1/2 signed, 1 refused", { complete: false, rejected: [{ by: "qa" }], findings: [crit("UAT_REJECTED")] }),
    "fail",
  ],
  ["3.4", ok("not configured", { notConfigured: true }), "not-configured"],
  ["3.5", ok("testing report composed"), "pass"],
  [
    "4.1",
    { result: { summary: "2 blocking problem(s)" }, findings: [crit("INFRA_SCRIPT_MISSING"), crit("INFRA_TOKEN")] },
    "fail",
  ],
  ["4.1", { result: { summary: "ready" }, findings: [warn("W_NO_HEALTH_CHECKS")] }, "warn"],
  ["4.2", ok("rollback procedure planned"), "pass"],
  ["4.3", ok("orchestration planned"), "pass"],
  ["4.4", ok("communication planned"), "pass"],
  ["4.5", ok("orchestration report composed"), "pass"],
  [
    "5.1",
    ok("1 of 1 health check(s) failing on staging: up", {
      passed: false,
      checks: [{ name: "up", ok: false, detail: "exit 1" }],
    }),
    "fail",
  ],
  [
    "5.1",
    ok("1 health check(s) healthy", { passed: true, checks: [{ name: "up", ok: true, detail: "exit 0" }] }),
    "pass",
  ],
  ["5.1", ok("not applicable (first deployment)", { passed: null, notApplicable: true, checks: [] }), "not-applicable"],
  ["5.1", ok("not configured: no health checks", { passed: null, notConfigured: true, checks: [] }), "not-configured"],
  ["5.2", ok("1/2 stakeholder sign-off(s), waiting for bob", { complete: false, rejected: [] }), "warn"],
  ["5.2", ok("not configured", { notConfigured: true }), "not-configured"],
  ["5.3", ok("1 open HIGH", { profile: { unmitigatedHigh: 1 } }), "warn"],
  ["5.3", ok("0 open HIGH", { profile: { unmitigatedHigh: 0 } }), "pass"],
  [
    "5.4",
    {
      result: { summary: "NO_GO: CRITICAL passed 3/4", recommendation: "NO_GO" },
      findings: [crit("READINESS_CRITICAL_GATE")],
    },
    "fail",
  ],
  ["5.4", ok("CONDITIONAL_GO", { recommendation: "CONDITIONAL_GO" }), "warn"],
  ["5.4", ok("GO; 2 check(s) not configured", { recommendation: "GO", notConfiguredChecks: 2 }), "warn"],
  ["5.4", ok("GO", { recommendation: "GO", notConfiguredChecks: 0 }), "pass"],
  ["5.5", ok("readiness report composed"), "pass"],
  ["6.1", ok("1 step(s) deployed"), "pass"],
  ["6.1", { failure: { code: "E_DEPLOY_FAILED", message: "ship: exit 1" } }, "fail"],
  ["6.2", ok("not configured: no health checks", { healthy: null, notConfigured: true }), "not-configured"],
  [
    "6.2",
    {
      result: { summary: "unhealthy", healthy: false },
      failure: { code: "E_HEALTH_UNHEALTHY", message: "up unhealthy" },
    },
    "fail",
  ],
  ["6.3", { result: { summary: "1 failed" }, findings: [crit("E_VALIDATION_POINT")] }, "fail"],
  ["6.4", { result: { summary: "1 issue" }, findings: [warn("W_SLOW_STEP")] }, "warn"],
  ["6.5", ok("1 step(s) deployed"), "pass"],
  ["6.8", { skipped: 'environment "local" has no GitHub target' }, "skipped"],
  ["6.9", ok("v1.1.0 deployed to local"), "pass"],
  ["6.10", ok("v1.1.0 deployed; tagged"), "pass"],
  [
    "7.1",
    {
      result: { summary: "1 of 1 health checks failed: up", passed: 0, failed: 1 },
      findings: [crit("E_VALIDATION_FAILED")],
    },
    "fail",
  ],
  [
    "7.2",
    {
      result: { summary: "1 of 1 performance checks failed", passed: 0, failed: 1 },
      findings: [crit("E_VALIDATION_FAILED")],
    },
    "fail",
  ],
  ["7.2", ok("not configured: no performance thresholds", { notConfigured: true, checks: [] }), "not-configured"],
  ["7.3", ok("2 smoke commands passed", { passed: 2, failed: 0 }), "pass"],
  ["7.4", ok("not configured", { notConfigured: true, checks: [] }), "not-configured"],
  ["7.5", ok("validation report composed"), "pass"],
  [
    "7.10:environment",
    { result: { summary: "runs v1.0.0, expected v1.1.0" }, findings: [crit("RUNNING_VERSION_MISMATCH")] },
    "fail",
  ],
  ["7.12", ok("COMPLETE and CERTIFIED"), "pass"],
];

describe("step outcome → verdict", () => {
  it.each(ROWS)("%s %#: → %s", (step, outcome, verdict) => {
    expect(stepVerdict(outcome)).toBe(verdict);
    const d = outcomeDrafts({
      step,
      phase: Number(step.split(".")[0]),
      title: step,
      outcome,
      at: "2026-01-01T00:00:00.000Z",
      actor: { id: "agent", role: "ai-lead" },
      sev: 1,
      next: null,
    });
    expect(d.verdict).toBe(verdict);
    // The verdict is carried in the event, and the fold puts it on the step's record.
    const ev = d.drafts[0]!;
    expect((ev.data as { verdict?: string }).verdict).toBe(verdict);
    const requested = {
      type: "ReleaseRequested",
      at: ev.at,
      actor: ev.actor,
      data: { version: "1.1.0", environment: "local" },
      seq: 1,
      release: "1.1.0",
      prev: "",
      hash: "h1",
    };
    const s = foldEvents([requested, { ...ev, seq: 2, release: "1.1.0", prev: "h1", hash: "h2" }] as never)!;
    expect(s.steps[step]?.verdict).toBe(verdict);
  });

  it("covers every automated and report step of the workflow", () => {
    const covered = new Set(ROWS.map((r) => r[0]));
    const missing = STEPS.filter((s) => s.kind === "automated" || s.kind === "report")
      .map((s) => s.id)
      .filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });

  it("shows ✔ for pass only, and a distinct mark for every verdict", () => {
    const marks = Object.values(VERDICT_MARKS);
    expect(new Set(marks).size).toBe(marks.length);
    expect(
      Object.entries(VERDICT_MARKS)
        .filter(([, m]) => m === "✔")
        .map(([v]) => v),
    ).toEqual(["pass"]);
  });

  it("weighs an unconfigured check by SEV: critical at SEV-0/1, warning at SEV-2, info at SEV-3+", () => {
    expect(
      [0, 1, 2, 3, 4].map((sev) => unconfiguredFinding(sev as never, "security", "security test", "3.3").severity),
    ).toEqual(["critical", "critical", "warning", "info", "info"]);
  });

  it("records a failure as StepFailed with verdict fail and a skip as StepSkipped", () => {
    const base = {
      phase: 6,
      title: "t",
      at: "2026-01-01T00:00:00.000Z",
      actor: { id: "a", role: "ai-lead" as const },
      sev: 2 as const,
      next: null,
    };
    expect(
      outcomeDrafts({ ...base, step: "6.1", outcome: { failure: { code: "E", message: "m" } } }).drafts[0],
    ).toMatchObject({ type: "StepFailed", data: { verdict: "fail" } });
    expect(outcomeDrafts({ ...base, step: "6.8", outcome: { skipped: "no target" } }).drafts[0]).toMatchObject({
      type: "StepSkipped",
      data: { verdict: "skipped" },
    });
    expect(outcomeDrafts({ ...base, step: "6.1", outcome: { paused: true } })).toMatchObject({
      drafts: [],
      status: "stopped",
    });
  });
});
