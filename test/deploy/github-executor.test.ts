import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createGitHubRelease } from "../../src/deploy/execute-github.js";
import { rollbackDeployment } from "../../src/deploy/execute-rollback.js";
import { draft } from "../../src/core/events.js";
import { type FakeGitHub } from "../support/fake-github.js";
import { type GitFixture } from "./git-fixture.js";
import { githubPerTest } from "./github-world.js";
import { createHarness, finishStep, type Harness } from "./step-harness.js";

const TOKEN = `ghp_${"Zx9Cv8Bn7M".repeat(4)}`;
let fake: FakeGitHub;
let fx: GitFixture;
let env: Record<string, string | undefined>;
const NOTES = "# v2.1.0\n\n## New Features\n- checkout\n";

githubPerTest(TOKEN, (w) => ({ fake, fx, env } = w));

function cfg() {
  return {
    leads: { hum: ["hum@example.com"] },
    environments: { github: { github: { repository: "acme/shop", baseUrl: fake.baseUrl } } },
  };
}

async function prepared(
  o: { releaseId?: string; replay?: Harness["events"] extends () => infer E ? E : never } = {},
): Promise<Harness> {
  const h = await createHarness({
    root: fx.work,
    config: cfg(),
    version: "2.1.0",
    previous: "2.0.0",
    environment: "github",
    env,
    ...(o.releaseId ? { releaseId: o.releaseId } : {}),
    ...(o.replay ? { replay: o.replay } : {}),
  });
  const dir = join(fx.work, "docs/01_application/6-releases/v2.1.0");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "release-notes.md"), NOTES);
  mkdirSync(join(fx.work, "dist"), { recursive: true });
  writeFileSync(join(fx.work, "dist", "shop-2.1.0.tgz"), "package bytes");
  if (!o.replay) await finishStep(h, "2.4", { result: { artifacts: [{ path: "dist/shop-2.1.0.tgz" }] } });
  return h;
}

