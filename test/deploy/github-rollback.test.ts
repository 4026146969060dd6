/**
 * The GitHub part of a rollback (github-rollback.ts) through the real executors, a real git
 * repository with a bare origin and the fake GitHub server: who may have the release deleted,
 * what `keep` and `draft` do, and that something already gone is adopted.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { draft, type Actor } from "../../src/core/events.js";
import { createGitHubRelease } from "../../src/deploy/execute-github.js";
import { rollbackDeployment } from "../../src/deploy/execute-rollback.js";
import { githubRollbackMode } from "../../src/deploy/github-rollback.js";
import { type FakeGitHub } from "../support/fake-github.js";
import { type GitFixture } from "./git-fixture.js";
import { githubPerTest } from "./github-world.js";
import { createHarness, finishStep, type Harness } from "./step-harness.js";

const TOKEN = `ghp_${"Qw3Er4Ty5U".repeat(4)}`;
const HUMAN: Actor = { id: "hum@example.com", role: "hum-lead" };
let fake: FakeGitHub;
let fx: GitFixture;
let env: Record<string, string | undefined>;

githubPerTest(TOKEN, (w) => ({ fake, fx, env } = w));

/** v2.1.0 released on GitHub (6.8 done), with `rollback` configured. */
async function released(rollback?: "keep" | "draft"): Promise<Harness> {
  const h = await createHarness({
    root: fx.work,
    config: {
      leads: { hum: [HUMAN.id] },
      environments: {
        github: {
          github: { repository: "acme/shop", baseUrl: fake.baseUrl, assets: false, ...(rollback ? { rollback } : {}) },
        },
      },
    },
    version: "2.1.0",
    previous: "2.0.0",
    environment: "github",
    env,
  });
  const dir = join(fx.work, "docs/01_application/6-releases/v2.1.0");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "release-notes.md"), "# v2.1.0\n");
  await finishStep(h, "6.8", await createGitHubRelease(h.ctx("6.8")));
  expect(fake.releases.map((r) => [r.tag_name, r.prerelease, r.draft])).toEqual([["v2.1.0", false, false]]);
  return h;
}

const decide = (h: Harness, type: "RollbackRequested" | "guidance", actor: Actor): Promise<void> =>
  h.record([
    type === "RollbackRequested"
      ? draft("RollbackRequested", new Date().toISOString(), actor, {})
      : draft("IncidentGuidance", new Date().toISOString(), actor, { step: "6.9", choice: "rollback" }),
  ]);

describe("GitHub rollback", () => {
  it.each([
    ["delete", { id: "hum@example.com", role: "hum-lead" }, "delete", false],
    ["delete", { id: "brtops", role: "system" }, "keep", true],
    ["delete", { id: "oncall@example.com", role: "emergency" }, "keep", true],
    ["delete", null, "keep", true],
    ["keep", { id: "hum@example.com", role: "hum-lead" }, "keep", false],
    ["draft", { id: "brtops", role: "system" }, "draft", false],
  ] as const)("configured %s, decided by %j → %s", (configured, decision, mode, explained) => {
    const m = githubRollbackMode(configured, decision);
    expect(m.mode).toBe(mode);
    expect(m.why !== null).toBe(explained);
  });

  it("an automatic rollback (onFailure: rollback) keeps the release, marked a prerelease, and says a HUM LEAD must decide a deletion", async () => {
    const h = await released();
    await decide(h, "guidance", { id: "brtops", role: "system" });
    const rb = await rollbackDeployment(h.ctx("6.7"));
    expect(rb.steps).toEqual(["github-release-kept"]);
    expect(fake.releases.map((r) => [r.tag_name, r.prerelease])).toEqual([["v2.1.0", true]]);
    expect(fx.git("tag", "-l")).toBe("v2.1.0");
    expect(fx.originGit("tag", "-l")).toBe("v2.1.0");
    expect(String(h.state().steps["6.7:github-release-kept"]?.result?.["detail"])).toContain(
      "deleting a GitHub release needs a HUM LEAD's rollback decision; this rollback was ordered by brtops (system)",
    );
  });

  it("github.rollback: draft turns the release back into a draft, even on a HUM LEAD's decision", async () => {
    const h = await released("draft");
    await decide(h, "RollbackRequested", HUMAN);
    expect((await rollbackDeployment(h.ctx("6.7"))).steps).toEqual(["github-release-kept"]);
    expect(fake.releases.map((r) => [r.tag_name, r.draft])).toEqual([["v2.1.0", true]]);
    expect(fx.originGit("tag", "-l")).toBe("v2.1.0");
  });

  it("what is already gone is adopted: a release and a remote tag deleted by hand, then the HUM LEAD's rollback", async () => {
    const h = await released();
    fake.releases.splice(0);
    fx.git("push", "-q", "origin", ":refs/tags/v2.1.0");
    await decide(h, "RollbackRequested", HUMAN);
    const rb = await rollbackDeployment(h.ctx("6.7"));
    expect(rb.steps).toEqual(["github-release", "github-remote-tag", "github-local-tag"]);
    const s = h.state().steps;
    expect(s["6.7:github-release"]?.result).toMatchObject({ deleted: false });
    expect(String(s["6.7:github-release"]?.result?.["detail"])).toContain("was already gone");
    expect(s["6.7:github-remote-tag"]?.result).toMatchObject({ deleted: false });
    expect(s["6.7:github-local-tag"]?.result).toMatchObject({ deleted: true });
    expect(fx.git("tag", "-l")).toBe("");
  });
});
