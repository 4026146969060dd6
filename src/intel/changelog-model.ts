/**
 * The changelog model (spec 2.2): a JSON-serialisable summary of the changes since the previous
 * release that step 2.2 records and the renderer turns into changelog.md. Pure and bounded: at
 * most `maxEntries` changes are listed (breaking changes first), the rest are counted per group.
 */
import type { Change } from "./conventional-commit.js";
import type { CollectedChanges, RevertedPair } from "./collect-changes.js";
import { alphabetical } from "../core/text-order.js";
import { hexPrefix, prefixCount, summarizeChanges } from "./change-summary.js";

/** Sections in the order the changelog shows them, with the types each gathers. */
export const CHANGE_GROUPS = [
  { key: "added", title: "Added", types: ["feat"] },
  { key: "fixed", title: "Fixed", types: ["fix"] },
  { key: "security", title: "Security", types: ["security"] },
  { key: "performance", title: "Performance", types: ["perf"] },
  { key: "changed", title: "Changed", types: ["refactor"] },
  { key: "reverted", title: "Reverted", types: ["revert"] },
  { key: "docs", title: "Documentation", types: ["docs"] },
  { key: "build", title: "Build and dependencies", types: ["build", "deps"] },
  { key: "ci", title: "Continuous integration", types: ["ci"] },
  { key: "tests", title: "Tests", types: ["test", "tests"] },
  { key: "maintenance", title: "Maintenance", types: ["chore", "style", "ops", "i18n"] },
  { key: "other", title: "Other changes", types: [] as string[] },
] as const;

export interface ChangeEntry {
  description: string;
  scope: string | null;
  type: string | null;
  /** Shortest unique prefix among the listed commits, at least 7 characters. */
  commit: string;
  author: string;
  breaking: boolean;
}

export interface BreakingEntry extends ChangeEntry {
  notes: string[];
}

export interface ChangelogGroup {
  key: string;
  title: string;
  scopes: { scope: string | null; entries: ChangeEntry[] }[];
  /** Changes of this group not listed (over the bound). */
  omitted: number;
}

export interface ChangelogModel {
  version: string;
  /** The previous release's tag ("v1.1.000"), null for a first release. */
  previous: string | null;
  /** Release date as recorded by the step (YYYY-MM-DD). */
  date: string;
  range: string;
  counts: {
    commits: number;
    merges: number;
    changes: number;
    conventional: number;
    reverted: number;
    breaking: number;
  };
  breaking: BreakingEntry[];
  /** Migration steps from the features' release notes (breaking-change footers stay with their entry). */
  migration: { text: string; source: string }[];
  groups: ChangelogGroup[];
  reverted: (RevertedPair & { commit: string })[];
}

export interface ChangelogInput {
  version: string;
  previous: string | null;
  date: string;
  collected: CollectedChanges & { range: string };
  /** Migration notes from features ({text, source: feature name}). */
  migration?: { text: string; source: string }[];
  maxEntries?: number;
}

/** Builds the model. Example: `buildChangelogModel({version: "2.1.0", previous: "v2.0.0", date: "2025-08-27", collected}).groups[0].title` → "Added". */
export function buildChangelogModel(input: ChangelogInput): ChangelogModel {
  const max = input.maxEntries ?? 1000;
  const changes = input.collected.changes;
  // The summary counts the changes of each type (a type no group names goes to "other") and finds
  // the breaking ones; one pass lists the first ones of each group the bound leaves room for.
  const summary = summarizeChanges(changes);
  const sizes: number[] = CHANGE_GROUPS.map(() => 0);
  for (const [type, n] of summary.byType) sizes[groupIndex(type === "" ? null : type)]! += n;
  const breakingCount = summary.breaking.length;
  const listedBreaking = summary.breaking.slice(0, max).map((i) => changes[i]!);
  let budget = Math.max(0, max - listedBreaking.length);
  const room = sizes.map((size) => {
    const n = Math.min(size, budget);
    budget -= n;
    return n;
  });
  const listedByGroup: Change[][] = CHANGE_GROUPS.map(() => []);
  let left = room.reduce((a, b) => a + b, 0);
  for (let i = 0; i < changes.length && left > 0; i++) {
    const g = groupIndex(changes[i]!.type);
    if (listedByGroup[g]!.length < room[g]!) {
      listedByGroup[g]!.push(changes[i]!);
      left--;
    }
  }
  // Short ids tell apart every commit of the range; only the listed ones are asked for.
  const asked = [...listedBreaking, ...listedByGroup.flat()].map((c) => c.sha);
  for (const r of input.collected.reverted.slice(0, 200)) asked.push(r.sha, r.revertedBy);
  const short = shortIdsOf(input.collected, asked);
  const entry = (c: Change): ChangeEntry => ({
    description: c.description,
    scope: c.scope,
    type: c.type,
    commit: short(c.sha),
    author: c.author,
    breaking: c.breaking,
  });

  const breaking = listedBreaking.map((c) => ({ ...entry(c), notes: c.breakingNotes }));
  const groups: ChangelogGroup[] = [];
  CHANGE_GROUPS.forEach((g, i) => {
    if (sizes[i] === 0) return;
    const listed = listedByGroup[i]!;
    const byScope = new Map<string | null, ChangeEntry[]>();
    for (const c of listed) {
      const list = byScope.get(c.scope) ?? [];
      list.push(entry(c));
      byScope.set(c.scope, list);
    }
    // Unscoped changes first, then scopes alphabetically; entries oldest first within a scope.
    const scopes = [...byScope.entries()]
      .sort(([a], [b]) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : alphabetical(a, b)))
      .map(([scope, entries]) => ({ scope, entries: entries.reverse() }));
    groups.push({ key: g.key, title: g.title, scopes, omitted: sizes[i]! - listed.length });
  });
  const migration = [...(input.migration ?? [])];
  return {
    version: input.version,
    previous: input.previous,
    date: input.date,
    range: input.collected.range,
    counts: {
      commits: input.collected.commits,
      merges: input.collected.merges,
      changes: changes.length,
      conventional: input.collected.conventional,
      reverted: input.collected.reverted.length,
      breaking: breakingCount,
    },
    breaking,
    migration: migration.slice(0, 200),
    groups,
    reverted: input.collected.reverted
      .slice(0, 200)
      .map((r) => ({ ...r, commit: short(r.sha), sha: short(r.sha), revertedBy: short(r.revertedBy) })),
  };
}

