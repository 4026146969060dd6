/**
 * Answers about refs given again without a git process while the ref files are unchanged
 * (adapters/git-ref-stamp): HEAD, the tags and a release's ends. Every way a ref moves — a commit,
 * a checkout (detached too), `git pack-refs`, a tag made, moved or deleted, packed or loose — is
 * seen at the next question; an unchanged repository is asked nothing again.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGit } from "../../src/adapters/git.js";
import { refStamp } from "../../src/adapters/git-ref-stamp.js";
import { clearHistoryCache, readReleaseHistory } from "../../src/intel/release-history.js";
import { createIntelRepo, type IntelRepo } from "./intel-git.js";

let repo: IntelRepo;
let calls: string;
const savedPath = process.env.PATH;
beforeAll(() => {
  repo = createIntelRepo();
  repo.commit("chore: start");
  repo.git("tag", "v1.0.0");
  // A `git` first on PATH that logs each invocation's subcommand and runs the real one.
  const bin = join(repo.dir, "..", `${repo.dir.split("/").pop()}-bin`);
  mkdirSync(bin, { recursive: true });
  calls = join(bin, "calls.log");
  writeFileSync(calls, "");
  const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  writeFileSync(join(bin, "git"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\nexec '${realGit}' "$@"\n`);
  chmodSync(join(bin, "git"), 0o755);
  process.env.PATH = `${bin}:${savedPath ?? ""}`;
});
afterAll(() => {
  process.env.PATH = savedPath;
  repo.dispose();
});

const asked = (): string[] => readFileSync(calls, "utf8").trim().split("\n").filter(Boolean);
const real = (...args: string[]): string => repo.git(...args);

describe("HEAD", () => {
  it("is asked of git once while it stays, and every move is seen", async () => {
    const git = createGit(repo.dir);
    writeFileSync(calls, "");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
    expect(await createGit(repo.dir).head()).toBe(real("rev-parse", "HEAD"));
    expect(asked().filter((l) => l.startsWith("rev-parse"))).toHaveLength(1);

    repo.commit("feat: one");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
    repo.commit("feat: two");
    repo.commit("feat: three");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
    real("pack-refs", "--all");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
    repo.commit("feat: after packing");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
    real("checkout", "-q", "--detach", "HEAD~2");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
    real("checkout", "-q", "-b", "other");
    real("commit", "-q", "--allow-empty", "-m", "on other");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
    real("checkout", "-q", "main");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
    real("reset", "-q", "--hard", "HEAD~1");
    expect(await git.head()).toBe(real("rev-parse", "HEAD"));
  });
});

describe("tags", () => {
  it("are listed by git once while they stay, and every change is seen, packed or loose", async () => {
    const git = createGit(repo.dir);
    const list = (): string[] => real("tag", "--list").split("\n").filter(Boolean);
    writeFileSync(calls, "");
    expect(await git.tags()).toEqual(list());
    expect(await git.tags()).toEqual(list());
    expect(asked().filter((l) => l.startsWith("for-each-ref"))).toHaveLength(1);
    real("tag", "v1.1.0");
    expect(await git.tags()).toEqual(list());
    real("tag", "release/v1.2.0");
    expect(await git.tags()).toEqual(list());
    real("pack-refs", "--all");
    expect(await git.tags()).toEqual(list());
    real("tag", "-d", "v1.1.0");
    expect(await git.tags()).toEqual(list());
    real("tag", "-d", "release/v1.2.0");
    expect(await git.tags()).toEqual(list());
    expect(await git.tags()).toContain("v1.0.0");
  });
});

describe("tags with their commits", () => {
  it("name the commit of lightweight and annotated tags, packed or loose, in one git process that also lists them", async () => {
    const git = createGit(repo.dir);
    const head = real("rev-parse", "HEAD");
    real("tag", "light-tag", "HEAD");
    real("tag", "-a", "-m", "annotated", "annotated-tag", "HEAD~1");
    // A tag of a tag, and a tag of a tree: no commit in one step (git is asked with ^{commit} later).
    real("tag", "-a", "-m", "nested", "nested-tag", "annotated-tag");
    real("tag", "tree-tag", "HEAD^{tree}");
    writeFileSync(calls, "");
    const commits = await git.tagCommits();
    expect(commits.get("light-tag")).toBe(head);
    expect(commits.get("annotated-tag")).toBe(real("rev-parse", "HEAD~1"));
    expect(commits.get("nested-tag")).toBeNull();
    expect(commits.get("tree-tag")).toBeNull();
    expect([...commits.keys()]).toEqual(real("tag", "--list").split("\n").filter(Boolean));
    // The listing is the tag list's too: no second process for it.
    expect(await git.tags()).toEqual([...commits.keys()]);
    expect(asked()).toHaveLength(1);
    real("pack-refs", "--all");
    expect((await git.tagCommits()).get("annotated-tag")).toBe(real("rev-parse", "HEAD~1"));
    for (const t of ["light-tag", "annotated-tag", "nested-tag", "tree-tag"]) real("tag", "-d", t);
  });
});

describe("a release's ends", () => {
  it("follow HEAD and a moved tag", async () => {
    clearHistoryCache();
    const read = async (): Promise<{ head: string | null; baseCommit: string | null }> =>
      readReleaseHistory(repo.dir, { base: "v1.0.0" });
    let h = await read();
    expect(h.head).toBe(real("rev-parse", "HEAD"));
    expect(h.baseCommit).toBe(real("rev-parse", "v1.0.0^{commit}"));
    repo.commit("feat: later");
    h = await read();
    expect(h.head).toBe(real("rev-parse", "HEAD"));
    real("tag", "-f", "v1.0.0", "HEAD~1");
    h = await read();
    expect(h.baseCommit).toBe(real("rev-parse", "v1.0.0^{commit}"));
    // Moved again, as an annotated tag, then packed.
    real("tag", "-f", "-a", "-m", "v1", "v1.0.0", "HEAD~2");
    real("pack-refs", "--all");
    h = await read();
    expect(h.baseCommit).toBe(real("rev-parse", "v1.0.0^{commit}"));
    writeFileSync(calls, "");
    await read();
    expect(asked().filter((l) => l.startsWith("rev-parse"))).toHaveLength(0);
  });

  it("are always asked of git for names with revision syntax or outside a plain repository", () => {
    expect(refStamp(repo.dir, ["HEAD~1"])).toBeNull();
    expect(refStamp(repo.dir, ["v1.0.0^{tag}"])).toBeNull();
    expect(refStamp(join(repo.dir, ".."), ["HEAD"])).toBeNull();
    // Inside the git folder, or a bare repository in a work tree: the folder git uses is not a .git above.
    expect(refStamp(join(repo.dir, ".git", "refs"), ["HEAD"])).toBeNull();
    real("init", "-q", "--bare", "bare.git");
    expect(refStamp(join(repo.dir, "bare.git"), ["HEAD"])).toBeNull();
    expect(refStamp(repo.dir, ["HEAD", "v1.0.0"])).not.toBeNull();
  });
});
