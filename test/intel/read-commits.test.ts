/**
 * The one `git log` of a range (intel/read-commits): its records are parsed from chunks cut
 * anywhere (inside a record, a field, a UTF-8 character), and git writes into a temporary file
 * that leaves nothing behind.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectChanges } from "../../src/intel/collect-changes.js";
import { LOG_FORMAT, logRecords, readCommits } from "../../src/intel/read-commits.js";
import { createIntelRepo, type IntelRepo } from "./intel-git.js";

let repo: IntelRepo;
beforeAll(() => {
  repo = createIntelRepo();
  repo.commit("chore: start");
  repo.git("tag", "v1.0.0");
  repo.commit("feat(ui): Größe wählen — 日本語 ✓", undefined, "Zoë Ångström");
  repo.commit("fix(api): a\n\nBREAKING CHANGE: the old endpoint is gone");
  repo.commit("Squash (#4)\n\n* feat(cart): a cart\n* fix(cart): an empty cart\n");
  repo.commit("docs: ünïcödé everywhere ✓✓✓");
});
afterAll(() => repo.dispose());

/** The raw log of the range, as git prints it to the reader. */
function rawLog(): Buffer {
  return execFileSync("git", ["log", "-z", `--format=${LOG_FORMAT}`, "v1.0.0..HEAD", "--"], { cwd: repo.dir });
}

function parseInChunks(bytes: Buffer, size: number): ReturnType<ReturnType<typeof collectChanges>["result"]> {
  const collector = collectChanges();
  const records = logRecords(collector);
  for (let at = 0; at < bytes.length; at += size) records.write(bytes.subarray(at, at + size));
  records.end();
  return collector.result();
}

describe("logRecords", () => {
  it("gives the same changes whatever the chunks are cut at, UTF-8 characters split included", async () => {
    const whole = await readCommits(repo.dir, { from: "v1.0.0" });
    expect(whole.commits).toBe(4);
    expect(whole.changes.map((c) => c.description)).toContain("Größe wählen — 日本語 ✓");
    expect(whole.changes.find((c) => c.scope === "ui")?.author).toBe("Zoë Ångström");
    const bytes = rawLog();
    for (const size of [1, 2, 3, 5, 7, 64, bytes.length]) {
      const r = parseInChunks(bytes, size);
      expect(r.changes).toEqual(whole.changes);
      expect(r.commits).toBe(4);
      expect(r.first).toEqual(whole.first);
      expect(r.last).toEqual(whole.last);
    }
  });
});

describe("readCommits", () => {
  it("leaves no temporary file behind, read to the end or refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "brtops-read-commits-tmp-"));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      const r = await readCommits(repo.dir, { from: "v1.0.0" });
      expect(r.commits).toBe(4);
      await expect(readCommits(repo.dir, { from: "v9.9.9" })).rejects.toMatchObject({ code: "E_GIT" });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads from a pipe when no temporary file can be made", async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = join(repo.dir, "no-such-folder");
    try {
      const r = await readCommits(repo.dir, { from: "v1.0.0" });
      expect(r.commits).toBe(4);
      expect(r.changes.map((c) => c.type)).toEqual(["docs", "feat", "fix", "fix", "feat"]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
