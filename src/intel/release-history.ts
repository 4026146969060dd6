/**
 * The history of a release, read once (I/O): the commits between its base (the previous
 * release's commit or tag, null for a first release) and its head commit in ONE streamed
 * `git log`, and the files changed between the two in ONE `git diff --numstat`, both started
 * together. Every step of phases 1 and 2 that needs commits, changes or changed files derives its
 * result from this one reading.
 *
 * Memoised per (root, base commit, head commit): both ends are resolved to commit ids first, and
 * commit ids are immutable, so a cached reading is always right. Within one process, steps 1.4,
 * 2.1, 2.2 and 2.3 share it (and step 1.1 starts it early, see `prefetch`). The cache keeps the
 * last few readings only, so a long-lived server does not grow with every release.
 */
import { createGit, rememberHead } from "../adapters/git.js";
import { refStamp } from "../adapters/git-ref-stamp.js";
import { BrtopsError } from "../core/errors.js";
import { parseNumstat, type FileStat } from "./assess-scope.js";
import type { CollectedChanges } from "./collect-changes.js";
import { readCommits } from "./read-commits.js";

export interface HistoryRange {
  /** What changes are counted from: a commit id or a tag (any commit-ish); null counts from the first commit. */
  base: string | null;
  /** How the base is named in ranges and messages ("v1.1.000", a short commit id); default: `base`. */
  baseLabel?: string | null;
  /** The last commit of the release; default HEAD (resolved once, then fixed). */
  head?: string;
  /** How the head is named in ranges; default "HEAD" (the commit it was is `head` in the result). */
  headLabel?: string;
}

export interface ReleaseHistory extends CollectedChanges {
  /** As documents show it: "v1.1.000..HEAD", "3f2a9c1..HEAD", "HEAD" (HEAD as it was when read: `head`). */
  range: string;
  /** The base as given (a commit id or a tag), null for a first release. */
  base: string | null;
  /** The commit the base names. */
  baseCommit: string | null;
  /** The head commit analysed (null in a repository without commits). */
  head: string | null;
  /** Every file changed between the base and the head, with its line counts. */
  files: FileStat[];
}

const CACHE_SIZE = 4;
/** A full commit id (sha1 or sha256), as git prints it. */
const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const cache = new Map<string, Promise<ReleaseHistory>>();
/** The cache key of the reading each recent prefetch started, by the range as it was asked for (ends unresolved). */
const prefetched = new Map<string, { key: string; at: number }>();
/** The commits recent resolutions gave, with the stamp of the ref files they depended on (adapters/git-ref-stamp). */
const resolved = new Map<string, { stamp: string; commits: readonly string[] }>();
/** How long a prefetch stands for the next one of the same range (ms). */
const PREFETCH_FRESH_MS = 10_000;
let gitReads = 0;

/** How many history readings (git log + diff) this process has started: tests and benchmarks read it. */
export function historyReads(): number {
  return gitReads;
}

/** Forgets every cached reading (tests). */
export function clearHistoryCache(): void {
  cache.clear();
  prefetched.clear();
  resolved.clear();
}

/** The commits some refs name (null for one that names none), in one `git rev-parse` when all resolve. */
async function resolveCommits(root: string, refs: readonly string[]): Promise<(string | null)[]> {
  const git = createGit(root);
  // A ref never starts with "-" (git check-ref-format); refuse one rather than pass it as an option.
  if (refs.every((r) => r !== "" && !r.startsWith("-"))) {
    // Steps 1.4 and 2.1 resolve the same ends moments apart: unchanged ref files, the same commits.
    const key = `${root}\0${refs.join("\0")}`;
    const stamp = refStamp(root, refs);
    const known = stamp === null ? undefined : resolved.get(key);
    if (known && known.stamp === stamp) return [...known.commits];
    const headStamp = refs[0] === "HEAD" ? refStamp(root, ["HEAD"]) : null;
    const r = await git.run(["rev-parse", ...refs.map((x) => `${x}^{commit}`), "--"], { allowFail: true });
    const lines = r.stdout.split("\n").filter((l) => l !== "" && l !== "--");
    if (r.code === 0 && lines.length === refs.length) {
      // The package step asks for HEAD next (git.head()): it has its answer.
      if (headStamp !== null) rememberHead(root, headStamp, lines[0]!);
      if (stamp !== null) {
        resolved.delete(key);
        resolved.set(key, { stamp, commits: lines });
        while (resolved.size > CACHE_SIZE) resolved.delete(resolved.keys().next().value!);
      }
      return lines;
    }
  }
  // Some ref names no commit: tell which.
  return Promise.all(
    refs.map(async (ref) => {
      const r = await git.run(["rev-parse", "--verify", "-q", "--end-of-options", `${ref}^{commit}`], {
        allowFail: true,
      });
      return r.code === 0 ? r.stdout.trim() || null : null;
    }),
  );
}

/**
 * Reads (or returns the cached reading of) the history of a range. Example:
 * `(await readReleaseHistory(root, {base: "v1.1.000"})).changes.length`.
 * Throws E_GIT when the base names no commit.
 */
export async function readReleaseHistory(
  root: string,
  range: HistoryRange,
  options: { signal?: AbortSignal } = {},
): Promise<ReleaseHistory> {
  const { reading, display } = await startReading(root, range);
  const h = await (options.signal ? untilAborted(reading, options.signal) : reading);
  return { ...h, range: display, base: range.base };
}

/**
 * Starts reading a range without waiting for it: resolves once git was asked (the reading then goes
 * on in the background; its errors surface to whoever awaits it later, and never from here).
 */
