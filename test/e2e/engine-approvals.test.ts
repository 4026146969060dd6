/**
 * The approval rules where the engine applies them, through the CLI. What authority-matrix.test.ts
 * does not reach: a gate that `run` opens while the release is already SEV-0 (run-release records
 * `approvalsRequired(sev)`), and the requester rule with two HUM LEADs configured (decisions.ts
 * passes the release's requester and the config's policy to `judgeApproval`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, HUM2, brtops, sampleProject, status } from "../support/cli.js";

type LoggedEvent = { type: string; actor: { id: string }; data: { step?: string; final?: boolean } };

/** Who approved the step, and whether that approval decided it, in the log's order. */
const approvals = (root: string, step: string): [string, boolean][] =>
  readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8")
    .trim()
    .split("\n")
    // A line is one event, or a batch appended at once (an array).
    .flatMap((l) => JSON.parse(l) as LoggedEvent | LoggedEvent[])
    .filter((e) => e.type === "GateApproved" && e.data.step === step)
    .map((e) => [e.actor.id, e.data.final === true]);

const waiver = (gate: { findings: { severity: string }[] }) =>
  gate.findings.some((f) => f.severity === "critical") ? ["--waive", "accepted in this test"] : [];

describe("approvals as the engine applies them (two HUM LEADs: alice and bob)", () => {
  let p: { root: string; cleanup: () => void } | undefined;
  afterEach(() => p?.cleanup());

  it("a gate run opens at SEV-0 needs two different HUM LEADs", () => {
    p = sampleProject();
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(brtops(root, HUM, ["sev", "SEV-0", "--reason", "payments path changed"]).code).toBe(0);
    const first = status(root).gate;
    expect(brtops(root, HUM, ["approve", "--step", first.round, ...waiver(first)]).code).toBe(0);
    expect(brtops(root, HUM2, ["approve", "--step", first.round, ...waiver(first)]).code).toBe(0);
    // The next gate is opened by the engine while the release is SEV-0 (phase 3 runs at SEV-0).
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    const s = status(root);
    expect(s.sev).toBe("SEV-0");
    expect(s.gate.step).not.toBe(first.step);
    expect(s.gate.requiredApprovals).toBe(2);
    const step = s.gate.step as string;
    expect(brtops(root, HUM, ["approve", "--step", s.gate.round, ...waiver(s.gate)]).code).toBe(0);
    expect(status(root).gate?.step).toBe(step); // one HUM LEAD is not enough
    expect(brtops(root, HUM2, ["approve", "--step", s.gate.round, ...waiver(s.gate)]).code).toBe(0);
    expect(approvals(root, step)).toEqual([
      [HUM, false],
      [HUM2, true],
    ]);
  });

  it("the requester's own approval does not decide a gate while another HUM LEAD is configured", () => {
    p = sampleProject();
    const root = p.root;
    // alice, a HUM LEAD, requests the release (SEV-3: one approval, but not hers alone).
    expect(brtops(root, HUM, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    const g = status(root).gate;
    expect(g.step).toBe("2.10");
    expect(g.requiredApprovals).toBe(1);
    const own = brtops(root, HUM, ["approve", "--step", g.round, ...waiver(g), "--json"]);
    expect(own.code, own.stderr).toBe(0);
    const s = status(root);
    expect(s.gate?.step).toBe("2.10");
    expect(approvals(root, "2.10")).toEqual([[HUM, false]]);
    expect(JSON.stringify(own.json)).not.toContain('"selfApproval":true');
    expect(brtops(root, HUM2, ["approve", "--step", s.gate.round, ...waiver(s.gate)]).code).toBe(0);
    expect(approvals(root, "2.10")).toEqual([
      [HUM, false],
      [HUM2, true],
    ]);
    expect(status(root).gate?.step ?? null).not.toBe("2.10");
  });
});
