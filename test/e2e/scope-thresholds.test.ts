/**
 * The default scope thresholds (5 % and 15 %, from core's DEFAULT_DEVIATION_THRESHOLDS through the
 * config's defaults) at their boundaries, through the CLI: a project of exactly 1000 tracked files,
 * none of the config naming `scope`, so each modified feature file is 0.1 % of system impact.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

const FILES = 1000;
const git = (cwd: string, ...a: string[]) => execFileSync("git", a, { cwd, encoding: "utf8" });
const tracked = (root: string) => git(root, "ls-tree", "-r", "--name-only", "HEAD").trim().split("\n").length;

/** The sample project grown to exactly FILES tracked files, at the phase 5 gate after approving 2.10. */
function approvedAt1000Files(): { root: string; cleanup: () => void } {
  const p = sampleProject();
  expect(readFileSync(join(p.root, "brtops.config.yaml"), "utf8")).not.toMatch(/^scope:/m);
  mkdirSync(join(p.root, "src/lib"), { recursive: true });
  const extra = FILES - tracked(p.root);
  for (let i = 0; i < extra; i++) writeFileSync(join(p.root, `src/lib/m${i}.js`), `export const m${i} = ${i};\n`);
  git(p.root, "add", "-A");
  git(p.root, "commit", "-q", "-m", "feat(lib): modules");
  expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
  expect(brtops(p.root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
  // What was approved: FILES files, nothing else moved since.
  expect(tracked(p.root)).toBe(FILES);
  expect(git(p.root, "status", "--porcelain")).toBe("");
  return p;
}

function modify(root: string, n: number): void {
  for (let i = 0; i < n; i++) writeFileSync(join(root, `src/lib/m${i}.js`), `export const m${i} = ${i + 100_000};\n`);
}

type LoggedEvent = { type: string; data: { kind?: string; text?: string } };

/** The text of the notes of this kind (a deviation's or a hold's) in the log. */
const recorded = (root: string, kind: string): string[] =>
  readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    // A line is one event, or a batch appended at once (an array).
    .flatMap((l) => JSON.parse(l) as LoggedEvent | LoggedEvent[])
    .filter((e) => e.type === "Note" && e.data.kind === kind)
    .map((e) => e.data.text ?? "");

describe("default scope thresholds at their boundaries (1000 files, 0.1 % each)", () => {
  let p: { root: string; cleanup: () => void } | undefined;
  afterEach(() => p?.cleanup());

  const rows = [
    { files: 49, percent: "4.9%", cls: "MINOR" },
    { files: 50, percent: "5%", cls: "MODERATE" },
    { files: 51, percent: "5.1%", cls: "MODERATE" },
    { files: 149, percent: "14.9%", cls: "MODERATE" },
    { files: 150, percent: "15%", cls: "MODERATE" },
    { files: 151, percent: "15.1%", cls: "MAJOR" },
  ] as const;

  it.each(rows)("$files files modified → $percent $cls", ({ files, percent, cls }) => {
    p = approvedAt1000Files();
    modify(p.root, files);
    expect(brtops(p.root, AI, ["run"]).code).toBe(3);
    const s = status(p.root);
    const deviation = recorded(p.root, "deviation");
    const hold = recorded(p.root, "hold");
    switch (cls) {
      case "MINOR":
        // Recorded, and the release goes on to its GO/NO-GO gate.
        expect(deviation).toEqual([expect.stringContaining(`${percent} system impact (MINOR)`)]);
        expect(hold).toEqual([]);
        expect(s.gate.kind).toBe("go-no-go");
        break;
      case "MODERATE":
        // A HUM LEAD must approve the deviation first.
        expect(deviation).toEqual([expect.stringContaining(`${percent} system impact (MODERATE)`)]);
        expect(hold).toEqual([]);
        expect(s.gate.kind).toBe("deviation");
        expect(s.gate.report).toContain(`${percent} system impact (MODERATE)`);
        break;
      case "MAJOR":
        // Deployment hold.
        expect(deviation).toEqual([]);
        expect(hold).toEqual([expect.stringContaining(`${percent} system impact (MAJOR)`)]);
        expect(s.state).toBe("on-hold");
        break;
    }
  });
});
