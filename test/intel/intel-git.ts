/** A real git repository in a temp dir for intel tests: commits with chosen authors and messages. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface IntelRepo {
  dir: string;
  git(...args: string[]): string;
  /** Writes files (path → content) and commits them with this message and author; returns the sha. */
  commit(message: string, files?: Record<string, string>, author?: string): string;
  dispose(): void;
}

let counter = 0;

export function createIntelRepo(): IntelRepo {
  const dir = mkdtempSync(join(tmpdir(), "brtops-intel-git-"));
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1" };
  const git = (...args: string[]): string =>
    execFileSync("git", args, { cwd: dir, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 }).trim();
  git("init", "-q", "-b", "main");
  for (const [k, v] of [
    ["user.name", "Release Bot"],
    ["user.email", "bot@example.com"],
    ["commit.gpgSign", "false"],
    ["tag.gpgSign", "false"],
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
  ])
    git("config", k!, v!);
  const repo: IntelRepo = {
    dir,
    git,
    commit(message, files, author = "Release Bot") {
      const all = files ?? { [`changes/c${++counter}.txt`]: `${message}\n` };
      for (const [p, content] of Object.entries(all)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), content);
        git("add", "--", p);
      }
      execFileSync(
        "git",
        [
          "commit",
          "-q",
          "--allow-empty",
          "-F",
          "-",
          "--author",
          `${author} <${author.toLowerCase().replace(/\W+/g, ".")}@example.com>`,
        ],
        { cwd: dir, env, input: message },
      );
      return git("rev-parse", "HEAD");
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
  return repo;
}
