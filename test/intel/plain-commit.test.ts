/**
 * The fast path of the log's parse (conventional-commit's plainCommitChange): for every message it
 * takes, it makes exactly the change parseCommit makes; every message whose reading depends on
 * the full grammar (a body with squashed lines or footers, a revert, a scope with parentheses,
 * trimming, control characters, non-ASCII ends) is left to parseCommit. And the log's records
 * give the same changes either way (logRecords uses it).
 */
import { describe, expect, it } from "vitest";
import { collectChanges } from "../../src/intel/collect-changes.js";
import { parseCommit, plainCommitChange } from "../../src/intel/conventional-commit.js";
import { logRecords } from "../../src/intel/read-commits.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** Messages the fast path reads itself, as git prints them (a newline at the end). */
const PLAIN = [
  "feat: add a cart\n",
  "feat(api): add a cart\n",
  "Fix(API)!: drop v1\n",
  "feat( ui ): spaced scope\n",
  "feat(): empty scope\n",
  "build-deps_2: odd type\n",
  "feat:\t\ttabbed description\n",
  "feat: no newline",
  "feat(mod5): capability 49992\n\nAdds capability 49992 for users.\n",
  "fix: with a body\n\nmore words\nand more lines\n\n",
  "Update module 49989\n",
  "Update module 49989\n\nA plain body.\n",
  "WIP\n",
  "feat: two lines\nsecond\n",
  "chore: in the middle ünïcödé, ASCII at the end\n",
];

/** Messages the fast path must leave to parseCommit. */
const FULL = [
  "Squash (#4)\n\n* feat(cart): a cart\n* fix(cart): an empty cart\n",
  "fix(api): a\n\nBREAKING CHANGE: the old endpoint is gone\n",
  'Revert "feat: add a cart"\n\nThis reverts commit 0123456789abcdef.\n',
  "revert: feat: add a cart\n",
  "Revert: something\n",
  "Reverting the last change\n",
  "fix: undo\n\nthis reverts commit abcdef0 by hand\n",
  "feat(a(b)): nested scope\n",
  "feat(ui: unclosed scope\n",
  " feat: leading space\n",
  "feat: trailing space \n",
  "feat: crlf\r\n",
  "feat: a\ttab inside\n",
  "feat: ends in ünïcödé\n",
  "feat: ünïcödé first\n",
  "feat:  \n",
  "[skip ci] not a letter first\n",
];

const parsed = (message: string) =>
  parseCommit({ sha: SHA, parents: ["p"], author: "Dev", date: "2026-01-01T00:00:00Z", message }).changes;

describe("plainCommitChange", () => {
  it("makes parseCommit's one change for each message it reads", () => {
    for (const m of PLAIN) {
      const fast = plainCommitChange(`xx${m}yy`, 2, 2 + m.length, SHA, "Dev");
      expect(fast, m).not.toBeNull();
      expect([fast], m).toEqual(parsed(m));
    }
  });

  it("leaves every message whose reading needs the full grammar to parseCommit", () => {
    for (const m of FULL) expect(plainCommitChange(m, 0, m.length, SHA, "Dev"), JSON.stringify(m)).toBeNull();
  });

  it("agrees with parseCommit on 20,000 generated messages wherever it answers", () => {
    // Pieces that make headers, near-headers and bodies; a seeded generator, so a failure repeats.
    const pieces = [
      "feat",
      "Fix",
      "a",
      "x_y-z",
      "revert",
      "Revert",
      "(",
      ")",
      "!",
      ":",
      ": ",
      " ",
      "\t",
      "\n",
      "\n\n",
      "\r",
      "é",
      "\u2028",
      "\u00a0",
      '"',
      "api",
      "BREAKING CHANGE: gone",
      "reverts commit abcdef0",
      "* fix(ui): y",
      "word",
      "1",
      "-",
    ];
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let answered = 0;
    for (let k = 0; k < 20_000; k++) {
      let m = "";
      for (let i = 0, n = 1 + next(9); i < n; i++) m += pieces[next(pieces.length)];
      if (next(2) === 0) m += "\n";
      const fast = plainCommitChange(m, 0, m.length, SHA, "Dev");
      if (fast === null) continue;
      answered++;
      expect([fast], JSON.stringify(m)).toEqual(parsed(m));
    }
    // The generator reaches the fast path often enough for the comparison to mean something.
    expect(answered).toBeGreaterThan(2_000);
  });

  it("a log gives the same changes as parsing each record in full", () => {
    const messages = [...PLAIN, ...FULL];
    const record = (m: string, i: number): string =>
      `${i.toString(16).padStart(40, "0")}\x1fparent\x1fDev ${i % 3}\x1f2026-01-0${(i % 9) + 1}T00:00:00Z\x1f${m}`;
    const log = Buffer.from(messages.map(record).join("\0"));
    const fast = collectChanges();
    const r = logRecords(fast);
    r.write(log);
    r.end();
    const full = collectChanges();
    messages.forEach((m, i) => {
      const [sha, , author, date] = record(m, i).split("\x1f");
      full.add(parseCommit({ sha: sha!, parents: ["parent"], author: author!, date: date!, message: m }));
    });
    expect(fast.result()).toEqual(full.result());
    // The revert in the list cancelled nothing in the range: it is listed as a revert.
    expect(fast.result().changes.some((c) => c.type === "revert")).toBe(true);
  });
});
