/**
 * npm channels as tables: which dist-tag a version takes (a promotion is the one way a prerelease
 * reaches `latest`), whether `npm publish` gets `--provenance` (the real provenance needs a CI's
 * OIDC token and Sigstore, which cannot run here: the choice and the arguments are tested), and
 * where a promoted tag goes back to.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NpmContext } from "../../src/adapters/npm/npm-cli.js";
import { npmDistTag, npmDistTags, npmPublish, npmSetDistTag } from "../../src/adapters/npm/npm-publish.js";
import { npmTagRollback } from "../../src/adapters/npm/npm-rollback.js";
import { createRedactor } from "../../src/core/redact.js";
import { startVerdaccio, type Verdaccio } from "../support/verdaccio.js";
import { npmPublishArgs, provenanceChoice } from "../../src/adapters/npm/npm-provenance.js";
import { promotionRollbackCandidates } from "../../src/deploy/execute-rollback.js";

const NPMJS = "https://registry.npmjs.org/";
const GHA = {
  GITHUB_ACTIONS: "true",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://pipelines.actions.githubusercontent.com/abc/idtoken",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "secret-request-token",
};

describe("the dist-tag of a version", () => {
  it.each([
    ["3.0.0-beta.1", undefined, false, "beta"],
    ["3.0.0-beta.1", "latest", false, "beta"],
    ["3.0.0-beta.1", "latest", true, "latest"],
    ["3.0.0-beta.1", "next", true, "next"],
    ["3.0.0-beta.1", undefined, true, "beta"],
    ["3.0.0", undefined, true, "latest"],
    ["3.0.0", "stable", false, "stable"],
  ] as const)("%s, npm.tag %s, promotion %s → %s", (version, configured, promotion, tag) => {
    expect(npmDistTag(version, configured, {}, { promotion })).toBe(tag);
  });
});

describe("npm publish --provenance", () => {
  it.each([
    ["auto", GHA, NPMJS, true, "GitHub Actions with an OIDC id token"],
    ["auto", { ...GHA, ACTIONS_ID_TOKEN_REQUEST_URL: "" }, NPMJS, false, "permissions: id-token: write"],
    ["auto", { GITHUB_ACTIONS: "true" }, NPMJS, false, "GitHub Actions without an OIDC token"],
    ["auto", { GITLAB_CI: "true", SIGSTORE_ID_TOKEN: "eyJ.x.y" }, NPMJS, true, "GitLab CI"],
    ["auto", { GITLAB_CI: "true" }, NPMJS, false, "SIGSTORE_ID_TOKEN"],
    ["auto", GHA, "http://127.0.0.1:4873/", false, "127.0.0.1:4873 is not the public npm registry"],
    ["auto", {}, NPMJS, false, "not running in a CI"],
    [true, {}, "http://127.0.0.1:4873/", true, "npm.provenance: true"],
    [false, GHA, NPMJS, false, "npm.provenance: false"],
  ] as const)("%s with %j on %s → %s", (setting, env, registry, provenance, why) => {
    const c = provenanceChoice(setting, env, registry);
    expect(c.provenance).toBe(provenance);
    expect(c.why).toContain(why);
    expect(c.why).not.toContain("secret-request-token");
  });

  it("adds --provenance to the publish arguments only when chosen", () => {
    expect(npmPublishArgs("/p/w.tgz", { tag: "beta", access: "public", provenance: true })).toEqual([
      "publish",
      "/p/w.tgz",
      "--tag",
      "beta",
      "--access",
      "public",
      "--provenance",
      "--ignore-scripts",
    ]);
    expect(npmPublishArgs("/p/w.tgz", { tag: "latest", provenance: false })).toEqual([
      "publish",
      "/p/w.tgz",
      "--tag",
      "latest",
      "--ignore-scripts",
    ]);
  });
});

describe("where a promoted dist-tag goes back to", () => {
  it.each([
    ["ledger first, then the tag's value before", "3.0.0-beta.1", "ledger", "2.4.0", ["3.0.0-beta.1", "2.4.0"]],
    ["the tag's value before, then the tag below", "1.0.0", "tag", "2.4.0", ["2.4.0", "1.0.0"]],
    ["one of each, once", "2.4.0", "ledger", "2.4.0", ["2.4.0"]],
    ["nothing known", null, "none", null, []],
  ] as const)("%s", (_n, previous, previousSource, before, want) => {
    const c = promotionRollbackCandidates({ previous, previousSource }, { before });
    expect(c.map((x) => x.version)).toEqual(want);
  });
});

describe("moving a promoted dist-tag back (npmTagRollback, against verdaccio)", () => {
  let reg: Verdaccio;
  let ctx: NpmContext;
  let dir: string;
  beforeAll(async () => {
    reg = await startVerdaccio();
    const token = await reg.addUser("promoter", "promoter-pass");
    dir = mkdtempSync(join(tmpdir(), "brtops-npm-tags-"));
    ctx = { registry: reg.url, token, cwd: dir, redact: createRedactor([token]) };
    for (const version of ["2.4.0", "3.0.0-beta.1"]) {
      const d = mkdtempSync(join(dir, "pkg-"));
      writeFileSync(join(d, "package.json"), JSON.stringify({ name: "@acme/tags", version }));
      await npmPublish(ctx, { folder: d, tag: version === "2.4.0" ? "latest" : "beta" });
    }
  }, 120_000);
  afterAll(async () => {
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const promoted = { name: "@acme/tags", version: "3.0.0-beta.1", tag: "latest" };

  it("skips a candidate that is not on the registry, moves the tag to the next, and is adopted when run again", async () => {
    await npmSetDistTag(ctx, "@acme/tags", "3.0.0-beta.1", "latest");
    const candidates = [
      { version: "2.9.0", source: "ledger" },
      { version: "2.4.0", source: "the tag before the promotion" },
    ];
    const r = await npmTagRollback(ctx, { ...promoted, candidates, before: "2.4.0" });
    expect(r).toMatchObject({ now: "2.4.0", restored: { version: "2.4.0", source: "the tag before the promotion" } });
    expect(r.notes).toEqual(["2.9.0 (ledger) is not on the registry"]);
    expect(await npmDistTags(ctx, "@acme/tags")).toEqual({ latest: "2.4.0", beta: "3.0.0-beta.1" });
    const again = await npmTagRollback(ctx, { ...promoted, candidates, before: "2.4.0" });
    expect(again.detail).toContain("already points at 2.4.0 again");
  });

  it("leaves alone a tag the promotion did not move, and one that points elsewhere by now", async () => {
    const beta = { ...promoted, tag: "beta", candidates: [{ version: "2.4.0", source: "ledger" }] };
    const r = await npmTagRollback(ctx, { ...beta, before: "3.0.0-beta.1" });
    expect(r.detail).toContain("moved nothing: left alone");
    expect((await npmDistTags(ctx, "@acme/tags"))["beta"]).toBe("3.0.0-beta.1");
    const elsewhere = await npmTagRollback(ctx, {
      ...promoted,
      candidates: [{ version: "2.9.0", source: "ledger" }],
      before: "2.4.0",
    });
    expect(elsewhere).toMatchObject({ now: "2.4.0", restored: null });
    expect(elsewhere.detail).toContain("not at 3.0.0-beta.1: left alone");
  });
});
