import { describe, expect, it } from "vitest";
import { assessSignoffs } from "../../src/intel/assess-signoffs.js";
import { aggregateRisks } from "../../src/intel/aggregate-risks.js";
import { buildReadinessChecklist, type ChecklistInput } from "../../src/intel/readiness-checklist.js";
import type { Risk } from "../../src/intel/readiness-tables.js";

const risk = (level: Risk["level"], open: boolean, mitigation = "plan"): Risk => ({
  level,
  risk: `${level} risk`,
  impact: "i",
  mitigation,
  status: open ? "Open" : "Mitigated",
  open,
  file: "f.md",
  line: 3,
});

describe("sign-offs", () => {
  it("counts each person's latest sign-off and names who is missing", () => {
    const a = assessSignoffs(
      ["qa@x", "pm@x", "ops@x"],
      [
        { by: "qa@x", at: "2025-01-01T10:00:00Z", decision: "reject" },
        { by: "QA@x", at: "2025-01-01T11:00:00Z", decision: "approve", note: "fixed" },
        { by: "pm@x", at: "2025-01-01T10:00:00Z", decision: "reject", note: "copy wrong" },
        { by: "someone@x", at: "2025-01-01T10:00:00Z", decision: "approve" },
      ],
    );
    expect(a.signed.map((s) => s.by)).toEqual(["QA@x"]);
    expect(a.rejected.map((s) => s.by)).toEqual(["pm@x"]);
    expect(a.missing).toEqual(["ops@x"]);
    expect(a.others.map((s) => s.by)).toEqual(["someone@x"]);
    expect(a.complete).toBe(false);
    expect(assessSignoffs(["a", "b"], [{ by: "a", at: "t", decision: "approve" }], 1).complete).toBe(true);
    expect(assessSignoffs([], []).complete).toBe(true);
  });
});

describe("risk profile", () => {
  it("orders HIGH and open first and counts unmitigated HIGH risks", () => {
    const p = aggregateRisks([
      { name: "b", risks: [risk("LOW", true), risk("HIGH", false)] },
      { name: "a", risks: [risk("HIGH", true, ""), risk("MEDIUM", true)] },
    ]);
    expect(p.risks.map((r) => [r.feature, r.level, r.open])).toEqual([
      ["a", "HIGH", true],
      ["b", "HIGH", false],
      ["a", "MEDIUM", true],
      ["b", "LOW", true],
    ]);
    expect(p.counts.HIGH).toEqual({ open: 1, total: 2 });
    expect(p.unmitigatedHigh).toBe(1);
    expect(p.risks[0]!.source).toBe("f.md:3");
  });
});

describe("readiness checklist (5.4)", () => {
  const good: ChecklistInput = {
    features: {
      readiness: "READY",
      gates: {
        critical: { passed: 3, total: 3 },
        standard: { passed: 5, total: 5 },
        advisory: { passed: 3, total: 3 },
      },
      waived: [],
      contradictions: 0,
    },
    tests: {
      integration: { commands: 2, failed: 0 },
      performance: { commands: 1, failed: 0 },
      security: { commands: 1, failed: 0 },
    },
    uat: assessSignoffs(["qa@x"], [{ by: "qa@x", at: "t", decision: "approve" }]),
    health: { passed: true, detail: "3/3 checks healthy" },
    stakeholders: assessSignoffs(["pm@x"], [{ by: "pm@x", at: "t", decision: "approve" }]),
    risks: aggregateRisks([{ name: "a", risks: [risk("LOW", true)] }]),
    artifacts: { count: 2, manifest: "docs/x/artifacts-manifest.json", ok: true },
    rollbackPlanned: true,
  };

  it("is GO when every gate passes", () => {
    const c = buildReadinessChecklist(good);
    expect(c.recommendation).toBe("GO");
    expect(c.gates).toEqual({
      critical: { passed: 5, total: 5 },
      standard: { passed: 5, total: 5 },
      advisory: { passed: 4, total: 4 },
    });
    expect(c.matrix.map((m) => [m.factor, m.status])).toEqual([
      ["Feature readiness", "GO"],
      ["System testing", "GO"],
      ["Security", "GO"],
      ["System health", "GO"],
      ["Risks", "GO"],
      ["Stakeholder sign-offs", "GO"],
      ["Artifacts", "GO"],
    ]);
    expect(c.findings).toEqual([]);
  });

  it("is NO_GO on a failed security command, CONDITIONAL_GO once it is waived but sign-offs are missing", () => {
    const failing = buildReadinessChecklist({
      ...good,
      tests: { ...good.tests!, security: { commands: 1, failed: 1 } },
    });
    expect(failing.recommendation).toBe("NO_GO");
    expect(failing.findings).toEqual([
      {
        severity: "critical",
        code: "READINESS_CRITICAL_GATE",
        message: "Security validation: 1 of 1 command(s) failed",
        source: "5.4",
      },
    ]);
    expect(failing.matrix.find((m) => m.factor === "Security")!.status).toBe("NO-GO");
    const waived = buildReadinessChecklist({
      ...good,
      tests: { ...good.tests!, security: { commands: 1, failed: 1, waived: true } },
      stakeholders: assessSignoffs(["pm@x", "cto@x"], [{ by: "pm@x", at: "t", decision: "approve" }]),
    });
    expect(waived.recommendation).toBe("CONDITIONAL_GO");
    expect(waived.matrix.find((m) => m.factor === "Security")!).toMatchObject({
      status: "CONDITIONAL",
      notes: "0/1 security command(s) passed (waived)",
    });
    expect(waived.matrix.find((m) => m.factor === "Stakeholder sign-offs")!).toMatchObject({
      status: "CONDITIONAL",
      notes: "1/2 signed; missing: cto@x",
    });
  });

  it("does not count checks whose phase is not in the plan", () => {
    const c = buildReadinessChecklist({
      ...good,
      tests: null,
      uat: null,
      health: null,
      rollbackPlanned: null,
      artifacts: null,
      stakeholders: null,
    });
    expect(c.gates.critical).toEqual({ passed: 1, total: 1 });
    expect(c.items.find((i) => i.title === "Security validation")).toMatchObject({
      passed: null,
      detail: "phase 3 is not part of this release's SEV plan",
    });
    expect(c.recommendation).toBe("GO");
  });
});
