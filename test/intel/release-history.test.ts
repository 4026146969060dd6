/**
 * The release's history is read once (issue 10): `brtops release` runs the request, phase 1 and
 * phase 2 up to the first gate with exactly one `git log` over the range and at most one diff of
 * it (counted with a `git` wrapper first on PATH); and the changelog of a release whose base is a
 * certified release without a tag covers exactly the commits after the commit it was released
 * from, without a VersionResolved event.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openProject } from "../../src/engine/project.js";
import { ReleaseSession } from "../../src/engine/release-session.js";
import { runRelease } from "../../src/engine/run-release.js";
import { clearHistoryCache, historyReads } from "../../src/intel/release-history.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

function commit(root: string, file: string, text: string, message: string): string {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), text);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", message);
  return git(root, "rev-parse", "HEAD");
}

describe("one pass over the release's history", () => {
  it("brtops release runs to its first gate with one git log over the range and at most one diff", () => {
    const { root, cleanup } = sampleProject();
    cleanups.push(cleanup);
    // A `git` first on PATH that writes each invocation's arguments (one per line, NUL-free) and runs the real one.
    const bin = join(root, "..", "bin");
    mkdirSync(bin, { recursive: true });
    const calls = join(root, "..", "git-calls.log");
    const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    writeFileSync(join(bin, "git"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, "git"), 0o755);
    const head = git(root, "rev-parse", "HEAD");
    const base = git(root, "rev-parse", "v1.0.0^{commit}");

    const r = brtops(root, AI, ["release", "minor", "--to", "staging", "--json"], {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
    });
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ version: "1.1.0", state: "awaiting-hum-lead", phase: 2 });

    const lines = readFileSync(calls, "utf8").trim().split("\n");
    // The subcommand is the first argument that is not a global option (-c k=v).
    const sub = (l: string): string => l.replace(/^(-c \S+ )+/, "").split(" ")[0]!;
    const logs = lines.filter((l) => sub(l) === "log");
    const diffs = lines.filter((l) => sub(l) === "diff");
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`${base}..${head}`);
    // It is the first git process: the tags with their commits and HEAD are read from the ref files
    // (adapters/git-ref-files), and git log starts from those commits (cli/entry, engine/prefetch-request).
    expect(lines.indexOf(logs[0]!)).toBe(0);
    expect(diffs.length).toBeLessThanOrEqual(1);
    expect(diffs[0]).toContain(base);
  });
});

describe("the history read starts with the process", () => {
  it("before the command line is parsed: a release the parser then refuses has already started it", async () => {
    const { root, cleanup } = sampleProject();
    cleanups.push(cleanup);
    const bin = join(root, "..", "bin");
    mkdirSync(bin, { recursive: true });
    const calls = join(root, "..", "git-calls.log");
    writeFileSync(calls, "");
    const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    writeFileSync(join(bin, "git"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, "git"), 0o755);

    // An option `release` does not have: commander refuses it, after cli/entry's guess started the read.
    const r = brtops(root, AI, ["release", "minor", "--to", "staging", "--no-such-option"], {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
    });
    expect(r.code).toBe(2);
    // The wrapper writes its line as git starts; wait for that fact (the process has exited already).
    const deadline = Date.now() + 20_000;
    const logged = (): boolean =>
      readFileSync(calls, "utf8")
        .split("\n")
        .some((l) => / log -z /.test(` ${l} `));
    while (!logged() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(readFileSync(calls, "utf8")).toMatch(/(^|\s)log -z /m);
  });
});

describe("the changelog base a release recorded", () => {
  it("counts from a certified release's commit when it has no tag: exactly the commits after it, no VersionResolved", async () => {
    const { root, cleanup } = sampleProject();
    cleanups.push(cleanup);
    // 1.1.0 was certified from this commit and never tagged; two commits came after it.
    const released = commit(root, "src/cart.js", "export const cart = [];\n", "feat(cart): a shopping cart");
    const after1 = commit(root, "src/cart.js", "export const cart = [1];\n", "fix(cart): start with one item");
    const after2 = commit(root, "src/pay.js", "export const pay = () => true;\n", "feat(pay): pay for the cart");
    clearHistoryCache();
    const before = historyReads();

    const project = await openProject(root, { env: { ...process.env, BRTOPS_ACTOR: "" } });
    try {
      const session = await ReleaseSession.open(project.store, "1.2.0");
      await session.append([
        {
          type: "ReleaseRequested",
          at: project.now(),
          actor: { id: AI, role: "ai-lead" },
          // 1.1.0 was certified elsewhere; this environment still runs 1.0.0 (its rollback target).
          data: {
            version: "1.2.0",
            environment: "local",
            previous: "1.0.0",
            previousSource: "ledger",
            base: { version: "1.1.0", commit: released, tag: null, source: "certified" },
          },
        },
      ]);
      const outcome = await runRelease(project, session, { id: AI, role: "ai-lead" });
      expect(outcome.stopped).toBe("awaiting");
      const st = session.state;
      expect(st.phase).toBe(2);

      const changelog = st.steps["2.2"]!.result!.changelog as {
        counts: { commits: number; changes: number };
        previous: string;
        range: string;
        groups: { scopes: { entries: { commit: string }[] }[] }[];
      };
      expect(changelog.counts.commits).toBe(2);
      expect(changelog.counts.changes).toBe(2);
      const listed = changelog.groups.flatMap((g) => g.scopes.flatMap((sc) => sc.entries.map((e) => e.commit)));
      expect(listed.sort()).toEqual([after1.slice(0, 7), after2.slice(0, 7)].sort());
      expect(listed).not.toContain(released.slice(0, 7));
      expect(changelog.previous).toBe("v1.1.0");
      expect(changelog.range).toBe(`${released.slice(0, 7)}..HEAD`);

      // 1.4, 2.1 and 2.3 count the same range, from the same head.
      const head = git(root, "rev-parse", "HEAD");
      for (const step of ["1.4", "2.1", "2.2", "2.3"])
        expect(st.steps[step]!.result!.history).toMatchObject({ baseCommit: released, head, source: "recorded" });
      expect((st.steps["1.4"]!.result!.scope as { commits: number }).commits).toBe(2);
      expect(st.steps["2.3"]!.result!).toMatchObject({ commits: 2, files: 2 });
      expect(st.steps["2.1"]!.result!).toMatchObject({ previous: "1.1.0", changelogBase: "v1.1.0" });
      expect((st.steps["2.1"]!.result!.bump as { needed: string }).needed).toBe("minor");

      // The version and base were fixed at request time: 2.1 reports, it does not resolve `previous` again.
      expect(session.events.some((e) => e.type === "VersionResolved")).toBe(false);
      expect(st.previous).toBe("1.0.0");
      // One reading of the range for the whole process.
      expect(historyReads() - before).toBe(1);
    } finally {
      await project.close();
    }
  });

  it("keeps the tag-derived base for an old log without a base field", async () => {
    const { root, cleanup } = sampleProject();
    cleanups.push(cleanup);
    const project = await openProject(root, { env: { ...process.env, BRTOPS_ACTOR: "" } });
    try {
      const session = await ReleaseSession.open(project.store, "1.1.0");
      await session.append([
        {
          type: "ReleaseRequested",
          at: project.now(),
          actor: { id: HUM, role: "hum-lead" },
          data: { version: "1.1.0", environment: "local" },
        },
      ]);
      await runRelease(project, session, { id: HUM, role: "hum-lead" });
      const st = session.state;
      const changelog = st.steps["2.2"]!.result!.changelog as {
        counts: { commits: number };
        previous: string;
        range: string;
      };
      expect(changelog).toMatchObject({ previous: "v1.0.0", range: "v1.0.0..HEAD" });
      expect(changelog.counts.commits).toBe(Number(git(root, "rev-list", "--count", "v1.0.0..HEAD")));
      expect(st.steps["2.1"]!.result!.history).toMatchObject({ source: "tags", base: "v1.0.0" });
      // Old logs resolve `previous` from the tags at 2.1, as they always did.
      expect(session.events.some((e) => e.type === "VersionResolved")).toBe(true);
    } finally {
      await project.close();
    }
  });
});
