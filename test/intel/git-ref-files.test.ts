/**
 * HEAD and the tags' commits read from the ref files (adapters/git-ref-files), for a request's
 * early guess: wherever the files answer, the answer is git's own (checked against
 * `git for-each-ref` and `git rev-parse` through createGit); wherever they cannot tell for certain,
 * the answer is null and git is asked.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { createGit } from "../../src/adapters/git.js";
import { readRefFiles } from "../../src/adapters/git-ref-files.js";
import { worktreePrefix } from "../../src/adapters/git-ref-stamp.js";
import { createIntelRepo, type IntelRepo } from "./intel-git.js";

let repo: IntelRepo;
beforeEach(() => {
  repo = createIntelRepo();
});
afterEach(() => repo.dispose());

/** What git says: HEAD, and each tag in git's order with the commit `<tag>^{commit}` resolves to. */
async function fromGit(): Promise<{ head: string | null; tagCommits: [string, string | null][] }> {
  const git = createGit(repo.dir);
  const commitOf = async (tag: string): Promise<string | null> => {
    const r = await git.run(["rev-parse", "--verify", "-q", `refs/tags/${tag}^{commit}`], { allowFail: true });
    return r.code === 0 ? r.stdout.trim() : null;
  };
  const tags = await git.tags();
  return {
    head: await git.head(),
    tagCommits: await Promise.all(tags.map(async (t) => [t, await commitOf(t)] as [string, string | null])),
  };
}
function fromFiles(): { head: string | null; tagCommits: [string, string | null][] } | null {
  const r = readRefFiles(repo.dir);
  return r && { head: r.head, tagCommits: [...r.tagCommits] };
}

describe("the ref files answer as git does", () => {
  it("loose and packed, lightweight and annotated tags, nested names, and HEAD on a branch or detached", async () => {
    const first = repo.commit("chore: start");
    repo.git("tag", "v1.0.0");
    repo.git("tag", "-a", "-m", "annotated", "v1.1.0");
    repo.commit("feat: more");
    repo.git("tag", "release/v2.0.0");
    repo.git("-c", "advice.nestedTag=false", "tag", "-a", "-m", "a tag of a tag", "v2.0.1", "v1.1.0");
    expect(fromFiles()).toEqual(await fromGit());
    // v2.0.1 names its commit through another tag.
    expect(readRefFiles(repo.dir)!.tagCommits.get("v2.0.1")).toBe(first);
    expect(readRefFiles(repo.dir)!.tagCommits.get("v1.1.0")).toBe(first);

    repo.git("pack-refs", "--all");
    repo.commit("fix: after packing");
    repo.git("tag", "-a", "-m", "loose again", "v2.1.0");
    expect(fromFiles()).toEqual(await fromGit());

    repo.git("checkout", "-q", "--detach", "HEAD~1");
    expect(fromFiles()).toEqual(await fromGit());
    expect(readRefFiles(repo.dir)!.head).toBe(repo.git("rev-parse", "HEAD"));
  });

  it("a branch with no commit yet: no HEAD, no tags", async () => {
    expect(fromFiles()).toEqual({ head: null, tagCommits: [] });
    expect(await fromGit()).toEqual({ head: null, tagCommits: [] });
  });

  it("a tag of a tree names no commit", async () => {
    repo.commit("chore: start");
    repo.git("tag", "-a", "-m", "a tree", "tree-tag", "HEAD^{tree}");
    expect(fromFiles()).toEqual(await fromGit());
    expect(readRefFiles(repo.dir)!.tagCommits.get("tree-tag")).toBeNull();
  });
});

describe("where the files cannot tell, git is asked (null)", () => {
  it("a loose tag whose object was packed", () => {
    repo.commit("chore: start");
    repo.git("tag", "-a", "-m", "annotated", "v1.0.0");
    // repack moves the tag object into a pack and leaves the loose ref file.
    repo.git("repack", "-a", "-d", "-q");
    repo.git("prune-packed");
    expect(repo.git("for-each-ref", "--format=%(refname)", "refs/tags")).toBe("refs/tags/v1.0.0");
    expect(readRefFiles(repo.dir)).toBeNull();
  });

  it("a packed-refs without peeled tags, a symbolic branch, a worktree, GIT_DIR", () => {
    repo.commit("chore: start");
    repo.git("tag", "v1.0.0");
    repo.git("pack-refs", "--all");
    const packed = join(repo.dir, ".git", "packed-refs");
    const text = execFileSync("cat", [packed], { encoding: "utf8" });
    writeFileSync(packed, text.replace(/^# pack-refs with:.*\n/m, ""));
    expect(readRefFiles(repo.dir)).toBeNull();
    writeFileSync(packed, text);
    expect(readRefFiles(repo.dir)).not.toBeNull();

    repo.git("symbolic-ref", "refs/heads/alias", "refs/heads/main");
    repo.git("symbolic-ref", "HEAD", "refs/heads/alias");
    expect(readRefFiles(repo.dir)).toBeNull();
    repo.git("symbolic-ref", "HEAD", "refs/heads/main");

    const wt = `${repo.dir}-wt`;
    repo.git("worktree", "add", "-q", "--detach", wt);
    try {
      expect(readRefFiles(wt)).toBeNull();
    } finally {
      repo.git("worktree", "remove", "--force", wt);
    }

    process.env.GIT_DIR = join(repo.dir, ".git");
    try {
      expect(readRefFiles(repo.dir)).toBeNull();
    } finally {
      delete process.env.GIT_DIR;
    }
  });
});

describe("the project folder's place in its repository", () => {
  it("is what git rev-parse --show-prefix prints: at the top, below it, through a symbolic link", () => {
    repo.commit("chore: start");
    const web = join(repo.dir, "apps", "web app");
    mkdirSync(web, { recursive: true });
    const link = `${repo.dir}-link`;
    symlinkSync(web, link);
    onTestFinished(() => rmSync(link, { force: true }));
    const gitSays = (cwd: string): string =>
      execFileSync("git", ["rev-parse", "--show-prefix"], { cwd, encoding: "utf8" }).trim();
    for (const cwd of [repo.dir, join(repo.dir, "apps"), web, link])
      expect(worktreePrefix(cwd), cwd).toBe(gitSays(cwd));
    expect(worktreePrefix(link)).toBe("apps/web app/");
    // Inside the git folder itself, or with core.worktree set: only git can tell.
    expect(worktreePrefix(join(repo.dir, ".git"))).toBeNull();
    repo.git("config", "core.worktree", repo.dir);
    expect(worktreePrefix(web)).toBeNull();
  });
});
