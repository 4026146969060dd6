/**
 * A request's history, started before anything else of the command loads (I/O, best effort).
 * Reading the history is the longest part of `brtops release` (one `git log` over the whole range,
 * issue 10), and git spends its first part walking the range before it prints anything. So as soon
 * as the command line is read (cli/entry, before the CLI itself loads; cli/main otherwise), the
 * range a request for this version would read is worked out from what the request itself reads —
 * the runs in the store and the tags, with their commits, and HEAD — without loading or validating
 * the config, and its reading started from those commits (intel/release-history). The engine then
 * loads, the config is validated, the request checked, planned and recorded for real, under the
 * environment's lock, while git walks; the real plan's reading (request-release) is the same one
 * when they agree, which they do unless the store, the tags or HEAD changed in between (then it is
 * read again, and this one is only wasted work).
 *
 * Only for the file store, and a store of a modest size: a team store costs a connection, and the
 * runs are read again under the lock anyway. Which store is configured is guessed from the config's
 * text (a top-level `store:` line), not parsed: a wrong guess only costs a reading that is not used.
 * Nothing is recorded or written and no error is reported: the request itself says what is wrong.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createGit } from "../adapters/git.js";
import { readRefFiles } from "../adapters/git-ref-files.js";
import { CONFIG_FILE, findRoot } from "../config/find-root.js";

/** Beyond this many runs the guess costs more than it may save (every log is read again under the lock). */
const MAX_RUNS = 50;
/** A top-level `store:` key and its plain or quoted value. */
const STORE_LINE = /^store[ \t]*:[ \t]*(["']?)([^"'#\s]*)\1/m;

/** One guess per request and process: the command line starts it, the command waits for it. */
const started = new Map<string, Promise<void>>();

/** Starts reading the history a request for `requested` ("1.2.0", "minor") would read; resolves once git was asked (or there is nothing to guess). Never rejects. */
export function prefetchRequestHistory(
  cwd: string,
  requested: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const key = `${cwd}\0${requested}`;
  let p = started.get(key);
  if (!p) {
    p = guess(cwd, requested, env);
    started.set(key, p);
  }
  return p;
}

async function guess(cwd: string, requested: string, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  try {
    const root = findRoot(cwd);
    if (!root || !requested) return;
    if (!onFileStore(root, env)) return;
    const dir = join(root, ".brtops", "releases");
    const logs = existsSync(dir) ? readdirSync(dir).filter((n) => existsSync(join(dir, n, "events.jsonl"))) : [];
    if (logs.length > MAX_RUNS) return;
    // The tags (with their commits) and HEAD, from the ref files where they tell (no git process
    // to fork), else from git while the planning and reading code loads; the store's code only for
    // a store that holds logs. git log then starts from those commits, with no git process
    // resolving them in between.
    const files = readRefFiles(root);
    const git = createGit(root);
    const [tagCommits, head, { planReleaseRequest }, { prefetchKnownHistory }, runs] = await Promise.all([
      files?.tagCommits ?? git.tagCommits(),
      files ? files.head : git.head(),
      import("../intel/plan-request.js"),
      import("./steps/history.js"),
      logs.length === 0 ? [] : storeRuns(root),
    ]);
    // The changelog base does not depend on the environment (only the release id, {previous} and
    // the refusals do), so any name stands in for the one the config would resolve.
    const plan = planReleaseRequest({ requested, environment: "\u0000prefetch", runs, tags: [...tagCommits.keys()] });
    await prefetchKnownHistory(root, plan.base, { head, tagCommits });
  } catch {
    // A guess only: the request reads and explains for itself.
  }
}

/** Whether the project keeps its logs in the file store, as far as the environment and the config's text tell. */
function onFileStore(root: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const fromEnv = env.BRTOPS_STORE?.trim();
  if (fromEnv) return fromEnv === "file";
  const configured = STORE_LINE.exec(readFileSync(join(root, CONFIG_FILE), "utf8"))?.[2];
  return !configured || configured === "file";
}

async function storeRuns(root: string): Promise<Awaited<ReturnType<typeof import("./read-runs.js").readRuns>>> {
  const [{ FileStore }, { readRuns }] = await Promise.all([import("../store/store-file.js"), import("./read-runs.js")]);
  return readRuns(new FileStore(root));
}
