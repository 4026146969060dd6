import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGit } from "../../src/adapters/git.js";
import { assetsMatch, ensureAssets } from "../../src/adapters/github/github-assets.js";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/github-client.js";
import {
  deleteRelease,
  ensureRelease,
  findRelease,
  releaseExists,
  type ReleaseSpec,
} from "../../src/adapters/github/github-release.js";
import {
  apiBaseUrlFor,
  parseRemoteUrl,
  resolveGitHubToken,
  resolveRepository,
} from "../../src/adapters/github/github-repository.js";
import {
  deleteLocalTag,
  deleteRemoteTag,
  ensureAnnotatedTag,
  localTag,
  pushBranchAndTag,
  remoteTagCommit,
  tagExists,
} from "../../src/adapters/github/git-tag.js";
import { BrtopsError } from "../../src/core/errors.js";
import { createRedactor, secretValuesFrom } from "../../src/core/redact.js";
import { tagAnnotation } from "../../src/deploy/tag-annotation.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github.js";
import { createGitFixture, type GitFixture } from "./git-fixture.js";

const TOKEN = `ghp_${"Qw3rTy".repeat(6)}`; // planted: must appear nowhere
const env = { GITHUB_TOKEN: TOKEN };
const redact = createRedactor(secretValuesFrom(env));

let fake: FakeGitHub;
let fx: GitFixture;
let client: GitHubClient;
beforeEach(async () => {
  fake = await startFakeGitHub({ token: TOKEN });
  fx = createGitFixture();
  client = createGitHubClient({
    owner: "acme",
    repo: "shop",
    token: TOKEN,
    baseUrl: fake.baseUrl,
    redact,
    retryBaseMs: 5,
    pace: false,
  });
});
afterEach(async () => {
  await fake.close();
  fx.dispose();
});

async function caught(p: Promise<unknown>): Promise<BrtopsError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof BrtopsError)) throw new Error(`expected a BrtopsError, got ${String(e)}`);
  return e;
}
function assertNoToken(e: BrtopsError): void {
  for (const text of [e.message, e.hint ?? "", JSON.stringify(e), JSON.stringify(e.details ?? {}), String(e.stack)])
    expect(text).not.toContain(TOKEN);
}

const spec = (over: Partial<ReleaseSpec> = {}): ReleaseSpec => ({
  tag: "v2.1.0",
  name: "v2.1.0",
  body: "## What's new\n- checkout\n",
  draft: false,
  prerelease: false,
  ...over,
});

