/**
 * Failures are on record (issue 11 points 5 and 9; issue 10 point 9's documents), through the CLI
 * on the sample project: a release rolled back after a failed health check, a NO-GO then an abort,
 * and a rollback after certification each leave documents that say what happened, who decided it
 * and what runs now; `incident note` (HUM LEAD only) adds to the remediation plan; `docs --check`
 * passes and `docs --rebuild` leaves every byte as it was. At a gate, feedback and answers are in the
 * consolidated report with what was done about them, and open feedback is a finding.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

const git = (root: string, ...args: string[]): string =>
  execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
const DIR = "docs/01_application/6-releases/v1.1.0";
const doc = (root: string, name: string): string => readFileSync(join(root, DIR, name), "utf8");

/** The sample project; with `failing`, its health check fails whenever v1.1.0 is what runs. */
function project(failing = false) {
  const p = sampleProject();
  if (failing) {
    writeFileSync(
      join(p.root, "scripts/health.sh"),
      '#!/bin/sh\ntest -s service/version && test "$(cat service/version)" != "1.1.0"\n',
    );
    chmodSync(join(p.root, "scripts/health.sh"), 0o755);
    git(p.root, "commit", "-q", "-am", "chore: health check");
  }
  return p;
}

/** Approves open gates (waiving critical findings) until the release stops somewhere else or reaches `until`. */
function approveUntil(root: string, until?: string): any {
  for (let i = 0; i < 8; i++) {
    const s = status(root);
    if (!s.gate || s.gate.step === until) return s;
    const critical = s.gate.findings.some((f: any) => f.severity === "critical");
    const a = brtops(root, HUM, [
      "approve",
      "--step",
      s.gate.round,
      "--note",
      "ok",
      ...(critical ? ["--waive", "accepted in this test"] : []),
    ]);
    expect(a.code, a.stderr).toBe(0);
    brtops(root, AI, ["run"]);
  }
  return status(root);
}

/** `docs --check` passes and `docs --rebuild` changes no byte of the folder. */
function expectRebuildExact(root: string): void {
  const dir = join(root, DIR);
  const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  const check = brtops(root, AI, ["docs", "--check", "--release", "1.1.0", "--json"]);
  expect(check.code, JSON.stringify(check.json)).toBe(0);
  expect(brtops(root, AI, ["docs", "--rebuild", "--release", "1.1.0"]).code).toBe(0);
  for (const [f, text] of Object.entries(before)) expect(readFileSync(join(dir, f), "utf8"), f).toBe(text);
}

