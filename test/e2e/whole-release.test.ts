/**
 * A whole release through the CLI on a real git repository with a bare origin: a rejection that
 * loops back, a question asked and answered, a NO-GO that returns to phase 3, certification,
 * and documents that `docs --rebuild` reproduces byte for byte.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, HUM, HUM2, brtops, sampleProject, status } from "../support/cli.js";

describe("a whole SEV-1 release through the CLI", () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
  });
  afterAll(() => cleanup());

  it("runs from the request to the first gate and waits for a HUM LEAD (exit 3)", () => {
    const r = brtops(root, AI, ["RELEASE v1.1.0 to Staging", "--json"]);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({
      version: "1.1.0",
      environment: "local",
      state: "awaiting-hum-lead",
      step: "2.10",
      sev: "SEV-3",
    });
    expect(r.json.next[0]).toContain("brtops approve --step 2.10");
  });

  it("lets a HUM LEAD raise the SEV, which brings phases 3 and 4 into the plan", () => {
    const r = brtops(root, HUM, ["sev", "SEV-1", "--reason", "touches sign-in", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json.plan).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.json.sev).toBe("SEV-1");
  });

  it("records a question and its answer, and feedback", () => {
    expect(brtops(root, AI, ["ask", "Should", "search", "ship", "too?"]).code).toBe(0);
    expect(brtops(root, HUM, ["answer", "Q1", "Yes"]).code).toBe(0);
    expect(brtops(root, HUM2, ["feedback", "Changelog looks right"]).code).toBe(0);
    const s = status(root);
    expect(s.openQuestions).toEqual([]);
    expect(s.gate.report).toContain("answer (alice@example.com): Yes");
    expect(s.gate.report).toContain("Changelog looks right");
  });

  it("refuses an AI LEAD's approval (exit 4) and a stale --step (exit 5)", () => {
    const ai = brtops(root, AI, ["approve", "--step", "2.10", "--json"]);
    expect(ai.code).toBe(4);
    expect(ai.json.error.code).toBe("E_NOT_AUTHORIZED");
    expect(ai.json.error.message).toContain("HUM LEAD");
    const stale = brtops(root, HUM, ["approve", "--step", "3.10", "--json"]);
    expect(stale.code).toBe(5);
  });

  it("loops back to 2.1 on rejection and re-assembles the package", () => {
    // The answer given at 2.10 changed its report: the gate is in its second round, which the decision names.
    expect(status(root).gate.round).toBe("2.10#2");
    const r = brtops(root, HUM, ["reject", "--step", "2.10#2", "--reason", "re-check the changelog"]);
    expect(r.code).toBe(0);
    expect(status(root).step).toBe("2.1");
    const run = brtops(root, AI, ["run", "--json"]);
    expect(run.code).toBe(3);
    expect(run.json.step).toBe("2.10");
    const log = readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8");
    expect(log.match(/"step":"2\.1","attempt"/g)?.length).toBe(2);
  });

  it("approves phase 2 and writes changelog.md and release-notes.md", () => {
    expect(brtops(root, HUM, ["approve", "--step", "2.10#3", "--note", "package ok"]).code).toBe(0);
    const run = brtops(root, AI, ["run", "--json"]);
    expect(run.code).toBe(3);
    expect(run.json.step).toBe("3.10");
    const dir = join(root, "docs/01_application/6-releases/v1.1.0");
    expect(readdirSync(dir).sort()).toEqual(["changelog.md", "release-notes.md"]);
    expect(readFileSync(join(dir, "changelog.md"), "utf8")).toContain("v1.0.0");
  });

  it("passes phases 3 and 4, then a NO-GO returns the release to phase 3", () => {
    expect(brtops(root, HUM, ["approve", "--step", "3.10"]).code).not.toBe(0);
    expect(
      brtops(root, HUM, [
        "approve",
        "--step",
        "3.10",
        "--waive",
        "the sample has no performance, security or UAT checks",
      ]).code,
    ).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    expect(status(root).step).toBe("4.10");
    expect(brtops(root, HUM, ["approve", "--step", "4.10"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    const s = status(root);
    expect(s.step).toBe("5.10");
    expect(s.gate.kind).toBe("go-no-go");
    const nogo = brtops(root, HUM, [
      "reject",
      "--step",
      "5.10",
      "--reason",
      "re-test after the fix",
      "--return-to",
      "3",
    ]);
    expect(nogo.code).toBe(0);
    expect(status(root).step).toBe("3.1");
    expect(brtops(root, AI, ["run", "--json"]).json.step).toBe("3.10");
  });

  it("goes through GO, deployment and certification to COMPLETE and CERTIFIED", () => {
    // At SEV-1 the sample's unconfigured performance, security and UAT checks are critical findings (issue 11): a waiver each.
    // After the NO-GO each gate is in its second round: the decisions name it.
    for (const step of ["3.10#2", "4.10#2", "5.10#2"]) {
      expect(
        brtops(root, HUM, [
          "approve",
          "--step",
          step,
          "--waive",
          "the sample has no performance, security or UAT checks",
        ]).code,
      ).toBe(0);
      brtops(root, AI, ["run"]);
    }
    expect(readFileSync(join(root, "service/version"), "utf8").trim()).toBe("1.1.0");
    expect(status(root).step).toBe("7.10");
    expect(brtops(root, HUM, ["approve", "--step", "7.10", "--note", "certified"]).code).toBe(0);
    const done = brtops(root, AI, ["run", "--json"]);
    expect(done.code).toBe(0);
    expect(done.json.state).toBe("certified");
    const dir = join(root, "docs/01_application/6-releases/v1.1.0");
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith(".md"))
        .sort(),
    ).toEqual([
      "changelog.md",
      "deployment-orchestration-plan.md",
      "post-deployment-validation.md",
      "release-notes.md",
      "release-readiness-checklist.md",
      "rollback-procedures.md",
      "system-validation-report.md",
    ]);
    const checklist = readFileSync(join(dir, "release-readiness-checklist.md"), "utf8");
    expect(checklist).toContain("NO-GO");
    expect(checklist).toContain(HUM);
  });

  it("rebuilds every document from the log byte for byte, and the chain verifies", () => {
    const dir = join(root, "docs/01_application/6-releases/v1.1.0");
    const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
    const r = brtops(root, AI, ["docs", "--rebuild", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json.documents.every((d: { same: boolean }) => d.same)).toBe(true);
    for (const [f, text] of Object.entries(before)) expect(readFileSync(join(dir, f), "utf8")).toBe(text);
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
  });
});
