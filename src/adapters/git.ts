/** The git CLI, run with argument arrays. Failures carry command, exit code and stderr (redacted). */
import { execFile } from "node:child_process";
import { BrtopsError } from "../core/errors.js";
import { refStamp, tagsStamp } from "./git-ref-stamp.js";

export interface Git {
  cwd: string;
  run(
    args: readonly string[],
    opts?: { allowFail?: boolean; maxBuffer?: number },
  ): Promise<{ stdout: string; stderr: string; code: number }>;
  head(): Promise<string | null>;
  tags(): Promise<string[]>;
  /** Every tag with the commit it names (null: it names no commit, or one only through a tag of a tag). */
  tagCommits(): Promise<Map<string, string | null>>;
  isRepo(): Promise<boolean>;
}

/**
 * The last answers git gave, by folder, with the stamp of the ref files they depended on
 * (./git-ref-stamp): asked again while the stamp is the same, the answer is given without a git
 * process. Bounded: a long-lived server working on many projects keeps the latest few.
 */
const MEMO_SIZE = 16;
const heads = new Map<string, { stamp: string; value: string }>();
const tagLists = new Map<string, { stamp: string; value: readonly string[] }>();

function remembered<T>(memo: Map<string, { stamp: string; value: T }>, key: string, stamp: string): T | undefined {
  const m = memo.get(key);
  return m && m.stamp === stamp ? m.value : undefined;
}

function remember<T>(memo: Map<string, { stamp: string; value: T }>, key: string, stamp: string, value: T): void {
  memo.delete(key);
  memo.set(key, { stamp, value });
  while (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
}

/** A tag's name, what it points at, and (an annotated tag) the object it points at in turn. */
const TAG_FIELDS = ["%(refname:lstrip=2)", "%(objecttype)", "%(objectname)", "%(*objecttype)", "%(*objectname)"];

/** Tells the HEAD memo what HEAD was when its ref files had `stamp` (refStamp of ["HEAD"], taken before git was asked). */
export function rememberHead(cwd: string, stamp: string, head: string): void {
  remember(heads, cwd, stamp, head);
}

export function createGit(cwd: string, redact: (s: string) => string = (s) => s): Git {
  const run: Git["run"] = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      execFile(
        "git",
        [...args],
        {
          cwd,
          maxBuffer: opts.maxBuffer ?? 512 * 1024 * 1024,
          env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
        },
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as { code?: unknown }).code === "number"
              ? (err as { code: number }).code
              : 1
            : 0;
          if (err && !opts.allowFail) {
            reject(
              new BrtopsError(
                "E_GIT",
                `git ${redact(args.join(" "))} failed (exit ${code}): ${redact(String(stderr).trim() || err.message)}`,
                {
                  hint: "Check that the folder is a git repository and the remote is reachable.",
                  details: { command: ["git", ...args].map(redact), exitCode: code },
                },
              ),
            );
            return;
          }
          resolve({ stdout: String(stdout), stderr: String(stderr), code });
        },
      );
    });
  return {
    cwd,
    run,
    async head() {
      const stamp = refStamp(cwd, ["HEAD"]);
      const known = stamp === null ? undefined : remembered(heads, cwd, stamp);
      if (known !== undefined) return known;
      const r = await run(["rev-parse", "--verify", "-q", "HEAD"], { allowFail: true });
      const head = r.code === 0 ? r.stdout.trim() : null;
      if (stamp !== null && head) remember(heads, cwd, stamp, head);
      return head;
    },
    async tags() {
      const stamp = tagsStamp(cwd);
      const known = stamp === null ? undefined : remembered(tagLists, cwd, stamp);
      if (known !== undefined) return [...known];
      const r = await run(["for-each-ref", "--format=%(refname:lstrip=2)", "refs/tags"], { allowFail: true });
      if (r.code !== 0) return [];
      const tags = r.stdout.split("\n").filter(Boolean);
      if (stamp !== null) remember(tagLists, cwd, stamp, tags);
      return [...tags];
    },
    async tagCommits() {
      // The names and commits in one process: a request's prefetch plans with the names and starts
      // reading the history from the commit of the tag it chose, without asking git again.
      const stamp = tagsStamp(cwd);
      const r = await run(["for-each-ref", `--format=${TAG_FIELDS.join("%00")}`, "refs/tags"], { allowFail: true });
      const out = new Map<string, string | null>();
      if (r.code !== 0) return out;
      for (const line of r.stdout.split("\n")) {
        if (!line) continue;
        const [name = "", type, id = "", peeledType, peeled = ""] = line.split("\0");
        out.set(name, type === "commit" ? id : peeledType === "commit" ? peeled : null);
      }
      // The same names, in the same order, as tags() lists.
      if (stamp !== null) remember(tagLists, cwd, stamp, [...out.keys()]);
      return out;
    },
    async isRepo() {
      const r = await run(["rev-parse", "--git-dir"], { allowFail: true });
      return r.code === 0;
    },
  };
}
