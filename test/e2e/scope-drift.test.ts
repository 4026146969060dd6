/**
 * Scope drift after an approval: changes of known size produce the expected class and action —
 * MINOR recorded and the release goes on, MODERATE waits for a HUM LEAD, MAJOR holds deployment.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

const git = (cwd: string, ...a: string[]) => execFileSync("git", a, { cwd, stdio: "ignore" });

/** A project with 100 equal source files, at the phase 5 gate after approving phase 2. */
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

function change(root: string, n: number): void {
  for (let i = 0; i < n; i++) writeFileSync(join(root, `src/lib/m${i}.js`), `export const m${i} = ${i + 1000};\n`);
}

const notes = (root: string, kind: string) =>
  readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.includes(`"kind":"${kind}"`));

describe("scope drift after an approval", () => {
  let p: { root: string; cleanup: () => void } | undefined;
  afterEach(() => p?.cleanup());

  it("MINOR (1 of ~110 files): recorded, the release goes on to its gate", () => {
    p = atGoGate();
    change(p.root, 1);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    expect(status(p.root).step).toBe("5.10");
    expect(notes(p.root, "deviation")[0]).toContain("MINOR");
  });

  it("MODERATE (10 files): a HUM LEAD must approve the deviation, then the release goes on", () => {
    p = atGoGate();
    change(p.root, 10);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    const s = status(p.root);
    expect(s.gate.kind).toBe("deviation");
    expect(s.gate.report).toContain("MODERATE");
    expect(s.gate.report).toContain("src/lib/m0.js");
    expect(brtops(p.root, HUM, ["approve", "--step", s.gate.round]).code).toBe(0);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    expect(status(p.root).gate.kind).toBe("go-no-go");
  });

  it("MAJOR (40 files): deployment hold until a HUM LEAD resumes", () => {
    p = atGoGate();
    change(p.root, 40);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    expect(status(p.root).state).toBe("on-hold");
    expect(notes(p.root, "hold")[0]).toContain("MAJOR");
    expect(brtops(p.root, AI, ["resume"]).code).toBe(4);
    expect(brtops(p.root, HUM, ["resume"]).code).toBe(0);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    const go = status(p.root).gate;
    expect(go.kind).toBe("go-no-go");
    // The GO report made after the resume carries the hold: not "Findings: none".
    expect(go.findings.map((f: { code: string }) => f.code)).toContain("SCOPE_DEVIATION_HOLD");
    expect(go.report).toContain("MAJOR");
    expect(go.report).not.toContain("Findings: none");
    // On record in the documents: the GO decision's checklist lists the hold.
    expect(brtops(p.root, HUM, ["approve", "--step", "5.10", "--note", "seen"]).code).toBe(0);
    brtops(p.root, AI, ["run"]);
    const checklist = readFileSync(
      join(p.root, "docs/01_application/6-releases/v1.1.0/release-readiness-checklist.md"),
      "utf8",
    );
    expect(checklist).toContain("## Scope deviations");
    expect(checklist).toMatch(/\| HOLD \| \d+(\.\d+)?% \|/);
    expect(brtops(p.root, AI, ["docs", "--check", "--release", "1.1.0"]).code).toBe(0);
  });

  it("a file committed after a gate opened: the approval is refused (exit 5) and the report is made again with the deviation", () => {
    p = sampleProject();
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    const before = status(root).gate;
    expect(before.step).toBe("2.10");
    mkdirSync(join(root, "deploy"), { recursive: true });
    writeFileSync(join(root, "deploy/Dockerfile"), "FROM debian:stable\n");
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "build: a Dockerfile");
    const r = brtops(root, HUM, ["approve", "--step", "2.10", "--json"]);
    expect(r.code).toBe(5);
    expect(r.json.error.code).toBe("E_SCOPE_CHANGED");
    const after = status(root).gate;
    expect(after.step).toBe("2.10");
    expect(after.report).toContain("Scope changed since the report was made");
    expect(after.report).toContain("deploy/Dockerfile");
    expect(after.findings.some((f: { code: string }) => f.code.startsWith("SCOPE_CHANGED_"))).toBe(true);
    expect(notes(root, "deviation")[0]).toContain("Dockerfile");
    // Decided on the new report, the approval is recorded.
    const critical = after.findings.some((f: { severity: string }) => f.severity === "critical");
    // The refreshed report is a new round: the decision names it.
    expect(after.round).toBe("2.10#2");
    expect(brtops(root, HUM, ["approve", "--step", after.round, ...(critical ? ["--waive", "seen"] : [])]).code).toBe(
      0,
    );
  });
  it("a change after an approval that calls for a higher SEV raises it, recorded, and the next report says which phases it missed", () => {
    p = atGoGate();
    expect(status(p.root).sev).toBe("SEV-3");
    mkdirSync(join(p.root, "deploy"), { recursive: true });
    writeFileSync(join(p.root, "deploy/Dockerfile"), "FROM debian:stable\n");
    git(p.root, "add", "-A");
    git(p.root, "commit", "-q", "-m", "build: a Dockerfile");
    brtops(p.root, AI, ["run"]);
    const s = status(p.root);
    expect(s.sev).toBe("SEV-1");
    const raised = s.gate.findings.find((f: { code: string }) => f.code === "SEV_RAISED_BY_DEVIATION");
    expect(raised?.message).toContain("SEV-3 to SEV-1");
    expect(raised?.message).toMatch(/Phase\(s\) 3, 4/);
    expect(s.gate.requiredApprovals).toBe(1);
  });
});
