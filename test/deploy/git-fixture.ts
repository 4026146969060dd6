/** A real git repository in a temp dir with a bare repository as origin (pushes are real). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeDir } from "../support/remove-dir.js";

export interface GitFixture {
  root: string;
  work: string;
  origin: string;
  git(...args: string[]): string;
  originGit(...args: string[]): string;
  commit(file: string, text: string, message: string): string;
  dispose(): void;
}

export function createGitFixture(): GitFixture {
  const root = mkdtempSync(join(tmpdir(), "brtops-git-"));
  const work = join(root, "work");
  const origin = join(root, "origin.git");
  const run = (cwd: string, args: string[]): string =>
    execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }).trim();
  run(root, ["init", "-q", "--bare", "-b", "main", origin]);
  run(root, ["init", "-q", "-b", "main", work]);
  for (const [k, v] of [
    ["user.name", "Release Bot"],
    ["user.email", "bot@example.com"],
    ["commit.gpgSign", "false"],
    ["tag.gpgSign", "false"],
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
  ] as const)
    run(work, ["config", k, v]);
  run(work, ["remote", "add", "origin", origin]);
  const fx: GitFixture = {
    root,
    work,
    origin,
    git: (...args) => run(work, args),
    originGit: (...args) => run(origin, args),
    commit(file, text, message) {
      writeFileSync(join(work, file), text);
      run(work, ["add", file]);
      run(work, ["commit", "-q", "-m", message]);
      return run(work, ["rev-parse", "HEAD"]);
    },
    dispose: () => removeDir(root),
  };
  fx.commit("README.md", "# shop\n", "initial");
  return fx;
}
