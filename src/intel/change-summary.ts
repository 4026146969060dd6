/**
 * What the steps of phases 1 and 2 count in a release's changes, gathered in one pass and kept per
 * list: on a 50,000-change history every pass over the changes costs milliseconds (each change is
 * an object of its own, wherever the parse left it in memory), and SEV (1.4), the bump (2.1), the
 * changelog and release notes (2.2) and the scope (2.3) made eight of them. A list of changes is
 * read, never changed, once it is summarised (a reading's are collected once: collect-changes).
 * Pure.
 */
import type { Change } from "./conventional-commit.js";

export interface ChangeSummary {
  /** How many changes have each type; "" counts those that are not conventional. */
  byType: ReadonlyMap<string, number>;
  /** Where the breaking changes are in the list, in its order. */
  breaking: readonly number[];
  /** The scopes the changes name, first seen first. */
  scopes: readonly string[];
  /**
   * The first seven hex digits of each change's commit id as a number, sorted (the changes of one
   * commit, which follow one another, once); null when some id does not start with seven of them.
   */
  prefixes: Uint32Array | null;
}

const summaries = new WeakMap<readonly Change[], ChangeSummary>();

/** The summary of `changes`, made on the first call for this list. Example: `summarizeChanges(history.changes).breaking.length`. */
export function summarizeChanges(changes: readonly Change[]): ChangeSummary {
  const known = summaries.get(changes);
  if (known) return known;
  const byType = new Map<string, number>();
  const breaking: number[] = [];
  const scopes = new Set<string>();
  let prefixes: Uint32Array | null = new Uint32Array(changes.length);
  let ids = 0;
  let prev = "";
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const type = c.type ?? "";
    byType.set(type, (byType.get(type) ?? 0) + 1);
    if (c.breaking) breaking.push(i);
    if (c.scope !== null) scopes.add(c.scope);
    if (prefixes !== null && c.sha !== prev) {
      const k = hexPrefix(c.sha);
      if (k < 0) prefixes = null;
      else prefixes[ids++] = k;
      prev = c.sha;
    }
  }
  const summary: ChangeSummary = {
    byType,
    breaking,
    scopes: [...scopes],
    prefixes: prefixes === null ? null : prefixes.subarray(0, ids).sort(),
  };
  summaries.set(changes, summary);
  return summary;
}

/** How many changes have one of these types. */
export function countOfTypes(summary: ChangeSummary, ...types: string[]): number {
  let n = 0;
  for (const t of types) n += summary.byType.get(t) ?? 0;
  return n;
}

/** The first seven characters of a commit id as a number, -1 when they are not lower-case hex digits. */
export function hexPrefix(sha: string): number {
  if (sha.length < 7) return -1;
  let k = 0;
  for (let i = 0; i < 7; i++) {
    const c = sha.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    k = k * 16 + d;
  }
  return k;
}

/** How many entries of sorted `prefixes` equal `k`. */
export function prefixCount(prefixes: Uint32Array, k: number): number {
  let lo = 0;
  let hi = prefixes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prefixes[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  let n = 0;
  while (lo + n < prefixes.length && prefixes[lo + n] === k) n++;
  return n;
}