describe("6.8 GitHub release as recorded effects", () => {
  it("tags the deployed commit, pushes, creates the release with the notes and uploads the manifest's files", async () => {
    const head = fx.git("rev-parse", "HEAD");
    const h = await prepared();
    const out = await createGitHubRelease(h.ctx("6.8"));
    expect(out.failure).toBeUndefined();
    expect(out.result).toMatchObject({
      tag: "v2.1.0",
      commit: head,
      repository: "acme/shop",
      url: `${fake.baseUrl}/acme/shop/releases/tag/v2.1.0`,
      tagAction: "created",
      pushAction: "pushed",
      releaseAction: "created",
      prerelease: false,
    });
    expect(fx.originGit("rev-parse", "v2.1.0^{commit}")).toBe(head);
    const annotation = fx.git("tag", "-l", "--format=%(contents)", "v2.1.0");
    expect(annotation).toContain("Version: 2.1.0");
    expect(annotation).toContain("Previous: 2.0.0");
    expect(fake.releases).toHaveLength(1);
    expect(fake.releases[0]).toMatchObject({ tag_name: "v2.1.0", name: "v2.1.0", body: NOTES });
    expect(fake.releases[0]!.assets.map((a) => [a.name, a.data.toString()])).toEqual([
      ["shop-2.1.0.tgz", "package bytes"],
    ]);
    expect(
      h
        .events()
        .filter((e) => e.type === "StepSucceeded")
        .map((e) => (e.data as { step: string }).step),
    ).toEqual(["2.4", "6.8:tag", "6.8:push", "6.8:release", "6.8:assets"]);
    expect(JSON.stringify(h.events())).not.toContain(TOKEN);
  });

  it.each(["6.8:tag", "6.8:push", "6.8:release", "6.8:assets"])(
    "after dying inside %s, a re-run adopts what exists: one tag, one release",
    async (died) => {
      const head = fx.git("rev-parse", "HEAD");
      const first = await prepared();
      await createGitHubRelease(first.ctx("6.8"));
      const upTo = first
        .events()
        .findIndex((e) => e.type === "StepStarted" && (e.data as { step: string }).step === died);
      const posts = fake.requests.filter((r) => r.method === "POST").length;
      const again = await prepared({ releaseId: "2.1.0-after-crash", replay: first.events().slice(0, upTo + 1) });
      const out = await createGitHubRelease(again.ctx("6.8"));
      expect(out.failure).toBeUndefined();
      const adopted = again
        .events()
        .find((e) => e.type === "StepSucceeded" && (e.data as { step: string }).step === died);
      expect((adopted!.data as { adopted?: boolean }).adopted).toBe(true);
      expect(fake.requests.filter((r) => r.method === "POST").length).toBe(posts);
      expect(fake.releases).toHaveLength(1);
      expect(fake.releases[0]!.body).toBe(NOTES);
      expect(fake.releases[0]!.assets).toHaveLength(1);
      expect(fx.originGit("tag", "-l")).toBe("v2.1.0");
      expect(fx.originGit("rev-parse", "v2.1.0^{commit}")).toBe(head);
    },
  );

  it("fails with E_TAG_CONFLICT when the tag exists at another commit, creating nothing", async () => {
    const h = await prepared();
    const old = fx.git("rev-parse", "HEAD");
    fx.git("tag", "-a", "v2.1.0", "-m", "someone else", old);
    fx.commit("late.txt", "x", "late change");
    await finishStep(h, "6.1", { result: { commit: fx.git("rev-parse", "HEAD") } });
    const err = await createGitHubRelease(h.ctx("6.8")).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("E_TAG_CONFLICT");
    expect(fake.releases).toHaveLength(0);
    expect(fx.originGit("tag", "-l")).toBe("");
  });

  it.each([
    ["missing", "E_ARTIFACT_MISSING", (file: string) => rmSync(file)],
    ["changed since phase 2 recorded it", "E_ARTIFACT_CHANGED", (file: string) => writeFileSync(file, "rebuilt bytes")],
  ] as const)("refuses an artifact %s before tagging anything", async (_what, code, spoil) => {
    const h = await createHarness({
      root: fx.work,
      config: cfg(),
      version: "2.1.0",
      previous: "2.0.0",
      environment: "github",
      env,
    });
    const dir = join(fx.work, "docs/01_application/6-releases/v2.1.0");
    writeFileSync(join(dir, "release-notes.md"), NOTES);
    const file = join(fx.work, "dist", "shop-2.1.0.tgz");
    mkdirSync(join(fx.work, "dist"), { recursive: true });
    writeFileSync(file, "package bytes");
    await finishStep(h, "2.4", {
      result: {
        artifacts: [
          { path: "dist/shop-2.1.0.tgz", sha256: createHash("sha256").update("package bytes").digest("hex") },
        ],
      },
    });
    spoil(file);
    const out = await createGitHubRelease(h.ctx("6.8"));
    expect(out.failure?.code).toBe(code);
    expect(out.failure?.message).toContain("dist/shop-2.1.0.tgz");
    expect(fx.git("tag", "-l")).toBe("");
    expect(fx.originGit("tag", "-l")).toBe("");
    expect(fake.releases).toHaveLength(0);
    expect(
      h.events().some((e) => e.type === "StepStarted" && String((e.data as { step: string }).step).startsWith("6.8:")),
    ).toBe(false);
  });

  it("is skipped for an environment without a GitHub target", async () => {
    const h = await createHarness({
      root: fx.work,
      config: { leads: { hum: ["h@x.io"] }, environments: { staging: {} } },
      version: "2.1.0",
      previous: null,
      environment: "staging",
      env,
    });
    expect(await createGitHubRelease(h.ctx("6.8"))).toEqual({ skipped: 'environment "staging" has no GitHub target' });
  });

  it("rollback deletes the release, the remote tag and the local tag", async () => {
    const h = await prepared();
    const out = await createGitHubRelease(h.ctx("6.8"));
    await finishStep(h, "6.8", out);
    // The HUM LEAD's rollback decision is what allows deleting the release (github-rollback.ts).
    await h.record([
      draft("RollbackRequested", new Date().toISOString(), { id: "hum@example.com", role: "hum-lead" }, {}),
    ]);
    const rb = await rollbackDeployment(h.ctx("6.11"));
    expect(rb).toEqual({ steps: ["github-release", "github-remote-tag", "github-local-tag"], to: "2.0.0" });
    expect(fake.releases).toHaveLength(0);
    expect(fx.originGit("tag", "-l")).toBe("");
    expect(fx.git("tag", "-l")).toBe("");
    expect(readFileSync(join(fx.work, "docs/01_application/6-releases/v2.1.0/release-notes.md"), "utf8")).toBe(NOTES);
  });
});