describe("failures on record in the documents", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it("a failed health check rolled back on a HUM LEAD's guidance: incident record, outcome, remediation notes (HUM LEAD only)", () => {
    const p = project(true);
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    const s = approveUntil(root);
    expect(s.incident, JSON.stringify(s)).not.toBeNull();
    const step = s.incident.step;
    // The incident is on record before anyone decides.
    const open = doc(root, "rollback-procedures.md");
    expect(open).toContain(`### Incident 1 — step ${step}`);
    expect(open).toContain("- **Guidance**: none yet");
    expect(open).toContain("**Outcome**: not finished — incident at step");
    expect(brtops(root, HUM, ["guide", "rollback", "--step", step, "--note", "v1.1.0 is unhealthy"]).code).toBe(0);
    brtops(root, AI, ["run"]);
    expect(status(root).state).toBe("rolled-back");
    expect(readFileSync(join(root, "service/version"), "utf8").trim()).toBe("1.0.0");

    const rollback = doc(root, "rollback-procedures.md");
    expect(rollback).toContain(`**Outcome**: ROLLED BACK at`);
    expect(rollback).toContain(`authorised by ${HUM} (hum-lead): v1.1.0 is unhealthy; v1.0.0 restored on local`);
    expect(rollback).toContain(`- **Guidance**: ROLLBACK by ${HUM} (hum-lead)`);
    expect(rollback).toMatch(/- \*\*Recovery\*\*: rolled back at .* → v1\.0\.0/);
    expect(rollback).toContain("v1.0.0 runs on local again");
    expect(rollback).toContain("Post-rollback validation: health checks against the restored version passed");
    expect(rollback).toContain("## Remediation plan");
    expect(rollback).not.toContain("no incident was opened");
    const post = doc(root, "post-deployment-validation.md");
    expect(post).toContain("**ROLLED BACK** at");
    expect(post).toContain("v1.1.0 was not certified.");
    expect(post).toContain("local runs v1.0.0 again");
    expect(post).not.toContain("COMPLETE and CERTIFIED");
    expectRebuildExact(root);

    // Emergency step 6: a HUM LEAD adds to the remediation plan, after the run ended; an AI LEAD may not.
    const denied = brtops(root, AI, ["incident", "note", "root cause: the health endpoint"]);
    expect(denied.code, denied.stderr).toBe(4);
    const note = brtops(root, HUM, [
      "incident",
      "note",
      "root cause: health endpoint rejects 1.1.0; retry after the fix",
      "--json",
    ]);
    expect(note.code, note.stderr).toBe(0);
    expect(doc(root, "rollback-procedures.md")).toContain(
      `, ${HUM}: root cause: health endpoint rejects 1.1.0; retry after the fix`,
    );
    const audit = brtops(root, AI, ["audit", "--json", "--release", "1.1.0"]).json;
    expect(audit.releases[0].log.some((e: any) => e.type === "Note" && e.actor === HUM)).toBe(true);
    expectRebuildExact(root);
  });

  it("a NO-GO is in the readiness checklist when it is decided; an abort finishes every document with that outcome", () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(approveUntil(root, "5.10").gate.step).toBe("5.10");
    const nogo = brtops(root, HUM, [
      "reject",
      "--step",
      "5.10",
      "--reason",
      "the search fix needs a second look",
      "--return-to",
      "2",
    ]);
    expect(nogo.code, nogo.stderr).toBe(0);
    const checklist = doc(root, "release-readiness-checklist.md");
    expect(checklist).toContain(`**HUM LEAD Authorization**: NO-GO by ${HUM}`);
    expect(checklist).toContain("the search fix needs a second look");
    expectRebuildExact(root);

    brtops(root, AI, ["run"]);
    const abort = brtops(root, HUM, ["abort", "--note", "postponed to the next sprint"]);
    expect(abort.code, abort.stderr).toBe(0);
    expect(status(root).state).toBe("aborted");
    for (const name of ["release-readiness-checklist.md", "rollback-procedures.md"]) {
      expect(doc(root, name), name).toContain(`**Outcome**: ABORTED at`);
      expect(doc(root, name), name).toContain(`authorised by ${HUM} (hum-lead): postponed to the next sprint`);
    }
    const rollback = doc(root, "rollback-procedures.md");
    expect(rollback).toContain(`- Abort requested by ${HUM} (hum-lead)`);
    expect(rollback).toContain("The release was ABORTED at");
    expect(rollback).toContain("Nothing had been deployed.");
    expect(rollback).toContain("brtops release 1.1.0 --to local");
    expect(doc(root, "release-readiness-checklist.md")).toContain("NO-GO");
    expectRebuildExact(root);
  });

  it("rollback after certification: the documents say it was rolled back, by whom and to which version", () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(approveUntil(root).state).toBe("certified");
    expect(doc(root, "post-deployment-validation.md")).toContain(`- CERTIFIED by ${HUM}`);
    expect(doc(root, "post-deployment-validation.md")).not.toContain("Certification withdrawn");
    const r = brtops(root, HUM, ["rollback", "--env", "local", "--note", "conversion dropped"]);
    expect(r.code, r.stderr).toBe(0);
    expect(status(root).state).toBe("rolled-back");
    const post = doc(root, "post-deployment-validation.md");
    expect(post).toContain("**Outcome**: ROLLED BACK after certification at");
    expect(post).toContain(`**Certification withdrawn**: v1.1.0 was rolled back at`);
    expect(post).toContain(`on the authority of ${HUM} (hum-lead): conversion dropped.`);
    expect(post).toContain("local runs v1.0.0 again");
    const rollback = doc(root, "rollback-procedures.md");
    expect(rollback).toContain(`- Rollback requested by ${HUM} (hum-lead)`);
    expect(rollback).toContain("The certified release was ROLLED BACK");
    expect(rollback).toMatch(/\| completed \| back.* → v1\.0\.0 \|/);
    expectRebuildExact(root);
  });

  it("CONSOLIDATE: feedback and answers at a gate are in its report with what was done; open feedback is a finding", () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(status(root).gate.step).toBe("2.10");
    expect(brtops(root, HUM, ["feedback", "name the search fix in the notes"]).code).toBe(0);
    expect(brtops(root, AI, ["ask", "ship the login codes too?"]).code).toBe(0);
    let s = status(root);
    expect(s.gate.report).toContain("CONSOLIDATED (2.10)");
    expect(s.gate.report).toContain(
      `F1 ${HUM}: name the search fix in the notes\n      OPEN — no response yet (a finding)`,
    );
    expect(s.gate.findings.map((f: any) => f.code)).toEqual(expect.arrayContaining(["FEEDBACK_OPEN", "QUESTION_OPEN"]));
    expect(brtops(root, AI, ["respond", "F1", "named in release-notes.md"]).code).toBe(0);
    expect(brtops(root, HUM, ["answer", "Q1", "yes"]).code).toBe(0);
    s = status(root);
    expect(s.gate.report).toContain("      done: named in release-notes.md");
    expect(s.gate.report).toContain(`      answer (${HUM}): yes`);
    expect(s.gate.report).toContain("Everything raised at this gate has been responded to.");
    expect(s.gate.findings.map((f: any) => f.code)).not.toContain("FEEDBACK_OPEN");
    // Open feedback at a later gate stays a finding until it is answered, and it is in the documents.
    expect(approveUntil(root, "5.10").gate.step).toBe("5.10");
    expect(brtops(root, HUM, ["feedback", "check the rollback script"]).code).toBe(0);
    expect(
      status(root).gate.findings.some(
        (f: any) => f.code === "FEEDBACK_OPEN" && f.message.includes("check the rollback script"),
      ),
    ).toBe(true);
    expect(brtops(root, HUM, ["approve", "--step", status(root).gate.round]).code).toBe(0);
    brtops(root, AI, ["run"]);
    expect(doc(root, "release-readiness-checklist.md")).toContain(
      "check the rollback script\n  - Open: no response recorded (a finding at the gate).",
    );
  });
});
