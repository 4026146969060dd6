/**
 * `brtops status` answers from a cache beside the log while the log is unchanged, and never with a
 * stale answer: any append (by any process) is a miss; a broken cache is a miss; the selection
 * rules (several open releases → E_RELEASE_AMBIGUOUS) hold on a hit too.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberStatus, cachedStatus } from "../../src/engine/status-cache.js";
import { FileStore } from "../../src/store/store-file.js";
import { AI, CLI, HUM, brtops, sampleProject } from "../support/cli.js";

const CACHE = ".brtops/releases/1.1.0/status-cache.json";

describe("status cache", () => {
  let p: { root: string; cleanup: () => void };
  beforeAll(() => {
    p = sampleProject();
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
  }, 120_000);
  afterAll(() => p?.cleanup());

  it("answers the same from the cache as from the log, and an append is never answered stale", () => {
    const first = brtops(p.root, AI, ["status", "--json"]);
    expect(first.json.step).toBe("2.10");
    expect(existsSync(join(p.root, CACHE))).toBe(true);
    const second = brtops(p.root, AI, ["status", "--json"]);
    expect(second.stdout).toBe(first.stdout);
    expect(brtops(p.root, AI, ["status"]).stdout).toBe(brtops(p.root, AI, ["status"]).stdout);
    // Another process appends: the next status sees it.
    expect(brtops(p.root, HUM, ["feedback", "please double-check the changelog"]).code).toBe(0);
    const after = brtops(p.root, AI, ["status", "--json"]);
    expect(after.stdout).not.toBe(first.stdout);
    expect(after.stdout).toContain("please double-check the changelog");
    expect(brtops(p.root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
    const moved = brtops(p.root, AI, ["status", "--json"]).json;
    expect(moved.step).not.toBe("2.10");
    expect(moved.state).toBe("running");
    expect(brtops(p.root, AI, ["status", "--json", "--release", "1.1.0"]).json.step).toBe(moved.step);
  });

  it("a damaged or foreign cache is ignored", () => {
    const truth = brtops(p.root, AI, ["status", "--json"]).stdout;
    writeFileSync(join(p.root, CACHE), "{not json");
    expect(brtops(p.root, AI, ["status", "--json"]).stdout).toBe(truth);
    const cache = JSON.parse(readFileSync(join(p.root, CACHE), "utf8"));
    cache.stamp.size += 1; // a cache made for another log
    cache.views[""].step = "9.99";
    writeFileSync(join(p.root, CACHE), JSON.stringify(cache));
    expect(brtops(p.root, AI, ["status", "--json"]).stdout).toBe(truth);
  });

  it("keeps the selection rules: two open releases are still ambiguous", () => {
    // Two environments: one open release per environment at a time.
    const q = sampleProject({
      envExtra: '  qa:\n    deploy:\n      - {name: ship, run: [./scripts/deploy.sh, "{version}"]}\n',
    });
    try {
      expect(brtops(q.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
      expect(brtops(q.root, AI, ["status", "--json"]).code).toBe(0);
      expect(brtops(q.root, AI, ["release", "1.2.0", "--to", "qa"]).code).toBe(3);
      const r = brtops(q.root, AI, ["status", "--json"]);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).toContain("E_RELEASE_AMBIGUOUS");
      expect(brtops(q.root, AI, ["status", "--json", "--release", "1.2.0"]).json.version).toBe("1.2.0");
    } finally {
      q.cleanup();
    }
  });

  it("does not file a fold under a log that moved on after it", async () => {
    const store = new FileStore(p.root);
    const events = (await store.read("1.1.0")).events;
    const last = events.at(-1)!;
    const before = readFileSync(join(p.root, CACHE), "utf8");
    const summary = {
      release: "1.1.0",
      version: "1.1.0",
      environment: "staging",
      state: "running" as const,
      phase: 1,
      step: "1.1",
      lastAt: last.at,
    };
    // A fold one event behind the log must not be remembered as the log's status.
    await rememberStatus(store, summary, last.seq - 1, undefined, null);
    expect(readFileSync(join(p.root, CACHE), "utf8")).toBe(before);
    expect((await cachedStatus(store, undefined))?.step).not.toBe("1.1");
  });
});

describe("large output through a pipe", () => {
  it("status --json of a release with 3,000 feedback items arrives whole (not cut at 64 KiB)", async () => {
    const q = sampleProject();
    try {
      expect(brtops(q.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
      const store = new FileStore(q.root);
      let last = (await store.read("1.1.0")).events.length;
      const actor = { id: HUM, role: "hum-lead" as const };
      const drafts = Array.from({ length: 3000 }, (_, i) => ({
        type: "FeedbackGiven" as const,
        at: new Date().toISOString(),
        actor,
        data: {
          id: `F${100 + i}`,
          phase: 2,
          step: "2.10",
          text: `feedback number ${i} on the package, long enough to make the output large`,
        },
      }));
      for (let i = 0; i < drafts.length; i += 500)
        last = (await store.append("1.1.0", last, drafts.slice(i, i + 500))).at(-1)!.seq;
      for (let round = 0; round < 2; round++) {
        // The first answer folds the log, the second comes from the cache: both must be whole.
        // Read with room to spare (spawnSync's default maxBuffer of 1 MiB would cut the pipe on
        // this side and kill the CLI): what arrives is what the CLI wrote before it exited.
        const r = spawnSync(process.execPath, [CLI, "status", "--json", "--as", AI], {
          cwd: q.root,
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, BRTOPS_ACTOR: "" },
        });
        expect(r.error).toBeUndefined();
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout.length).toBeGreaterThan(200_000);
        expect(JSON.parse(r.stdout).step).toBe("2.10");
        const text = brtops(q.root, AI, ["status"]);
        expect(text.stdout).toContain("feedback number 2999");
        expect(text.stdout).toContain("Next:");
      }
    } finally {
      q.cleanup();
    }
  }, 120_000);
});