export async function prefetchReleaseHistory(root: string, range: HistoryRange): Promise<void> {
  // The same range as a prefetch of this process asked for moments ago, its reading still kept:
  // nothing to ask git again (the request, then step 1.1). Whoever reads the range resolves its
  // ends for itself, so this only decides whether the cache is warmed twice.
  const asked = `${root}\0${range.base ?? ""}\0${range.head ?? "HEAD"}`;
  const known = prefetched.get(asked);
  if (known !== undefined && Date.now() - known.at < PREFETCH_FRESH_MS && cache.has(known.key)) return;
  try {
    const { reading, key } = await startReading(root, range);
    reading.catch(() => undefined);
    prefetched.delete(asked);
    prefetched.set(asked, { key, at: Date.now() });
    while (prefetched.size > CACHE_SIZE) prefetched.delete(prefetched.keys().next().value!);
  } catch {
    // The steps that read the range say what is wrong with it.
  }
}

/** The reading of a range: the cached one, else one started now (its git processes spawned before this resolves). */
async function startReading(
  root: string,
  range: HistoryRange,
): Promise<{ reading: Promise<ReleaseHistory>; display: string; key: string }> {
  const headRef = range.head ?? "HEAD";
  const label = range.baseLabel ?? range.base;
  const headLabel = range.headLabel ?? "HEAD";
  const display = label ? `${label}..${headLabel}` : headLabel;
  // Both ends named by full commit ids this process has read already (2.2 and 2.3 read the range 2.1
  // resolved): a commit id names the same commit forever, so the reading stands without asking git again.
  if (range.head !== undefined && FULL_ID.test(range.head) && (range.base === null || FULL_ID.test(range.base))) {
    const key = `${root}\0${range.base ?? ""}\0${range.head}`;
    const known = cache.get(key);
    if (known) return { reading: known, display, key };
  }
  const [head = null, baseCommit = null] = await resolveCommits(
    root,
    range.base === null ? [headRef] : [headRef, range.base],
  );
  if (range.base !== null && baseCommit === null) {
    throw new BrtopsError("E_GIT", `The previous release's ${range.base} names no commit in this repository.`, {
      hint: `Check that ${range.base} exists (git tag --list, git cat-file -t ${range.base}); fetch tags and history with git fetch --tags.`,
      details: { base: range.base },
    });
  }
  if (head === null && range.head !== undefined) {
    throw new BrtopsError("E_GIT", `The release commit ${range.head} is not in this repository.`, {
      hint: "Fetch it (git fetch) or run brtops in the repository the release was made from.",
      details: { head: range.head },
    });
  }
  return { ...readingOf(root, baseCommit, head), display };
}

/** The cached reading of base..head (commit ids), else one started now. */
function readingOf(
  root: string,
  baseCommit: string | null,
  head: string | null,
): { reading: Promise<ReleaseHistory>; key: string } {
  const key = `${root}\0${baseCommit ?? ""}\0${head ?? ""}`;
  let reading = cache.get(key);
  if (!reading) {
    // Not tied to the caller's signal: other steps may share this reading; an aborted caller stops waiting for it.
    const started = readOnce(root, baseCommit, head);
    reading = started;
    cache.set(key, started);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    // A failed or aborted reading is not kept: the next caller reads again.
    started.catch(() => {
      if (cache.get(key) === started) cache.delete(key);
    });
  }
  return { reading, key };
}

/**
 * Starts reading base..head for two commit ids known already (a request's prefetch reads the tags'
 * commits and HEAD in the processes that list them; a certified base records its own): commit ids
 * name the same commits forever, so the reading is the one any later caller resolving the same
 * ends gets, and no git process resolves them first (an id this repository lacks fails the reading,
 * which is then not kept). False (nothing started) unless both are full commit ids.
 */
export function prefetchCommits(root: string, baseCommit: string | null, head: string): boolean {
  if (!FULL_ID.test(head) || (baseCommit !== null && !FULL_ID.test(baseCommit))) return false;
  readingOf(root, baseCommit, head).reading.catch(() => undefined);
  return true;
}

async function readOnce(root: string, baseCommit: string | null, head: string | null): Promise<ReleaseHistory> {
  if (head === null) {
    return {
      range: "HEAD",
      base: null,
      baseCommit,
      head,
      files: [],
      changes: [],
      reverted: [],
      commits: 0,
      merges: 0,
      conventional: 0,
      first: null,
      last: null,
    };
  }
  gitReads++;
  const [collected, files] = await Promise.all([
    readCommits(root, { from: baseCommit, to: head }),
    changedFiles(root, baseCommit, head),
  ]);
  return { ...collected, base: baseCommit, baseCommit, head, files };
}

/** Every file changed in base..head (from the empty tree when there is no base), one `git diff --numstat`. */
async function changedFiles(root: string, base: string | null, head: string): Promise<FileStat[]> {
  const git = createGit(root);
  let from = base;
  if (!from) {
    // The empty tree of this repository's hash algorithm (sha1 or sha256).
    const r = await git.run(["hash-object", "-t", "tree", "/dev/null"], { allowFail: true });
    from = r.code === 0 ? r.stdout.trim() : "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  }
  return parseNumstat(
    (await git.run(["diff", "--numstat", "-z", "--no-renames", "--no-color", "--end-of-options", from, head, "--"]))
      .stdout,
  );
}

/** The promise, or a rejection as soon as `signal` aborts (the shared reading itself goes on for the other readers). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason ?? new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
