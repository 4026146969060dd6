/**
 * Contained file access: a readiness document committed as a symbolic link to a file outside the
 * repository is not read (its text reaches no document and no log; a finding says it was skipped),
 * and a release folder committed as a symbolic link to outside is never written through.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assertContained, contained } from "../../src/adapters/fs-contained.js";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

const PLANTED = "OUTSIDE-TEXT-7c1f9e-never-in-a-document";

function allText(dir: string): string {
  if (!existsSync(dir)) return "";
  let out = "";
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out += readFileSync(join(e.parentPath, e.name), "utf8");
  return out;
}

function commitAll(root: string, message: string): void {
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["commit", "-q", "-m", message], { cwd: root });
  execFileSync("git", ["push", "-q", "origin", "main"], { cwd: root });
}

describe("contained file access", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const outsideDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), "brtops-outside-"));
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };

  it("resolves paths: inside, outside through a link, missing; writers refuse a folder that leads outside", () => {
    const p = sampleProject();
    cleanups.push(p.cleanup);
    const out = outsideDir();
    symlinkSync(out, join(p.root, "away"));
    symlinkSync(join(p.root, "src"), join(p.root, "here"));
    expect(contained(p.root, join(p.root, "here")).kind).toBe("inside");
    expect(contained(p.root, join(p.root, "away")).kind).toBe("outside");
    expect(contained(p.root, join(p.root, "nothing")).kind).toBe("missing");
    expect(() => assertContained(p.root, join(p.root, "away/v1/x"))).toThrow(/outside the repository/);
    expect(() => assertContained(p.root, join(p.root, "here/new/x"))).not.toThrow();
  });

  it("a readiness document that is a symlink to outside the repository is not read, and a finding says so", () => {
    const p = sampleProject();
    cleanups.push(p.cleanup);
    const root = p.root;
    const out = outsideDir();
    const target = join(out, "notes.md");
    writeFileSync(target, `# Release Notes: login\n\n**SEV Level**: SEV-3\n\n## New Features\n- ${PLANTED}\n`);
    const notes = join(root, "docs/02_features/login/07-readiness/release-notes.md");
    rmSync(notes);
    symlinkSync(target, notes);
    commitAll(root, "docs: release notes from elsewhere");

    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    // Approve the gates up to the package (2.10): its approval writes changelog and release notes.
    for (let i = 0; i < 4 && status(root).step !== "5.10"; i++) {
      const s = status(root);
      if (s.gate) expect(brtops(root, HUM, ["approve", "--step", s.step, "--waive", "reviewed"]).code).toBe(0);
      brtops(root, AI, ["run"]);
    }
    expect(existsSync(join(root, "docs/01_application/6-releases/v1.1.0/release-notes.md"))).toBe(true);
    const written = allText(join(root, "docs/01_application/6-releases")) + allText(join(root, ".brtops"));
    expect(written).not.toContain(PLANTED);
    const log = allText(join(root, ".brtops/releases"));
    expect(log).toContain("READINESS_FILE_OUTSIDE");
    expect(log).toContain(
      "docs/02_features/login/07-readiness/release-notes.md: a symbolic link to outside the repository: not read",
    );
  }, 180_000);

  it("a release folder committed as a symlink to outside the repository is not written through", () => {
    const p = sampleProject();
    cleanups.push(p.cleanup);
    const root = p.root;
    const out = outsideDir();
    const releases = join(root, "docs/01_application/6-releases");
    rmSync(releases, { recursive: true, force: true });
    mkdirSync(join(root, "docs/01_application"), { recursive: true });
    symlinkSync(out, releases);
    commitAll(root, "docs: releases kept elsewhere");

    const r = brtops(root, AI, ["release", "1.1.0", "--to", "staging"]);
    expect(r.stdout + r.stderr).toContain("outside the repository");
    for (let i = 0; i < 3; i++) brtops(root, HUM, ["approve", "--step", status(root).step ?? "2.10"]);
    brtops(root, AI, ["run"]);
    expect(readdirSync(out)).toEqual([]);
    expect(allText(join(root, ".brtops/releases"))).toContain("E_PATH_OUTSIDE");
  }, 180_000);
});
