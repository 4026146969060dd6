/**
 * A request's history, started before the request is checked (I/O, best effort). Reading the
 * history is the longest part of `brtops release` (one `git log` over the whole range, issue 10),
 * and git spends its first part walking the range before it prints anything. So as soon as the
 * command is parsed, the range a request for this version would read is worked out from what the
 * request itself reads — the runs in the store and the tags — without validating the config, and
 * its reading started (intel/release-history). The config is then validated, the request checked,
 * planned and recorded for real, under the environment's lock, while git walks; the real plan's
 * reading (request-release) is the same one when they agree, which they do unless the store or the
 * tags changed in between (then it is read again, and this one is only wasted work).
 *
 * Only for the file store, and a store of a modest size: a team store costs a connection, and the
 * runs are read again under the lock anyway. Nothing is recorded or written and no error is reported: the
 * request itself says what is wrong.
 */
import { createGit } from "../adapters/git.js";
import { findRoot } from "../config/find-root.js";
import { planReleaseRequest } from "../intel/plan-request.js";
import { storeKind } from "../store/open-store.js";
import { FileStore } from "../store/store-file.js";
import { readingConfig } from "./reading-config.js";
import { readRuns } from "./read-runs.js";
import { prefetchRecordedHistory } from "./steps/history.js";

/** Beyond this many runs the guess costs more than it may save (every log is read again under the lock). */
const MAX_RUNS = 50;

/** Starts reading the history a request for `requested` ("1.2.0", "minor") would read; resolves once git was asked (or there is nothing to guess). Never rejects. */
export async function prefetchRequestHistory(
  cwd: string,
  requested: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  try {
    const root = findRoot(cwd);
    if (!root) return;
    // Before the request is checked: nothing is written (not even the config cache) for a request that may be refused.
    const settings = await readingConfig(root, { remember: false });
    if (!settings || storeKind(env.BRTOPS_STORE?.trim() || settings.store) !== "file") return;
    const store = new FileStore(root);
    if ((await store.list()).length > MAX_RUNS) return;
    const [runs, tags] = await Promise.all([readRuns(store), createGit(root).tags()]);
    // The changelog base does not depend on the environment (only the release id, {previous} and
    // the refusals do), so any name stands in for the one the config would resolve.
    const plan = planReleaseRequest({ requested, environment: "\u0000prefetch", runs, tags });
    await prefetchRecordedHistory(root, plan.base);
  } catch {
    // A guess only: the request reads and explains for itself.
  }
}
