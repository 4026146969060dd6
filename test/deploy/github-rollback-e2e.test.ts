/**
 * Rolling back a GitHub release (issue 16 point 4), end to end through the built CLI: a
 * GitHub-only environment (no deploy steps) is released to the fake GitHub server and a real bare
 * origin, certified, then rolled back by a HUM LEAD. The release, the remote tag and the local tag
 * are gone and the rollback procedures say so; an AI LEAD cannot order it; with
 * `github.rollback: keep` the release stays, marked as a prerelease, with its tags.
 *
 * The fake GitHub server runs in this process: every CLI call is asynchronous so it can answer.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, CLI, HUM, sampleProject, type CliResult, brtopsChecked, statusAsync } from "../support/cli.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github.js";

const VERSION = "1.1.0";
const TAG = `v${VERSION}`;
const REPO = "acme/sample";
const TOKEN = `ghp_${"R0llbackT0ken".repeat(3)}`;
const RELEASE_DIR = `docs/01_application/6-releases/v${VERSION}`;

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Fixture {
  root: string;
  fake: FakeGitHub;
  env: Record<string, string>;
  git(...args: string[]): string;
  originGit(...args: string[]): string;
}

/** The sample project with a GitHub-only environment `gh` on the fake server. */
async function fixture(rollback?: "keep" | "draft"): Promise<Fixture> {
  const fake = await startFakeGitHub({ token: TOKEN });
  cleanups.push(() => fake.close());
  const p = sampleProject({
    envExtra: `  gh:\n    github: {repository: ${REPO}, baseUrl: "${fake.baseUrl}", assets: false${rollback ? `, rollback: ${rollback}` : ""}}\n`,
  });
  cleanups.push(p.cleanup);
  const root = p.root;
  const origin = `${root}-origin.git`;
  return {
    root,
    fake,
    // A generous preflight timeout: the fake GitHub answers in this process, slow on a loaded machine.
    env: {
      GITHUB_TOKEN: TOKEN,
      BRTOPS_GITHUB_NO_PACING: "1",
      BRTOPS_GITHUB_RETRY_BASE_MS: "5",
      BRTOPS_PREFLIGHT_TIMEOUT_MS: "30000",
    },
    git: (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim(),
    originGit: (...args) => execFileSync("git", args, { cwd: origin, encoding: "utf8" }).trim(),
  };
}

const cli = (fx: Fixture, as: string, args: string[], code?: number): Promise<CliResult> =>
  brtopsChecked(fx.root, as, args, fx.env, code);
const status = (fx: Fixture): Promise<any> => statusAsync(fx.root, fx.env);

const tags = (list: string): string[] => list.split("\n").filter(Boolean);

/** Requests v1.1.0 to `gh` and takes it through gates 2.10, 5.10 and 7.10 to certification. */
async function certified(fx: Fixture): Promise<void> {
  await cli(fx, AI, ["release", VERSION, "--to", "gh"], 3);
  await cli(fx, HUM, ["approve", "--step", "2.10"], 0);
  await cli(fx, AI, ["run"], 3);
  expect((await status(fx)).step).toBe("5.10");
  await cli(fx, HUM, ["approve", "--step", "5.10"], 0);
  await cli(fx, AI, ["run"], 3);
  expect((await status(fx)).step).toBe("7.10");
  await cli(fx, HUM, ["approve", "--step", "7.10"], 0);
  await cli(fx, AI, ["run"]);
  expect((await status(fx)).state).toBe("certified");
  expect(fx.fake.releases.map((r) => r.tag_name)).toEqual([TAG]);
  expect(tags(fx.git("tag", "-l", TAG))).toEqual([TAG]);
  expect(tags(fx.originGit("tag", "-l", TAG))).toEqual([TAG]);
}

describe("rolling back a GitHub release", () => {
  it("a HUM LEAD's rollback deletes the release, the remote tag and the local tag, and the documents say so; an AI LEAD cannot", async () => {
    const fx = await fixture();
    await certified(fx);

    const refused = await cli(fx, AI, ["rollback", "--env", "gh", "--json"]);
    expect(refused.code, refused.stdout).toBe(4);
    expect(refused.stdout + refused.stderr).toMatch(/HUM LEAD/);
    expect(fx.fake.releases).toHaveLength(1);

    await cli(fx, HUM, ["rollback", "--env", "gh", "--note", "wrong binary attached"], 0);
    const s = await status(fx);
    expect(s.state).toBe("rolled-back");
    expect(fx.fake.releases).toHaveLength(0);
    expect(fx.fake.requests.some((r) => r.method === "DELETE" && /\/releases\/\d+$/.test(r.path))).toBe(true);
    expect(fx.git("tag", "-l", TAG)).toBe("");
    expect(fx.originGit("tag", "-l", TAG)).toBe("");

    const doc = readFileSync(join(fx.root, RELEASE_DIR, "rollback-procedures.md"), "utf8");
    expect(doc).toContain(`the GitHub release of ${TAG} on ${REPO} was deleted, as ${HUM} (HUM LEAD) decided`);
    expect(doc).toContain(`the tag ${TAG} was deleted on origin`);
    expect(doc).toContain(`the local tag ${TAG} was deleted`);
    expect(doc).toMatch(/Rollback requested by alice@example\.com \(hum-lead\).*wrong binary attached/);
    const validation = readFileSync(join(fx.root, RELEASE_DIR, "post-deployment-validation.md"), "utf8");
    expect(validation).toContain("Certification withdrawn");
    await cli(fx, AI, ["audit", "verify"], 0);
  }, 300_000);

  it("with github.rollback: keep the release stays, marked as a prerelease, with its tags, and the documents say so", async () => {
    const fx = await fixture("keep");
    await certified(fx);
    expect(fx.fake.releases[0]!.prerelease).toBe(false);

    await cli(fx, HUM, ["rollback", "--env", "gh"], 0);
    expect((await status(fx)).state).toBe("rolled-back");
    expect(fx.fake.releases).toHaveLength(1);
    expect(fx.fake.releases[0]).toMatchObject({ tag_name: TAG, prerelease: true, draft: false });
    expect(fx.fake.requests.some((r) => r.method === "DELETE")).toBe(false);
    expect(tags(fx.git("tag", "-l", TAG))).toEqual([TAG]);
    expect(tags(fx.originGit("tag", "-l", TAG))).toEqual([TAG]);

    const doc = readFileSync(join(fx.root, RELEASE_DIR, "rollback-procedures.md"), "utf8");
    expect(doc).toContain(
      `the GitHub release of ${TAG} on ${REPO} was kept and marked a prerelease (github.rollback: keep); the tag ${TAG} stays`,
    );
    expect(doc).toContain(`keep the GitHub release of ${TAG}, marked as prerelease`);
  }, 300_000);

  it("a rollback killed after GitHub deleted the release but before brtops recorded it: brtops run adopts what is gone and finishes", async () => {
    const fx = await fixture();
    await certified(fx);
    // The runner carrying out the HUM LEAD's rollback dies the moment GitHub has acted.
    const child = spawn(process.execPath, [CLI, "rollback", "--env", "gh", "--as", HUM], {
      cwd: fx.root,
      env: { ...process.env, BRTOPS_ACTOR: "", ...fx.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on("exit", (_c, sig) => res(sig)));
    cleanups.push(async () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
      await exited;
    });
    await fx.fake.intercept({
      method: "DELETE",
      path: /^\/repos\/acme\/sample\/releases\/\d+$/,
      at: "after",
      run: async () => {
        process.kill(-child.pid!, "SIGKILL");
        await exited;
      },
    });
    expect(await exited).toBe("SIGKILL");
    expect(fx.fake.releases).toHaveLength(0);
    expect((await status(fx)).state).not.toBe("rolled-back");
    expect(tags(fx.originGit("tag", "-l", TAG))).toEqual([TAG]);

    await cli(fx, AI, ["run"], 0);
    const s = await status(fx);
    expect(s.state).toBe("rolled-back");
    expect(fx.git("tag", "-l", TAG)).toBe("");
    expect(fx.originGit("tag", "-l", TAG)).toBe("");
    const doc = readFileSync(join(fx.root, RELEASE_DIR, "rollback-procedures.md"), "utf8");
    expect(doc).toContain(`the GitHub release of ${TAG} on ${REPO} was already gone`);
    expect(doc).toContain(`the tag ${TAG} was deleted on origin`);
    await cli(fx, AI, ["audit", "verify"], 0);
  }, 300_000);
});