describe("repository and token", () => {
  it.each([
    ["https://github.com/acme/shop.git", { host: "github.com", owner: "acme", repo: "shop" }],
    ["https://github.com/acme/shop", { host: "github.com", owner: "acme", repo: "shop" }],
    ["https://x-access-token:abc@github.com/acme/shop.git", { host: "github.com", owner: "acme", repo: "shop" }],
    ["git@github.com:acme/shop.git", { host: "github.com", owner: "acme", repo: "shop" }],
    ["ssh://git@github.com/acme/shop.git", { host: "github.com", owner: "acme", repo: "shop" }],
    ["ssh://git@ghe.acme.test:2222/platform/shop.git", { host: "ghe.acme.test", owner: "platform", repo: "shop" }],
    ["git@ghe.acme.test:platform/shop.git", { host: "ghe.acme.test", owner: "platform", repo: "shop" }],
    ["/tmp/origin.git", null],
    ["../origin", null],
  ])("parseRemoteUrl(%j)", (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });

  it("reads owner/name and the API root from the remote, or takes them from config", async () => {
    const git = createGit(fx.work, redact);
    fx.git("remote", "add", "gh", "git@github.com:acme/shop.git");
    fx.git("remote", "add", "ghe", "https://ghe.acme.test/platform/shop.git");
    expect(await resolveRepository(git, { remote: "gh" })).toEqual({
      owner: "acme",
      repo: "shop",
      baseUrl: "https://api.github.com",
      from: "gh",
    });
    expect(await resolveRepository(git, { remote: "ghe" })).toEqual({
      owner: "platform",
      repo: "shop",
      baseUrl: "https://ghe.acme.test/api/v3",
      from: "ghe",
    });
    expect(
      await resolveRepository(git, { remote: "origin", repository: "other/repo", baseUrl: "https://ghe.x/api/v3" }),
    ).toEqual({ owner: "other", repo: "repo", baseUrl: "https://ghe.x/api/v3", from: "config" });
    expect(apiBaseUrlFor("github.com")).toBe("https://api.github.com");
  });

  it("says how to fix a remote that is not on GitHub", async () => {
    const git = createGit(fx.work, redact);
    const e = await caught(resolveRepository(git, { remote: "origin" }));
    expect(e.code).toBe("E_GITHUB_REPOSITORY");
    expect(e.hint).toContain("github.repository");
    expect((await caught(resolveRepository(git, { remote: "nope" }))).message).toBe(
      'The repository has no remote "nope".',
    );
  });

  it("takes GITHUB_TOKEN, then GH_TOKEN", async () => {
    expect(await resolveGitHubToken({ GITHUB_TOKEN: "a", GH_TOKEN: "b" }, { cwd: fx.work })).toEqual({
      token: "a",
      source: "GITHUB_TOKEN",
    });
    expect(await resolveGitHubToken({ GH_TOKEN: "b" }, { cwd: fx.work })).toEqual({ token: "b", source: "GH_TOKEN" });
    expect(await resolveGitHubToken({}, { cwd: fx.work, useGhCli: false })).toBeNull();
  });
});

