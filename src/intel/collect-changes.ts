/**
 * The changes of a commit range with reverts applied, fed one commit at a time, newest first (the
 * order `git log` prints). Pure.
 *
 * A revert inside the range cancels the commit it reverts: neither is listed (both appear under
 * "reverted"). A revert of a revert re-instates the original. A revert whose target lies before
 * the range (it undoes something already released) is listed as a change of type "revert".
 * The target is found by the commit id of "This reverts commit <sha>", else by its header.
 */
import type { Change, ParsedCommit } from "./conventional-commit.js";
import { rememberSummary, summaryBuilder } from "./change-summary.js";

export interface RevertedPair {
  description: string;
  sha: string;
  revertedBy: string;
}

export interface CollectedChanges {
  /** Newest first. */
  changes: Change[];
  reverted: RevertedPair[];
  commits: number;
  merges: number;
  /** Conventional commits among the non-merge commits. */
  conventional: number;
  first: { sha: string; date: string } | null;
  last: { sha: string; date: string } | null;
}

export interface ChangeCollector {
  add(commit: ParsedCommit): void;
  /**
   * The next commit when it is a plain commit making one change (conventional-commit's
   * plainCommitChange): added as `add` would, without its record. False — nothing added, call `add` —
   * while a revert waits for its target (the commit's subject may be it).
   */
  addChange(sha: string, date: string, change: Change): boolean;
  result(): CollectedChanges;
}

/** A collector; call `add` newest first. Example: `const c = collectChanges(); for (const p of parsed) c.add(p); c.result().changes`. */
export function collectChanges(): ChangeCollector {
  const changes: Change[] = [];
  const reverted: RevertedPair[] = [];
  // Targets of reverts seen so far (newer commits): by sha prefix and by header.
  const bySha = new Map<string, { prefix: string; revert: ParsedCommit }[]>();
  const byHeader = new Map<string, ParsedCommit[]>();
  const pendingReverts: ParsedCommit[] = [];
  const cancelled = new Set<string>();
  let commits = 0;
  let merges = 0;
  let conventional = 0;
  let firstSha = "";
  let firstDate = "";
  let last: CollectedChanges["last"] = null;
  // Summarised as they come, while each change is fresh in memory: the steps count from the
  // summary instead of walking 50,000 changes again (change-summary).
  const summary = summaryBuilder();

  // Targets are looked up only while some revert waits for one (most commits of a range find both maps empty).
  const claim = (c: ParsedCommit): ParsedCommit | null => {
    if (bySha.size > 0) {
      const key = c.sha.slice(0, 7);
      const candidates = bySha.get(key);
      const at = candidates ? candidates.findIndex((x) => c.sha.startsWith(x.prefix)) : -1;
      if (candidates && at >= 0) {
        const found = candidates.splice(at, 1)[0]!.revert;
        if (candidates.length === 0) bySha.delete(key);
        return found;
      }
    }
    if (byHeader.size > 0) {
      const list = byHeader.get(c.subject);
      if (list && list.length) {
        const found = list.shift()!;
        if (list.length === 0) byHeader.delete(c.subject);
        return found;
      }
    }
    return null;
  };

  // Every commit is counted, and is the oldest so far (newest first); the first one is the newest.
  const count = (sha: string, date: string): void => {
    commits++;
    if (!last) last = { sha, date };
    firstSha = sha;
    firstDate = date;
  };
  // A change kept, and summarised while it is fresh in memory.
  const keep = (ch: Change): void => {
    changes.push(ch);
    summary.add(ch);
  };

  return {
    add(c) {
      count(c.sha, c.date);
      if (c.merge && !c.reverts) {
        merges++;
        return;
      }
      const revertedBy = claim(c);
      if (revertedBy) {
        cancelled.add(revertedBy.sha);
        reverted.push({
          description: c.reverts ? `Revert "${c.reverts.header ?? c.subject}"` : c.subject,
          sha: c.sha,
          revertedBy: revertedBy.sha,
        });
        // This commit is undone; if it was itself a revert, its target stays in.
        return;
      }
      if (c.reverts) {
        pendingReverts.push(c);
        if (c.reverts.sha) {
          const key = c.reverts.sha.slice(0, 7);
          const list = bySha.get(key) ?? [];
          list.push({ prefix: c.reverts.sha, revert: c });
          bySha.set(key, list);
        } else if (c.reverts.header) {
          const list = byHeader.get(c.reverts.header) ?? [];
          list.push(c);
          byHeader.set(c.reverts.header, list);
        }
        return;
      }
      if (c.changes.some((ch) => ch.type !== null)) conventional++;
      for (const ch of c.changes) keep(ch);
    },
    addChange(sha, date, change) {
      if (bySha.size > 0 || byHeader.size > 0) return false;
      count(sha, date);
      if (change.type !== null) conventional++;
      keep(change);
      return true;
    },
    result() {
      // Reverts whose target was not in the range undo something released before: list them.
      const outside: Change[] = pendingReverts
        .filter((r) => !cancelled.has(r.sha))
        .map((r) => ({
          type: "revert",
          scope: null,
          description: r.reverts?.header ?? r.subject,
          breaking: false,
          breakingNotes: [],
          sha: r.sha,
          author: r.author,
        }));
      // The collected list itself when nothing follows it (50,000 changes are not copied for nothing).
      const all = outside.length > 0 ? [...changes, ...outside] : changes;
      rememberSummary(all, summary.summary(outside));
      return {
        changes: all,
        reverted,
        commits,
        merges,
        conventional,
        first: commits ? { sha: firstSha, date: firstDate } : null,
        last,
      };
    },
  };
}