const GROUP_OF = new Map<string, number>(
  CHANGE_GROUPS.flatMap((g, i) => g.types.map((t) => [t, i] as [string, number])),
);
const OTHER = CHANGE_GROUPS.findIndex((g) => g.key === "other");

/** The group a change of this type is listed in. */
function groupIndex(type: string | null): number {
  return type === null ? OTHER : (GROUP_OF.get(type) ?? OTHER);
}

/**
 * Short ids for the asked commits, told apart from every commit id of the changes and reverted
 * pairs. The summary's sorted prefixes tell which asked ids some other id may share seven digits
 * with (a few in a 50,000-commit range, often none); only for those are the ids compared, in one
 * plain loop over the range.
 */
function shortIdsOf(
  collected: Pick<CollectedChanges, "changes" | "reverted">,
  allAsked: readonly string[],
): (sha: string) => string {
  const asked = mayShare(collected, allAsked);
  const groups = new Map<string, string[]>();
  if (asked.length === 0) return shortFrom(groups);
  for (const s of asked) groups.set(s.slice(0, 7), []);
  const see = (s: string): void => {
    const g = groups.get(s.slice(0, 7));
    if (g && !g.includes(s)) g.push(s);
  };
  const changes = collected.changes;
  let prev = "";
  for (let i = 0; i < changes.length; i++) {
    const s = changes[i]!.sha;
    // A squash commit's changes follow one another with the same id.
    if (s !== prev) see(s);
    prev = s;
  }
  for (const r of collected.reverted) {
    see(r.sha);
    see(r.revertedBy);
  }
  return shortFrom(groups);
}

/** The asked ids whose first seven digits some other id of the range may have too (all of them when some id is not plain hex). */
function mayShare(collected: Pick<CollectedChanges, "changes" | "reverted">, asked: readonly string[]): string[] {
  const prefixes = summarizeChanges(collected.changes).prefixes;
  const reverted = new Map<number, number>();
  for (const r of collected.reverted)
    for (const k of [hexPrefix(r.sha), hexPrefix(r.revertedBy)]) reverted.set(k, (reverted.get(k) ?? 0) + 1);
  if (prefixes === null || reverted.has(-1)) return [...asked];
  // Every asked id is one of the range's: it counts itself once.
  return asked.filter((s) => {
    const k = hexPrefix(s);
    return k < 0 || prefixCount(prefixes, k) + (reverted.get(k) ?? 0) > 1;
  });
}

/** The short id of a commit among groups of ids that share their first seven characters. */
function shortFrom(groups: ReadonlyMap<string, readonly string[]>): (sha: string) => string {
  return (sha) => {
    const g = groups.get(sha.slice(0, 7));
    if (!g || g.length < 2) return sha.slice(0, 7);
    // Rare: ids sharing seven characters need one more than their longest common prefix.
    let n = 7;
    for (const other of g) {
      if (other === sha) continue;
      let k = 0;
      while (k < sha.length && sha[k] === other[k]) k++;
      n = Math.max(n, k + 1);
    }
    return sha.slice(0, Math.min(n, sha.length));
  };
}
