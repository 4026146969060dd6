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
  const b = summaryBuilder();
  for (let i = 0; i < changes.length; i++) b.add(changes[i]!);
  const summary = b.summary();
  summaries.set(changes, summary);
  return summary;
}

/** Tells summarizeChanges the summary of a list made as it was collected (collect-changes: while each change is fresh). */
export function rememberSummary(changes: readonly Change[], summary: ChangeSummary): void {
  summaries.set(changes, summary);
}

export interface SummaryBuilder {
  /** The next change of the list. */
  add(c: Change): void;
  /** The summary of the changes added so far, and of `more` after them (the builder itself does not take them). */
  summary(more?: readonly Change[]): ChangeSummary;
}

/** A summary made one change at a time, in list order. */
export function summaryBuilder(): SummaryBuilder {
  interface State {
    byType: Map<string, number>;
    breaking: number[];
    scopes: Set<string>;
    /** Grown by doubling; the first `ids` are set. */
    prefixes: Uint32Array | null;
    ids: number;
    count: number;
    prev: string;
  }
  const add = (c: Change, into: State): void => {
    const type = c.type ?? "";
    into.byType.set(type, (into.byType.get(type) ?? 0) + 1);
    if (c.breaking) into.breaking.push(into.count);
    into.count++;
    if (c.scope !== null) into.scopes.add(c.scope);
    if (into.prefixes !== null && c.sha !== into.prev) {
      const k = hexPrefix(c.sha);
      if (k < 0) into.prefixes = null;
      else {
        if (into.ids === into.prefixes.length) {
          const grown = new Uint32Array(into.prefixes.length * 2);
          grown.set(into.prefixes);
          into.prefixes = grown;
        }
        into.prefixes[into.ids++] = k;
      }
      into.prev = c.sha;
    }
  };
  const state: State = {
    byType: new Map(),
    breaking: [],
    scopes: new Set(),
    prefixes: new Uint32Array(1024),
    ids: 0,
    count: 0,
    prev: "",
  };
  return {
    add: (c) => add(c, state),
    summary(more = []) {
      // A snapshot: the builder's own state goes on unchanged.
      const s: State = {
        ...state,
        byType: new Map(state.byType),
        breaking: [...state.breaking],
        scopes: new Set(state.scopes),
        prefixes: state.prefixes && state.prefixes.slice(0, state.ids),
      };
      for (const c of more) add(c, s);
      return {
        byType: s.byType,
        breaking: s.breaking,
        scopes: [...s.scopes],
        prefixes: s.prefixes === null ? null : s.prefixes.slice(0, s.ids).sort(),
      };
    },
  };
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
