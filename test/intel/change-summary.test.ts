/**
 * The summary of a release's changes (intel/change-summary), made in one pass and shared by SEV,
 * the bump, the changelog, the release notes and the scope; and what the models built from it
 * list: the same counts, the oldest features and fixes, short ids that tell apart every commit of
 * the range, also the ones the bound leaves out.
 */
import { describe, expect, it } from "vitest";
import { summarizeChanges } from "../../src/intel/change-summary.js";
import { collectChanges } from "../../src/intel/collect-changes.js";
import { parseCommit } from "../../src/intel/conventional-commit.js";
import { buildChangelogModel } from "../../src/intel/changelog-model.js";
import type { Change } from "../../src/intel/conventional-commit.js";
import { buildReleaseNotesModel } from "../../src/intel/release-notes-model.js";
import { inferBump } from "../../src/intel/version-bump.js";
import { analyzeBump } from "../../src/intel/read-release-analysis.js";

const hex = (n: number): string => n.toString(16).padStart(40, "0");

function change(sha: string, type: string | null, description: string, extra: Partial<Change> = {}): Change {
  return { type, scope: null, description, breaking: false, breakingNotes: [], sha, author: "Ann", ...extra };
}

function collected(changes: Change[], reverted: { description: string; sha: string; revertedBy: string }[] = []) {
  return {
    changes,
    reverted,
    commits: changes.length,
    merges: 0,
    conventional: changes.length,
    first: null,
    last: null,
    range: "v1.0.0..HEAD",
  };
}

const model = (c: ReturnType<typeof collected>, maxEntries?: number) =>
  buildChangelogModel({
    version: "1.1.0",
    previous: "v1.0.0",
    date: "2026-12-01",
    collected: c,
    ...(maxEntries ? { maxEntries } : {}),
  });

const listedCommits = (m: ReturnType<typeof model>): string[] =>
  m.groups.flatMap((g) => g.scopes.flatMap((s) => s.entries.map((e) => e.commit)));

describe("a summary of the changes", () => {
  it("counts types, finds the breaking changes and the scopes, and sorts the commits' prefixes once per commit", () => {
    const changes = [
      change(hex(3), "feat", "c", { scope: "ui", breaking: true }),
      change(hex(3), "fix", "c2", { scope: "api" }),
      change(hex(2), null, "b"),
      change(hex(1), "feat", "a", { scope: "ui", breaking: true }),
    ];
    const s = summarizeChanges(changes);
    expect(Object.fromEntries(s.byType)).toEqual({ feat: 2, fix: 1, "": 1 });
    expect(s.breaking).toEqual([0, 3]);
    expect(s.scopes).toEqual(["ui", "api"]);
    // hex(n) starts with seven zeros: three commits, three equal prefixes.
    expect([...s.prefixes!]).toEqual([0, 0, 0]);
    expect(summarizeChanges(changes)).toBe(s);
    expect(summarizeChanges([change("not-hex", "feat", "x")]).prefixes).toBeNull();
  });

  it("is made while the changes are collected, the same as one made from the list afterwards", () => {
    const c = collectChanges();
    const messages = [
      "feat(ui)!: new layout",
      "fix(api): empty query\n\nBREAKING CHANGE: errors are JSON",
      "docs: usage",
      "chore: squash\n\n* feat(search): batch\n* fix: other",
      `Revert "feat: released long ago"\n\nThis reverts commit ${"9".repeat(40)}.`,
      "Update stuff",
    ];
    messages.forEach((message, i) =>
      c.add(parseCommit({ sha: hex(100 - i), parents: [hex(99 - i)], author: "Ann", date: "2026-12-01", message })),
    );
    const { changes } = c.result();
    // The revert of a commit before the range is listed last, as a change of its own.
    expect(changes.at(-1)).toMatchObject({ type: "revert" });
    const made = summarizeChanges(changes);
    const again = summarizeChanges([...changes]);
    expect(made).not.toBe(again);
    expect(made).toEqual(again);
    expect(made.breaking).toEqual([0, 1]);
  });

  it("gives the bump the same counts as counting the changes themselves", () => {
    const changes = [
      change(hex(1), "feat", "a"),
      change(hex(2), "perf", "b"),
      change(hex(3), "fix", "c", { breaking: true }),
      change(hex(4), "docs", "d"),
    ];
    const history = { ...collected(changes), base: null, baseCommit: null, head: hex(9), files: [] };
    const options = {
      version: "2.0.0",
      semver: "2.0.0",
      base: { tag: "v1.0.0", version: "1.0.0" },
      date: "2026-12-01",
    };
    expect(analyzeBump(history, options).bump).toEqual(inferBump(changes, []));
    expect(inferBump(changes, [])).toEqual({ bump: "major", reasons: ["1 breaking commit(s)"] });
  });
});

describe("short ids in the changelog", () => {
  // Commit ids that share their first seven digits ("1234567"), and unrelated ones.
  const twin = (tail: string): string => `1234567${tail}`.padEnd(40, "0");
  const plain = (n: number): string => (0xa000000 + n).toString(16).padEnd(40, "e");

  it("are seven digits when no other commit of the range shares them", () => {
    const m = model(collected([change(plain(1), "feat", "a"), change(plain(2), "fix", "b")]));
    expect(listedCommits(m).sort()).toEqual([plain(1).slice(0, 7), plain(2).slice(0, 7)].sort());
  });

  it("grow past what they share with any commit of the range, listed or not", () => {
    // Only the first entry is listed (bound 1); the commit it shares seven digits with is not.
    const changes = [
      change(twin("a1"), "feat", "listed"),
      change(plain(1), "fix", "x"),
      change(twin("b2"), "fix", "late"),
    ];
    const m = model(collected(changes), 1);
    expect(listedCommits(m)).toEqual([twin("a1").slice(0, 8)]);
  });

  it("grow past a reverted pair's commit, and cope with ids that are not hex", () => {
    const m = model(
      collected([change(twin("a1"), "feat", "a")], [{ description: "x", sha: twin("c3"), revertedBy: plain(7) }]),
    );
    expect(listedCommits(m)).toEqual([twin("a1").slice(0, 8)]);
    expect(m.reverted[0]!.commit).toBe(twin("c3").slice(0, 8));
    const odd = model(collected([change("zz-not-hex-1", "feat", "a"), change("zz-not-hex-2", "fix", "b")]));
    expect(listedCommits(odd).sort()).toEqual(["zz-not-hex-1", "zz-not-hex-2"]);
  });
});

describe("the release notes' commit lines", () => {
  it("list the oldest features and fixes up to the bound and count the rest", () => {
    // Newest first, as git prints them.
    const changes = [
      change(hex(6), "feat", "feat 3"),
      change(hex(5), "fix", "fix 2", { breaking: true, breakingNotes: ["drop v1"] }),
      change(hex(4), "perf", "perf 1"),
      change(hex(3), "feat", "feat 2"),
      change(hex(2), "docs", "docs"),
      change(hex(1), "feat", "feat 1"),
    ];
    const notes = buildReleaseNotesModel({
      version: "1.1.0",
      previous: "v1.0.0",
      date: "2026-12-01",
      features: [],
      changes,
      maxCommitLines: 2,
    });
    expect(notes.fromCommits.features.map((l) => l.text)).toEqual(["feat 1", "feat 2"]);
    expect(notes.fromCommits.fixes.map((l) => l.text)).toEqual(["perf 1", "fix 2"]);
    expect(notes.fromCommits.omitted).toBe(1);
    expect(notes.breaking).toEqual([{ text: "fix 2 — drop v1", source: hex(5).slice(0, 7) }]);
  });
});
