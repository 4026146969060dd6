/**
 * The commits of a range in one streamed `git log` (I/O): NUL between commits (`-z`), unit
 * separators between fields, each record parsed and folded into the change collector as it
 * arrives, so memory holds changes, never the raw log (git writes it into an unlinked temporary
 * file, read as it grows: see openSpool). One process for any number of commits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { BrtopsError } from "../core/errors.js";
import { collectChanges, type ChangeCollector, type CollectedChanges } from "./collect-changes.js";
import { parseCommit, plainCommitChange, sharedString } from "./conventional-commit.js";

const NO_PARENTS: string[] = [];
/** Stands for the one parent of most commits: parseCommit reads only how many there are (a merge has several). */
const ONE_PARENT: string[] = Object.freeze(["(one parent)"]) as string[];

/** The parents of a record as parseCommit needs them: counted, only a merge's are split. */
function parentsOf(text: string, from: number, to: number): string[] {
  if (to === from) return NO_PARENTS;
  const space = text.indexOf(" ", from);
  if (space < 0 || space >= to) return ONE_PARENT;
  return text.slice(from, to).split(" ");
}

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

/**
 * The records of `git log -z --format=LOG_FORMAT` fed to a collector as the bytes arrive, in
 * chunks cut anywhere (a UTF-8 character split between two chunks included).
 */
export function logRecords(collector: ChangeCollector): { write(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder("utf8");
  // The start of a record the last chunk ended inside.
  let rest = "";
  const consume = (text: string, start: number, end: number): void => {
    // A record may begin with the newline git prints between records.
    if (text.charCodeAt(start) === 10) start++;
    // sha US parents US author US date US message; the message may hold anything, so it is last.
    // The fields are found in the chunk's text itself (a string's indexOf is far cheaper than a
    // Buffer's, and slices of it cost no copy).
    const a = text.indexOf("\x1f", start);
    const b = a < 0 || a >= end ? -1 : text.indexOf("\x1f", a + 1);
    const c = b < 0 || b >= end ? -1 : text.indexOf("\x1f", b + 1);
    const d = c < 0 || c >= end ? -1 : text.indexOf("\x1f", c + 1);
    if (d < 0 || d >= end) return;
    const sha = text.slice(start, a);
    const parents = parentsOf(text, a + 1, b);
    const author = sharedString(text.slice(b + 1, c));
    const date = text.slice(c + 1, d);
    // Most commits: a header line and a plain body, one change, read in place (no record, no lines made).
    if (parents.length < 2) {
      const change = plainCommitChange(text, d + 1, end, sha, author);
      if (change !== null && collector.addChange(sha, date, change)) return;
    }
    collector.add(parseCommit({ sha, parents, author, date, message: text.slice(d + 1, end) }));
  };
  return {
    write(chunk) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let nul = text.indexOf("\0"); nul >= 0; nul = text.indexOf("\0", start)) {
        consume(text, start, nul);
        start = nul + 1;
      }
      rest = text.slice(start);
    },
    end() {
      const text = rest + decoder.end();
      rest = "";
      if (text !== "") consume(text, 0, text.length);
    },
  };
}

/** How much of the spooled log is read at a time; four reads' worth are parsed before other work gets a turn. */
const SPOOL_SLICE = 1 << 20;
/** How often a spooled log is looked at while git is still writing it (ms). */
const SPOOL_POLL_MS = 2;

/**
 * An unlinked temporary file for git to write the log into: git never waits for this process to
 * read (a pipe holds 64 KiB, and a busy event loop — loading the engine, checking the request —
 * would stall git on a full pipe); the log is parsed from the file as it grows. Nothing is left
 * behind: the name is removed at once, the file goes with its last descriptor. Null when no
 * temporary file can be made (the log is then read from a pipe).
 */
function openSpool(): { write: number; read: number } | null {
  const path = join(tmpdir(), `brtops-log-${process.pid}-${randomBytes(6).toString("hex")}`);
  let write = -1;
  try {
    write = openSync(path, "wx", 0o600);
    const read = openSync(path, "r");
    return { write, read };
  } catch {
    if (write >= 0) closeSync(write);
    return null;
  } finally {
    try {
      unlinkSync(path);
    } catch {
      /* never created */
    }
  }
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
    const spool = openSpool();
    let child: ChildProcess;
    try {
      child = spawn("git", logArguments(expr), {
        cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
        stdio: ["ignore", spool ? spool.write : "pipe", "pipe"],
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (e) {
      if (spool) closeSync(spool.read);
      throw e;
    } finally {
      // git has its own copy of the descriptor it writes to.
      if (spool) closeSync(spool.write);
    }
    const records = logRecords(collector);
    let stderr = "";
    let failed: Error | null = null;
    let done = false;
    const parse = (chunk: Buffer): void => {
      if (failed) return;
      try {
        records.write(chunk);
      } catch (e) {
        failed = e as Error;
        child.kill();
      }
    };
    // The spooled log: parsed as far as it is written, now and every few ms until git is done.
    let timer: NodeJS.Timeout | null = null;
    const buffer = spool ? Buffer.allocUnsafe(SPOOL_SLICE) : null;
    const drain = (all: boolean): void => {
      timer = null;
      if (done || !spool || !buffer) return;
      let more = false;
      for (let total = 0; ;) {
        const n = readSync(spool.read, buffer, 0, SPOOL_SLICE, null);
        if (n === 0) break;
        parse(buffer.subarray(0, n));
        total += n;
        // A long backlog is parsed a few MiB at a time: the rest of the process gets its turns.
        if (!all && total >= SPOOL_SLICE * 4) {
          more = true;
          break;
        }
      }
      if (!all && !done) timer = setTimeout(drain, more ? 0 : SPOOL_POLL_MS, false);
    };
    const finish = (): void => {
      done = true;
      if (timer) clearTimeout(timer);
      if (spool) closeSync(spool.read);
    };
    if (spool) timer = setTimeout(drain, SPOOL_POLL_MS, false);
    else child.stdout!.on("data", parse);
    child.stderr!.setEncoding("utf8").on("data", (c: string) => {
      if (stderr.length < 8192) stderr += c;
    });
    child.on("error", (e) => {
      if (!done) finish();
      reject(
        new BrtopsError("E_GIT", `git log could not start: ${e.message}`, {
          hint: "Install git and run brtops inside a git repository.",
        }),
      );
    });
    child.on("close", (code) => {
      if (done) return;
      if (timer) clearTimeout(timer);
      try {
        if (code === 0) drain(true);
      } catch (e) {
        failed ??= e as Error;
      }
      finish();
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
        records.end();
        resolve({ range: expr, ...collector.result() });
      } catch (e) {
        reject(e);
      }
    });
  });
}
