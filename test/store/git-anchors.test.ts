/**
 * Log anchors in git (refs/brtops/<release>): with several releases anchored, each reads back its
 * own head — `git cat-file --batch` ends each anchor's content with its own newline, which a
 * line-counting reader paired with the next ref (a release then looked "cut short").
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { gitAnchors } from "../../src/adapters/git-anchors.js";
import { noRefsUnder } from "../../src/adapters/git-ref-stamp.js";

const root = mkdtempSync(join(tmpdir(), "brtops-anchors-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it("each of several anchored releases reads back its own head, in a fresh reader too", async () => {
  execFileSync("git", ["init", "-q", root]);
  const heads = {
    "1.1.0": { seq: 40, hash: "a".repeat(64) },
    "1.1.0@production": { seq: 91, hash: "b".repeat(64) },
    "1.2.0": { seq: 30, hash: "c".repeat(64) },
    "1.2.0@staging~2": { seq: 12, hash: "d".repeat(64) },
  };
  const writer = gitAnchors(root);
  for (const [release, head] of Object.entries(heads)) await writer.write(release, head);
  const reader = gitAnchors(root);
  for (const [release, head] of Object.entries(heads)) expect(await reader.read(release)).toEqual(head);
  expect(await reader.read("9.9.9")).toBeNull();
});

it("reads no anchor where there is none, and finds anchors packed into packed-refs", async () => {
  const repo = join(root, "packed");
  execFileSync("git", ["init", "-q", repo]);
  expect(noRefsUnder(repo, "refs/brtops/")).toBe(true);
  expect(await gitAnchors(repo).read("1.0.0")).toBeNull();
  // An empty folder, as git may leave one behind a deleted ref, holds none.
  mkdirSync(join(repo, ".git", "refs", "brtops", "old"), { recursive: true });
  expect(noRefsUnder(repo, "refs/brtops/")).toBe(true);
  const head = { seq: 7, hash: "e".repeat(64) };
  await gitAnchors(repo).write("1.0.0", head);
  expect(noRefsUnder(repo, "refs/brtops/")).toBe(false);
  expect(await gitAnchors(repo).read("1.0.0")).toEqual(head);
  // Packed, with the loose folder gone: still found.
  execFileSync("git", ["pack-refs", "--all"], { cwd: repo });
  rmSync(join(repo, ".git", "refs", "brtops"), { recursive: true, force: true });
  expect(noRefsUnder(repo, "refs/brtops/")).toBe(false);
  expect(await gitAnchors(repo).read("1.0.0")).toEqual(head);
});
