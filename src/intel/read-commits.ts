/**
 * The commits of a range in one streamed `git log` (I/O): NUL between commits (`-z`), unit
 * separators between fields, each record parsed and folded into the change collector as it
 * arrives, so memory holds changes, never the raw log. One process for any number of commits.
 */
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { BrtopsError } from "../core/errors.js";
import { collectChanges, type CollectedChanges } from "./collect-changes.js";
import { parseCommit, sharedString } from "./conventional-commit.js";

const NO_PARENTS: string[] = [];

/** The format both this reader and the benchmark's baseline use: sha, parents, author, date, raw message. */
export const LOG_FORMAT = "%H%x1f%P%x1f%an%x1f%aI%x1f%B";

export interface CommitRange {
  /** The previous release's tag (or any commit-ish); null: from the first commit. */
  from: string | null;
  /** Default HEAD. */
  to?: string;
}

export interface ReadCommitsResult extends CollectedChanges {
  /** "v1.1.000..HEAD" or "HEAD". */
  range: string;
}

/** The range expression git is given. */
export function rangeExpression(range: CommitRange): string {
  const to = range.to ?? "HEAD";
  return range.from ? `${range.from}..${to}` : to;
}

/** The arguments of the one `git log` a range is read with (the benchmark prints them beside its baseline's). */
export function logArguments(expr: string): string[] {
  return [
    "-c",
    "log.showSignature=false",
    "log",
    "-z",
    "--no-color",
    `--format=${LOG_FORMAT}`,
    "--end-of-options",
    expr,
    "--",
  ];
}

/** Reads and collects the changes of a range. Example: `(await readCommits(root, {from: "v1.1.000"})).changes.length`. */
export function readCommits(
  cwd: string,
  range: CommitRange,
  options: { signal?: AbortSignal } = {},
): Promise<ReadCommitsResult> {
  const expr = rangeExpression(range);
  const collector = collectChanges();
  return new Promise((resolve, reject) => {
    const child = spawn("git", logArguments(expr), {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const decoder = new StringDecoder("utf8");
    let rest = "";
    let stderr = "";
    let failed: Error | null = null;
    const consume = (record: string): void => {
      // sha US parents US author US date US message; the message may hold anything, so it is last.
      const a = record.indexOf("\x1f");
      const b = record.indexOf("\x1f", a + 1);
      const c = record.indexOf("\x1f", b + 1);
      const d = record.indexOf("\x1f", c + 1);
      if (a < 0 || b < 0 || c < 0 || d < 0) return;
      // Only whether there are several parents matters (a merge): one id is not split.
      const space = record.indexOf(" ", a + 1);
      const parents =
        b === a + 1
          ? NO_PARENTS
          : space >= 0 && space < b
            ? record.slice(a + 1, b).split(" ")
            : [record.slice(a + 1, b)];
      collector.add(
        parseCommit({
          sha: record.charCodeAt(0) === 10 ? record.slice(1, a) : record.slice(0, a),
          parents,
          author: sharedString(record.slice(b + 1, c)),
          date: record.slice(c + 1, d),
          message: record.slice(d + 1),
        }),
      );
    };
    child.stdout.on("data", (chunk: Buffer) => {
      if (failed) return;
      try {
        const text = rest + decoder.write(chunk);
        let start = 0;
        for (let nul = text.indexOf("\0"); nul >= 0; nul = text.indexOf("\0", start)) {
          consume(text.slice(start, nul));
          start = nul + 1;
        }
        rest = text.slice(start);
      } catch (e) {
        failed = e as Error;
        child.kill();
      }
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      if (stderr.length < 8192) stderr += c;
    });
    child.on("error", (e) =>
      reject(
        new BrtopsError("E_GIT", `git log could not start: ${e.message}`, {
          hint: "Install git and run brtops inside a git repository.",
        }),
      ),
    );
    child.on("close", (code) => {
      if (failed) return reject(failed);
      if (code !== 0) {
        // An empty repository has no commits to list; that is not an error.
        if (
          /does not have any commits yet|bad (default )?revision 'HEAD'/.test(stderr) &&
          !range.from &&
          (range.to ?? "HEAD") === "HEAD"
        )
          return resolve({ range: expr, ...collector.result() });
        return reject(
          new BrtopsError("E_GIT", `git log ${expr} failed (exit ${code}): ${stderr.trim().split("\n")[0] ?? ""}`, {
            hint: range.from
              ? `Check that ${range.from} exists: git tag --list`
              : "Check that the folder is a git repository.",
            details: { command: ["git", "log", expr], exitCode: code },
          }),
        );
      }
      try {
        consume(rest + decoder.end());
        resolve({ range: expr, ...collector.result() });
      } catch (e) {
        reject(e);
      }
    });
  });
}
