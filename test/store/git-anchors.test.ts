/**
 * Log anchors in git (refs/brtops/<release>): with several releases anchored, each reads back its
 * own head — `git cat-file --batch` ends each anchor's content with its own newline, which a
 * line-counting reader paired with the next ref (a release then looked "cut short").
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { gitAnchors } from "../../src/adapters/git-anchors.js";

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
