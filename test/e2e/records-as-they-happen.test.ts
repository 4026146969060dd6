/**
 * Issue 11 point 5, the rest: a scope deviation, a deployment hold, feedback with its answer and a
 * rejection at 2.10 are in the documents as soon as they happen — before any later approval — and
 * `docs --check` finds every file as the log says it should be.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

const git = (cwd: string, ...a: string[]) => execFileSync("git", a, { cwd, stdio: "ignore" });
const dir = (root: string) => join(root, "docs/01_application/6-releases/v1.1.0");
const doc = (root: string, name: string) => readFileSync(join(dir(root), name), "utf8");
const approvals = (root: string) =>
  readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.includes('"type":"GateApproved"')).length;
const recordWrites = (root: string) =>
  readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.includes('"type":"DocumentsWritten"') && l.includes('"phase":0'))
    .map((l) => JSON.parse(l).data.reason as string);
const docsCheck = (root: string) => expect(brtops(root, AI, ["docs", "--check", "--release", "1.1.0"]).code).toBe(0);

/** 100 equal source files, phase 2 approved, the release at its 5.10 gate (SEV-3: phases 1, 2, 5, 6, 7). */
function atGoGate(): { root: string; cleanup: () => void } {
  const p = sampleProject();
  mkdirSync(join(p.root, "src/lib"), { recursive: true });
  for (let i = 0; i < 100; i++) writeFileSync(join(p.root, `src/lib/m${i}.js`), `export const m${i} = ${i};\n`);
  git(p.root, "add", "-A");
  git(p.root, "commit", "-q", "-m", "feat(lib): modules");
  expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
  expect(brtops(p.root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
  return p;
}
const change = (root: string, n: number) => {
  for (let i = 0; i < n; i++) writeFileSync(join(root, `src/lib/m${i}.js`), `export const m${i} = ${i + 1000};\n`);
};

describe("on record when it happens: deviations, holds, feedback and answers, a rejection at 2.10", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it("a MODERATE deviation is in the readiness checklist while its gate waits, before anyone approves it", () => {
    const p = atGoGate();
    cleanup = p.cleanup;
    change(p.root, 10);
    const before = approvals(p.root);
    expect(existsSync(join(dir(p.root), "release-readiness-checklist.md"))).toBe(false);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    expect(status(p.root).gate.kind).toBe("deviation");
    expect(approvals(p.root)).toBe(before);
    const checklist = doc(p.root, "release-readiness-checklist.md");
    expect(checklist).toContain("## Scope deviations");
    expect(checklist).toMatch(/\| MODERATE \| \d+(\.\d+)?% \| Scope deviation since the last approval/);
    expect(recordWrites(p.root)).toEqual(["deviation"]);
    docsCheck(p.root);
  });

  it("a MAJOR hold is in the readiness checklist at once; feedback and its answer at 5.10 too, before the GO decision", () => {
    const p = atGoGate();
    cleanup = p.cleanup;
    change(p.root, 40);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    expect(status(p.root).state).toBe("on-hold");
    expect(doc(p.root, "release-readiness-checklist.md")).toMatch(
      /\| HOLD \| \d+(\.\d+)?% \| Deployment hold: Scope deviation/,
    );
    docsCheck(p.root);
    expect(brtops(p.root, HUM, ["resume"]).code).toBe(0);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    expect(status(p.root).gate.step).toBe("5.10");
    const before = approvals(p.root);
    expect(brtops(p.root, HUM, ["feedback", "check the hold's files once more"]).code).toBe(0);
    expect(doc(p.root, "release-readiness-checklist.md")).toContain(
      "check the hold's files once more\n  - Open: no response recorded",
    );
    expect(brtops(p.root, AI, ["ask", "deploy the 40 changed modules as they are?"]).code).toBe(0);
    expect(brtops(p.root, HUM, ["answer", "Q1", "yes, reviewed"]).code).toBe(0);
    const checklist = doc(p.root, "release-readiness-checklist.md");
    expect(checklist).toContain("deploy the 40 changed modules as they are?");
    expect(checklist).toContain(`  - Answer (`);
    expect(checklist).toContain(`${HUM}): yes, reviewed`);
    expect(approvals(p.root)).toBe(before);
    expect(recordWrites(p.root)).toEqual(["hold", "feedback", "answer"]);
    docsCheck(p.root);
  });

  it("feedback, an answer and a rejection at 2.10 are in the package's record at once; the approved changelog keeps them", () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(existsSync(join(dir(root), "changelog.md"))).toBe(false);
    expect(brtops(root, HUM, ["feedback", "name the search fix"]).code).toBe(0);
    expect(doc(root, "changelog.md")).toContain("name the search fix\n  - Open: no response recorded");
    expect(brtops(root, AI, ["ask", "ship the login codes too?"]).code).toBe(0);
    expect(brtops(root, HUM, ["answer", "Q1", "yes"]).code).toBe(0);
    expect(doc(root, "changelog.md")).toMatch(
      /ship the login codes too\?\n {2}- Answer \([^)]*alice@example\.com\): yes/,
    );
    docsCheck(root);
    expect(brtops(root, HUM, ["reject", "--reason", "the notes miss the search fix"]).code).toBe(0);
    for (const name of ["changelog.md", "release-notes.md"]) {
      const text = doc(root, name);
      expect(text).toMatch(
        new RegExp(
          `- Round rejected at 2\\.10 by ${HUM.replace(".", "\\.")} at \\S+: the notes miss the search fix \\(back to phase 2\\)\\.`,
        ),
      );
      expect(text).toMatch(/- The (release package|release notes) (was|were) not approved yet\./);
    }
    expect(approvals(root)).toBe(0);
    expect(recordWrites(root)).toEqual(["feedback", "answer", "rejected"]);
    docsCheck(root);
    // Approved on the next round: the record keeps the rejected round before the approval.
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    expect(brtops(root, HUM, ["approve"]).code).toBe(0);
    brtops(root, AI, ["run"]);
    const changelog = doc(root, "changelog.md");
    expect(changelog).toMatch(
      /- Round rejected at 2\.10 [^\n]*\n- The release package was approved by alice@example\.com/,
    );
    expect(changelog).toContain("ship the login codes too?");
    docsCheck(root);
  });

  it("a deviation found when an approval is refused (the report made again at 2.10) is in the readiness checklist at once", () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    mkdirSync(join(root, "deploy"), { recursive: true });
    writeFileSync(join(root, "deploy/Dockerfile"), "FROM debian:stable\n");
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "build: a Dockerfile");
    expect(brtops(root, HUM, ["approve", "--step", "2.10"]).code).toBe(5);
    const checklist = doc(root, "release-readiness-checklist.md");
    expect(checklist).toContain("## Scope deviations");
    expect(checklist).toContain("Scope deviation since this report was made");
    expect(recordWrites(root)).toEqual(["deviation"]);
    docsCheck(root);
  });
});
