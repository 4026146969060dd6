import { describe, expect, it } from "vitest";
import type { AnyDraft, AnyEvent } from "../../src/core/events.js";
import { phaseApproval } from "../../src/intel/phase-approval.js";
import { signoffsFromEvents } from "../../src/intel/signoffs-from-events.js";
import { needsReadinessGate, readinessFindings } from "../../src/intel/readiness-findings.js";
import { aggregateReadiness } from "../../src/intel/aggregate-readiness.js";
import { assessFeature } from "../../src/intel/assess-feature.js";
import { parseReadinessDoc } from "../../src/intel/parse-readiness-doc.js";
import { boundFeatureReport } from "../../src/intel/record-bounds.js";

function log(drafts: AnyDraft[]): AnyEvent[] {
  return drafts.map((d, i) => ({ ...d, seq: i + 1, release: "1.0.0", prev: "x", hash: `h${i}` }));
}
const hum = (id: string) => ({ id, role: "hum-lead" as const });

describe("phaseApproval", () => {
  it("gives the final round's approvers, its time and the waivers", () => {
    const events = log([
      {
        type: "GateOpened",
        at: "t1",
        actor: hum("x"),
        data: {
          phase: 3,
          step: "3.10",
          kind: "approval",
          title: "",
          report: "",
          findings: [],
          requiredApprovals: 2,
          onApprove: "3.11",
        },
      },
      {
        type: "GateApproved",
        at: "t2",
        actor: hum("alice"),
        data: { phase: 3, step: "3.10", authority: "person", final: false, note: "looks fine — waiver: audit noise" },
      },
      {
        type: "GateApproved",
        at: "t3",
        actor: hum("bob"),
        data: { phase: 3, step: "3.10", authority: "person", final: true },
      },
      {
        type: "GateApproved",
        at: "t4",
        actor: hum("carol"),
        data: { phase: 2, step: "2.10", authority: "person", final: true },
      },
    ]);
    expect(phaseApproval(events, 3)).toEqual({
      by: ["alice", "bob"],
      at: "t3",
      seq: 3,
      authority: "person",
      notes: ["looks fine — waiver: audit noise"],
      waivers: ["audit noise"],
    });
    expect(phaseApproval(events, 5)).toBeNull();
  });
});

describe("signoffsFromEvents", () => {
  it("reads signoff notes of one scope, by their actors", () => {
    const events = log([
      {
        type: "Note",
        at: "t1",
        actor: { id: "qa@x", role: "member" },
        data: { text: "tested on staging", kind: "signoff", data: { for: "uat", decision: "approve" } },
      },
      {
        type: "Note",
        at: "t2",
        actor: { id: "pm@x", role: "member" },
        data: { text: "copy is wrong", kind: "signoff", data: { decision: "reject" } },
      },
      { type: "Note", at: "t3", actor: { id: "pm@x", role: "member" }, data: { text: "just a note" } },
    ]);
    expect(signoffsFromEvents(events, "uat")).toEqual([
      { by: "qa@x", at: "t1", decision: "approve", note: "tested on staging" },
    ]);
    expect(signoffsFromEvents(events, "stakeholders")).toEqual([
      { by: "pm@x", at: "t2", decision: "reject", note: "copy is wrong" },
    ]);
  });
});

describe("readiness findings and the recorded report", () => {
  const feature = (name: string, text: string) =>
    assessFeature({
      name,
      path: `docs/02_features/${name}`,
      docs: [parseReadinessDoc(`docs/02_features/${name}/07-readiness/validation-report.md`, text)],
    });
  const ready = feature("a", "**Validation Status**: COMPLETE\n**SEV Level**: SEV-2\n");
  const pending = feature("b", "**Validation Status**: IN_PROGRESS\n**SEV Level**: SEV-2\n");

  it("makes failed CRITICAL checks critical findings with their source, and opens the gate", () => {
    const f = readinessFindings(aggregateReadiness([ready, pending]));
    expect(f[0]).toEqual({
      severity: "critical",
      code: "READINESS_C1",
      message: "CRITICAL All features complete: not complete: b",
      source: "docs/02_features/b/07-readiness/validation-report.md:1",
    });
    expect(needsReadinessGate(f)).toBe(true);
  });

  it("does not stop again for features the HUM LEAD already waived", () => {
    const f = readinessFindings(aggregateReadiness([ready, pending], { waived: ["b"] }));
    expect(f).toEqual([]);
    expect(needsReadinessGate(f)).toBe(false);
    expect(needsReadinessGate([{ severity: "info", code: "READINESS_A3", message: "" }])).toBe(false);
  });

  it("bounds what a step records and counts what it cut", () => {
    const many = Array.from({ length: 5 }, (_, i) =>
      feature(
        `f${i}`,
        `**Validation Status**: COMPLETE\n${Array.from({ length: 30 }, (_, k) => `- [ ] item ${k}`).join("\n")}\n`,
      ),
    );
    const r = boundFeatureReport(aggregateReadiness(many), 3);
    expect(r.features).toHaveLength(3);
    expect(r.featuresOmitted).toBe(2);
    expect(r.features[0]!.pending).toHaveLength(20);
    expect(r.counts.total).toBe(5);
  });
});