describe("tag and push (6.8.1, 6.8.2)", () => {
  const annotation = tagAnnotation({
    version: "2.1.0",
    tag: "v2.1.0",
    environment: "github",
    previous: "2.0.3",
    sev: "SEV-2",
    features: [{ name: "checkout", status: "COMPLETE" }],
    approvals: [
      {
        phase: 2,
        step: "2.10",
        by: "ada@example.com",
        role: "hum-lead",
        at: "2025-08-27T10:00:00.000Z",
        note: "ship it",
      },
    ],
  });

  it("creates an annotated tag with the full annotation, adopts it at the same commit, refuses another commit", async () => {
    const git = createGit(fx.work, redact);
    const head = fx.git("rev-parse", "HEAD");
    expect(await ensureAnnotatedTag(git, { tag: "v2.1.0", commit: head, message: annotation })).toEqual({
      action: "created",
      commit: head,
      annotated: true,
    });
    expect(fx.git("cat-file", "-t", "v2.1.0")).toBe("tag");
    const msg = fx.git("tag", "-l", "--format=%(contents)", "v2.1.0");
    expect(msg).toContain("SEV: SEV-2");
    expect(msg).toContain("- checkout [COMPLETE]");
    expect(msg).toContain(
      "- Phase 2 (2.10) approved by ada@example.com (hum-lead) at 2025-08-27T10:00:00.000Z: ship it",
    );
    expect(await ensureAnnotatedTag(git, { tag: "v2.1.0", commit: head, message: annotation })).toMatchObject({
      action: "adopted",
    });
    expect(await tagExists(git, "v2.1.0", head)).toBe(true);

    const next = fx.commit("a.txt", "a", "more");
    const e = await caught(ensureAnnotatedTag(git, { tag: "v2.1.0", commit: next, message: annotation }));
    expect(e.code).toBe("E_TAG_CONFLICT");
    expect(e.message).toContain(`at commit ${head.slice(0, 12)}, not at ${next.slice(0, 12)}`);
    expect((await localTag(git, "v2.1.0"))!.commit).toBe(head);
  });

  it("pushes branch and tag to origin, adopts a tag already there, refuses one at another commit", async () => {
    const git = createGit(fx.work, redact);
    const head = fx.git("rev-parse", "HEAD");
    await ensureAnnotatedTag(git, { tag: "v2.1.0", commit: head, message: annotation });
    expect(await pushBranchAndTag(git, { remote: "origin", tag: "v2.1.0", commit: head })).toEqual({
      remote: "origin",
      branch: "main",
      tag: "v2.1.0",
      action: "pushed",
      branchAction: "pushed",
      commit: head,
    });
    expect(fx.originGit("rev-parse", "refs/heads/main")).toBe(head);
    expect(fx.originGit("rev-parse", "v2.1.0^{commit}")).toBe(head);
    expect(fx.originGit("cat-file", "-t", "v2.1.0")).toBe("tag");
    expect(await pushBranchAndTag(git, { remote: "origin", tag: "v2.1.0", commit: head })).toMatchObject({
      action: "adopted",
    });

    // Someone else's v2.2.0 on origin at another commit.
    const other = fx.commit("b.txt", "b", "other");
    fx.git("tag", "-a", "v2.2.0", "-m", "not ours", other);
    fx.git("push", "-q", "origin", "v2.2.0");
    fx.git("tag", "-d", "v2.2.0");
    const mine = fx.commit("c.txt", "c", "mine");
    await ensureAnnotatedTag(git, { tag: "v2.2.0", commit: mine, message: "x" });
    const e = await caught(pushBranchAndTag(git, { remote: "origin", tag: "v2.2.0", commit: mine }));
    expect(e.code).toBe("E_TAG_CONFLICT");
    expect(await remoteTagCommit(git, "origin", "v2.2.0")).toBe(other);
    expect(fx.originGit("rev-parse", "refs/heads/main")).toBe(head); // the atomic push did not move the branch
  });

  it("pushes the release commit, not commits made on the branch after it; a branch already past it is left alone; a diverged one is refused whole", async () => {
    const git = createGit(fx.work, redact);
    const release = fx.git("rev-parse", "HEAD");
    const later = fx.commit("later.txt", "not in this release", "work after the release commit");
    await ensureAnnotatedTag(git, { tag: "v2.1.0", commit: release, message: annotation });
    expect(await pushBranchAndTag(git, { remote: "origin", tag: "v2.1.0", commit: release })).toMatchObject({
      action: "pushed",
      branchAction: "pushed",
    });
    expect(fx.originGit("rev-parse", "refs/heads/main")).toBe(release); // not `later`
    expect(fx.git("rev-parse", "HEAD")).toBe(later); // the local branch is untouched

    // origin/main moves past the release commit (someone pushed `later`): the branch is already there.
    fx.git("push", "-q", "origin", "main");
    await ensureAnnotatedTag(git, { tag: "v2.1.1", commit: release, message: "x" });
    expect(await pushBranchAndTag(git, { remote: "origin", tag: "v2.1.1", commit: release })).toMatchObject({
      action: "pushed",
      branchAction: "present",
    });
    expect(fx.originGit("rev-parse", "refs/heads/main")).toBe(later);
    expect(fx.originGit("rev-parse", "v2.1.1^{commit}")).toBe(release);

    // A release commit on a line origin/main does not contain: refused, and the tag is not pushed either.
    fx.git("checkout", "-q", "-b", "side", release);
    const side = fx.commit("side.txt", "side", "side line");
    await ensureAnnotatedTag(git, { tag: "v2.2.0", commit: side, message: "x" });
    const e = await caught(pushBranchAndTag(git, { remote: "origin", tag: "v2.2.0", commit: side, branch: "main" }));
    expect(e.code).toBe("E_PUSH_REJECTED");
    expect(e.message).toContain("Nothing was pushed");
    expect(fx.originGit("rev-parse", "refs/heads/main")).toBe(later);
    expect(await remoteTagCommit(git, "origin", "v2.2.0")).toBeNull();
  });

  it("rollback deletes the remote tag and the local tag, and says when there was nothing to delete", async () => {
    const git = createGit(fx.work, redact);
    const head = fx.git("rev-parse", "HEAD");
    await ensureAnnotatedTag(git, { tag: "v2.1.0", commit: head, message: annotation });
    await pushBranchAndTag(git, { remote: "origin", tag: "v2.1.0", commit: head });
    expect(await deleteRemoteTag(git, "origin", "v2.1.0")).toEqual({ deleted: true });
    expect(await deleteLocalTag(git, "v2.1.0")).toEqual({ deleted: true });
    expect(fx.originGit("tag", "-l")).toBe("");
    expect(fx.git("tag", "-l")).toBe("");
    expect(await deleteRemoteTag(git, "origin", "v2.1.0")).toEqual({ deleted: false });
    expect(await deleteLocalTag(git, "v2.1.0")).toEqual({ deleted: false });
  });

  const quietGit = (...args: string[]): string =>
    execFileSync("git", args, { cwd: fx.work, encoding: "utf8", stdio: "pipe" });

  /** Runs `git tag` with a reference-transaction hook that SIGKILLs it while it holds the ref's lock. */
  function crashInsideGitTag(tag: string, message: string, commit: string): string {
    const hook = join(fx.work, ".git/hooks/reference-transaction");
    writeFileSync(
      hook,
      `#!/bin/sh\n[ "$1" = "prepared" ] || { cat >/dev/null; exit 0; }\ngrep -q " refs/tags/${tag}$" || exit 0\nkill -9 $PPID\n`,
    );
    chmodSync(hook, 0o755);
    expect(() => quietGit("tag", "-a", tag, "-m", message, commit)).toThrow();
    rmSync(hook);
    const lock = join(fx.work, `.git/refs/tags/${tag}.lock`);
    expect(existsSync(lock)).toBe(true);
    expect(fx.git("tag", "-l")).toBe("");
    return lock;
  }

  it("finishes a tag whose git process died holding the ref lock: the lock names exactly this tag, so it is cleared", async () => {
    const git = createGit(fx.work, redact);
    const head = fx.git("rev-parse", "HEAD");
    const lock = crashInsideGitTag("v2.1.0", annotation, head);
    // git itself refuses while the lock is there.
    expect(() => quietGit("tag", "-a", "v2.1.0", "-m", annotation, head)).toThrow(/v2\.1\.0\.lock': File exists/);
    expect(await ensureAnnotatedTag(git, { tag: "v2.1.0", commit: head, message: annotation })).toEqual({
      action: "created",
      commit: head,
      annotated: true,
      clearedLock: true,
    });
    expect(existsSync(lock)).toBe(false);
    expect(fx.git("rev-parse", "v2.1.0^{commit}")).toBe(head);
    expect(fx.git("tag", "-l", "--format=%(contents)", "v2.1.0")).toContain("SEV: SEV-2");
  });

  it("leaves a lock it cannot prove its own, with E_GIT_REF_LOCKED naming the file, and creates nothing", async () => {
    const git = createGit(fx.work, redact);
    const head = fx.git("rev-parse", "HEAD");
    // Another annotation (someone else's tagging of the same name) and an empty lock (a git that died before writing).
    const foreign = crashInsideGitTag("v2.1.0", "someone else's v2.1.0", head);
    for (const content of [readFileSync(foreign, "utf8"), ""]) {
      writeFileSync(foreign, content);
      const e = await caught(ensureAnnotatedTag(git, { tag: "v2.1.0", commit: head, message: annotation }));
      expect(e.code).toBe("E_GIT_REF_LOCKED");
      expect(e.message).toContain(foreign);
      expect(e.hint).toContain(`delete ${foreign}`);
      expect(readFileSync(foreign, "utf8")).toBe(content);
      expect(fx.git("tag", "-l")).toBe("");
    }
    // The same annotation at another commit is not ours either.
    rmSync(foreign);
    const next = fx.commit("n.txt", "n", "next");
    crashInsideGitTag("v2.1.0", annotation, head);
    expect((await caught(ensureAnnotatedTag(git, { tag: "v2.1.0", commit: next, message: annotation }))).code).toBe(
      "E_GIT_REF_LOCKED",
    );
    expect(fx.git("tag", "-l")).toBe("");
  });

  it("a rollback's git tag -d killed mid-way: the next delete names the lock it left, deletes nothing else, and succeeds once the lock is gone", async () => {
    const git = createGit(fx.work, redact);
    const head = fx.git("rev-parse", "HEAD");
    await ensureAnnotatedTag(git, { tag: "v2.1.0", commit: head, message: annotation });
    const hook = join(fx.work, ".git/hooks/reference-transaction");
    writeFileSync(hook, `#!/bin/sh\n[ "$1" = "prepared" ] || { cat >/dev/null; exit 0; }\nkill -9 $PPID\n`);
    chmodSync(hook, 0o755);
    expect(() => quietGit("tag", "-d", "v2.1.0")).toThrow();
    rmSync(hook);
    expect(fx.git("tag", "-l")).toBe("v2.1.0"); // killed before the delete was committed
    const e = await caught(deleteLocalTag(git, "v2.1.0"));
    expect(e.code).toBe("E_GIT_REF_LOCKED");
    const lock = (e.details as { lock: string }).lock;
    expect(lock).toMatch(/packed-refs\.lock$/);
    expect(existsSync(lock)).toBe(true); // never removed by brtops: an empty lock proves nothing about its owner
    const leftovers = (e.details as { leftovers: string[] }).leftovers;
    expect(e.hint).toContain(`delete ${leftovers.join(" ")}`);
    expect(fx.git("tag", "-l")).toBe("v2.1.0");
    for (const f of leftovers) rmSync(f);
    expect(await deleteLocalTag(git, "v2.1.0")).toEqual({ deleted: true });
    expect(fx.git("tag", "-l")).toBe("");
  });

  it("reports a failing git tag without the whole annotation in the message", async () => {
    const git = createGit(fx.work, redact);
    const head = fx.git("rev-parse", "HEAD");
    const e = await caught(ensureAnnotatedTag(git, { tag: "bad..name", commit: head, message: annotation }));
    expect(e.code).toBe("E_GIT");
    expect(e.message).toMatch(
      /^git tag -a bad\.\.name [0-9a-f]{12} failed \(exit 128\): fatal: 'bad\.\.name' is not a valid tag name/,
    );
    expect(e.message).not.toContain("Approvals");
  });
});

describe("GitHub release (6.8.3) through Octokit against the fake", () => {
  it("creates one release, then leaves it unchanged, then updates it: never a duplicate", async () => {
    const a = await ensureRelease(client, spec());
    expect(a.action).toBe("created");
    expect(a.release).toMatchObject({
      tag: "v2.1.0",
      name: "v2.1.0",
      body: "## What's new\n- checkout\n",
      draft: false,
    });
    expect(a.release.htmlUrl).toBe(`${fake.baseUrl}/acme/shop/releases/tag/v2.1.0`);
    expect((await ensureRelease(client, spec())).action).toBe("unchanged");
    const u = await ensureRelease(client, spec({ body: "## What's new\n- checkout\n- search\n", prerelease: true }));
    expect(u).toMatchObject({ action: "updated", changed: ["body", "prerelease"] });
    expect(fake.releases).toHaveLength(1);
    expect(fake.releases[0]!.body).toContain("- search");
    expect(await releaseExists(client, "v2.1.0")).toBe(true);
    expect(await releaseExists(client, "v9.9.9")).toBe(false);
  });

  it("finds a draft release by listing (the by-tag endpoint hides drafts)", async () => {
    fake.seed({ owner: "acme", repo: "shop", tag_name: "v3.0.0", draft: true, published_at: null, name: "draft" });
    for (let i = 0; i < 120; i++) fake.seed({ owner: "acme", repo: "shop", tag_name: `v0.0.${i}` });
    expect((await findRelease(client, "v3.0.0"))?.draft).toBe(true);
    const r = await ensureRelease(client, spec({ tag: "v3.0.0", name: "v3.0.0", draft: true }));
    expect(r.action).toBe("updated");
    expect(fake.releases.filter((x) => x.tag_name === "v3.0.0")).toHaveLength(1);
  });

  it.each([
    ["a published release", false],
    ["a draft (GitHub lets drafts repeat a tag)", true],
  ])("never duplicates %s when GitHub created it but answered 5xx", async (_what, draft) => {
    fake.inject({ method: "POST", path: /^\/repos\/acme\/shop\/releases$/, status: 502, acted: true });
    const r = await ensureRelease(client, spec({ draft }));
    expect(fake.releases).toHaveLength(1);
    expect(fake.releases[0]).toMatchObject({ tag_name: "v2.1.0", draft });
    expect(r.release.id).toBe(fake.releases[0]!.id);
    expect(r.action).toBe("created");
    // Looked for it before asking again; GitHub was asked to create it once.
    expect(fake.requests.filter((q) => q.method === "POST")).toHaveLength(1);
  });

  it("still retries a create that GitHub did not act on", async () => {
    fake.inject({ method: "POST", path: /^\/repos\/acme\/shop\/releases$/, status: 502 });
    const r = await ensureRelease(client, spec({ draft: true }));
    expect(r.action).toBe("created");
    expect(fake.releases).toHaveLength(1);
    expect(fake.requests.filter((q) => q.method === "POST")).toHaveLength(2);
  });

  it("adopts a release created meanwhile (422 already_exists) instead of failing", async () => {
    fake.seed({ owner: "acme", repo: "shop", tag_name: "v2.1.0", name: "v2.1.0", body: "## What's new\n- checkout\n" });
    // The first look-ups miss it, as if it were created between look-up and create.
    fake.inject({ method: "GET", path: /releases\/tags\/v2\.1\.0$/, status: 404, body: { message: "Not Found" } });
    fake.inject({ method: "GET", path: /\/releases$/, status: 200, body: [] });
    const r = await ensureRelease(client, spec());
    expect(r.action).toBe("unchanged");
    expect(fake.releases).toHaveLength(1);
    expect(fake.requests.filter((q) => q.method === "POST")).toHaveLength(1);
  });

  it("uploads assets to upload_url, keeps identical ones, replaces changed ones", async () => {
    const { release } = await ensureRelease(client, spec());
    const file = join(fx.work, "shop-2.1.0.tgz");
    writeFileSync(file, "bytes of the package");
    const first = await ensureAssets(client, release, [{ path: file }]);
    expect(first).toMatchObject([{ name: "shop-2.1.0.tgz", action: "uploaded", size: 20 }]);
    expect(
      fake.requests.some(
        (q) => q.method === "POST" && q.path === `/uploads/repos/acme/shop/releases/${release.id}/assets`,
      ),
    ).toBe(true);
    expect(fake.releases[0]!.assets[0]!.content_type).toBe("application/gzip");
    expect((await ensureAssets(client, release, [{ path: file }]))[0]!.action).toBe("kept");
    expect(await assetsMatch(client, release, [{ path: file }])).toBe(true);
    writeFileSync(file, "other bytes, same size");
    expect(await assetsMatch(client, release, [{ path: file }])).toBe(false);
    expect((await ensureAssets(client, release, [{ path: file }]))[0]!.action).toBe("replaced");
    expect(fake.releases[0]!.assets).toHaveLength(1);
    expect(fake.releases[0]!.assets[0]!.data.toString()).toBe("other bytes, same size");
  });

  it("compares by downloading when the server gives no digest (older GitHub Enterprise)", async () => {
    await fake.close();
    fake = await startFakeGitHub({ token: TOKEN, digest: false });
    client = createGitHubClient({
      owner: "acme",
      repo: "shop",
      token: TOKEN,
      baseUrl: fake.baseUrl,
      redact,
      retryBaseMs: 5,
      pace: false,
    });
    const { release } = await ensureRelease(client, spec());
    const file = join(fx.work, "notes.txt");
    writeFileSync(file, "same");
    await ensureAssets(client, release, [{ path: file }]);
    expect((await ensureAssets(client, release, [{ path: file }]))[0]!.action).toBe("kept");
    expect(fake.requests.some((q) => q.path.startsWith("/acme/shop/releases/download/v2.1.0/notes.txt"))).toBe(true);
  });

  it("rollback deletes the release; a second delete finds nothing", async () => {
    await ensureRelease(client, spec());
    expect(await deleteRelease(client, "v2.1.0")).toMatchObject({ deleted: true });
    expect(fake.releases).toHaveLength(0);
    expect(await deleteRelease(client, "v2.1.0")).toEqual({ deleted: false });
  });
});

describe("GitHub failures", () => {
  it("retries a 5xx once and succeeds", async () => {
    fake.serverErrorOnce(/\/releases$/, "POST");
    expect((await ensureRelease(client, spec())).action).toBe("created");
    expect(fake.requests.filter((q) => q.method === "POST" && q.path === "/repos/acme/shop/releases")).toHaveLength(2);
    expect(fake.releases).toHaveLength(1);
  });

  it("waits out a rate limit (403, x-ratelimit-remaining: 0) and succeeds, saying so; an expected 404 says nothing", async () => {
    const warnings: string[] = [];
    const c = createGitHubClient({
      owner: "acme",
      repo: "shop",
      token: TOKEN,
      baseUrl: fake.baseUrl,
      redact,
      retryBaseMs: 5,
      pace: false,
      onWarning: (m) => warnings.push(m),
    });
    expect(await findRelease(c, "v9.9.9")).toBeNull();
    expect(warnings).toEqual([]);
    fake.rateLimitOnce(/releases\/tags\//, 0);
    expect((await ensureRelease(c, spec())).action).toBe("created");
    expect(fake.requests.filter((q) => q.path.endsWith("/releases/tags/v2.1.0")).length).toBeGreaterThanOrEqual(2);
    expect(warnings.join("\n")).toMatch(/^GitHub rate limit on GET \S*\/releases\/tags\/\S*: retrying in \d+ s$/m);
    expect(warnings.join("\n")).not.toMatch(/ - 404 with id/);
  });

  it("gives up on a rate limit that lasts, with E_GITHUB_RATE_LIMIT and when it resets", async () => {
    fake.inject({
      path: /releases\/tags\//,
      status: 403,
      times: 10,
      body: { message: "API rate limit exceeded for user ID 1." },
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) },
    });
    const e = await caught(ensureRelease(client, spec()));
    expect(e.code).toBe("E_GITHUB_RATE_LIMIT");
    expect(e.message).toMatch(/rate limit stopped brtops while looking up the release of v2\.1\.0 until \d{4}-/);
    assertNoToken(e);
  });

  it("maps bad credentials to E_GITHUB_AUTH, with the token nowhere in the error", async () => {
    const bad = createGitHubClient({
      owner: "acme",
      repo: "shop",
      token: `${TOKEN}x`,
      baseUrl: fake.baseUrl,
      redact: createRedactor([`${TOKEN}x`]),
      retryBaseMs: 5,
      pace: false,
    });
    const e = await caught(ensureRelease(bad, spec()));
    expect(e.code).toBe("E_GITHUB_AUTH");
    expect(e.message).toBe("GitHub refused the token while looking up the release of v2.1.0: Bad credentials (401).");
    expect(e.hint).toContain("GITHUB_TOKEN");
    for (const text of [e.message, JSON.stringify(e), String(e.stack)]) expect(text).not.toContain(TOKEN);
    expect(fake.releases).toHaveLength(0);
  });

  it("names an unreachable server and leaves the token out", async () => {
    await fake.close();
    const e = await caught(ensureRelease(client, spec()));
    expect(e.code).toBe("E_GITHUB");
    expect(e.message).toMatch(/^GitHub could not be reached while looking up the release of v2\.1\.0/);
    assertNoToken(e);
    fake = await startFakeGitHub({ token: TOKEN });
  });
});
