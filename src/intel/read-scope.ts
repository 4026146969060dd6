/** Spec 2.3 I/O: the files and lines changed since the previous release, from `git diff --numstat`. */
import { createGit } from "../adapters/git.js";
import { assessScope, parseNumstat, type FileStat, type ScopeAssessment, type ScopeInput } from "./assess-scope.js";
import { rangeExpression } from "./read-commits.js";

/** Reads the diff of `from..to` (from the empty tree when there is no previous release) and assesses it. */
export async function readScope(
  cwd: string,
  range: { from: string | null; to?: string },
  commits: number,
  rest: Omit<ScopeInput, "range" | "commits" | "files"> = {},
): Promise<ScopeAssessment> {
  return assessScope({ range: rangeExpression(range), commits, files: await readChangedFiles(cwd, range), ...rest });
}

/** Every file changed in `from..to`, with its line counts. */
export async function readChangedFiles(cwd: string, range: { from: string | null; to?: string }): Promise<FileStat[]> {
  const git = createGit(cwd);
  const to = range.to ?? "HEAD";
  let from = range.from;
  if (!from) {
    // The empty tree of this repository's hash algorithm (sha1 or sha256).
    const r = await git.run(["hash-object", "-t", "tree", "/dev/null"], { allowFail: true });
    from = r.code === 0 ? r.stdout.trim() : "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  }
  const head = await git.head();
  return head === null
    ? []
    : parseNumstat(
        (await git.run(["diff", "--numstat", "-z", "--no-renames", "--no-color", "--end-of-options", from, to, "--"]))
          .stdout,
      );
}
