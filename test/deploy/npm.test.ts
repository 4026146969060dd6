import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryKey, resolveNpmToken, type NpmContext } from "../../src/adapters/npm/npm-cli.js";
import { npmDistTag, npmDistTags, npmPublish, npmVersionResolves } from "../../src/adapters/npm/npm-publish.js";
import { npmRollback } from "../../src/adapters/npm/npm-rollback.js";
import { BrtopsError } from "../../src/core/errors.js";
import { createRedactor } from "../../src/core/redact.js";
import { startVerdaccio, type Verdaccio } from "../support/verdaccio.js";

// Each test runs several npm processes against the registry: seconds apiece on a loaded 2-core machine.
const NPM_TEST_MS = 180_000;
let reg: Verdaccio;
let token: string;
let root: string;
let ctx: NpmContext;

beforeAll(async () => {
  reg = await startVerdaccio();
  token = await reg.addUser("releaser", "correct-horse-42");
  root = mkdtempSync(join(tmpdir(), "brtops-npm-project-"));
  ctx = { registry: reg.url, token, cwd: root, redact: createRedactor([token]) };
});
afterAll(async () => {
  await reg.stop();
  rmSync(root, { recursive: true, force: true });
});

function pkg(
  name: string,
  version: string,
  extra: Record<string, unknown> = {},
  content = "export const x = 1;\n",
): string {
  const d = mkdtempSync(join(root, `${name.replace(/[@/]/g, "_")}-${version}-`));
  writeFileSync(join(d, "package.json"), JSON.stringify({ name, version, main: "index.js", ...extra }, null, 2));
  writeFileSync(join(d, "index.js"), content);
  return d;
}

async function caught(p: Promise<unknown>): Promise<BrtopsError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof BrtopsError)) throw new Error(`expected a BrtopsError, got ${String(e)}`);
  return e;
}

describe("npm dist-tags and tokens", () => {
  it.each([
    ["2.1.0", undefined, "latest"],
    ["2.0.0-rc.1", undefined, "rc"],
    ["3.0.0-beta", undefined, "beta"],
    ["1.5.2-hotfix", undefined, "hotfix"],
    ["2.0.0-1", undefined, "next"],
    ["2.0.0-rc.1", "canary", "canary"],
    ["2.0.0-rc.1", "latest", "rc"],
    ["2.1.0", "stable", "stable"],
  ])("npmDistTag(%s, %s) = %s", (version, configured, tag) => {
    expect(npmDistTag(version, configured)).toBe(tag);
  });

  it("maps prerelease channels through npm.channels, never to latest", () => {
    expect(npmDistTag("3.0.0-rc.1", undefined, { rc: "next" })).toBe("next");
    expect(npmDistTag("3.0.0-beta.2", "latest", { rc: "next" })).toBe("beta");
    expect(npmDistTag("3.0.0-beta.2", undefined, { beta: "latest" })).toBe("beta");
    expect(npmDistTag("3.0.0", undefined, { rc: "next" })).toBe("latest");
  });

  it("finds the token in the configured variable, else NPM_TOKEN, else NODE_AUTH_TOKEN", () => {
    expect(resolveNpmToken({ NPM_TOKEN: "a", NODE_AUTH_TOKEN: "b" })).toBe("a");
    expect(resolveNpmToken({ NODE_AUTH_TOKEN: "b" })).toBe("b");
    expect(resolveNpmToken({ NPM_TOKEN: "a", MY_TOKEN: "c" }, "MY_TOKEN")).toBe("c");
    expect(resolveNpmToken({})).toBeNull();
    expect(registryKey("http://127.0.0.1:4873")).toBe("//127.0.0.1:4873/");
    expect(registryKey("https://npm.pkg.github.com/acme")).toBe("//npm.pkg.github.com/acme/");
  });
});

describe("npm against a real verdaccio registry", () => {
  it(
    "publishes under latest, resolves the version, adopts a re-run, and leaves no token file behind",
    async () => {
      const before = readdirSync(tmpdir()).filter(
        (f) => f.startsWith("brtops-npm-") && !f.startsWith("brtops-npm-project"),
      ).length;
      const d = pkg("@acme/lib", "1.0.0");
      const r = await npmPublish(ctx, { folder: d, tag: npmDistTag("1.0.0"), access: "public" });
      expect(r).toMatchObject({ name: "@acme/lib", version: "1.0.0", tag: "latest", action: "published" });
      expect(await npmVersionResolves(ctx, "@acme/lib", "1.0.0")).toBe(true);
      expect(await npmVersionResolves(ctx, "@acme/lib", "1.0.1")).toBe(false);
      expect((await reg.packument("@acme/lib"))!["dist-tags"]).toEqual({ latest: "1.0.0" });
      expect(readdirSync(d).sort()).toEqual(["index.js", "package.json"]); // the npmrc never lands in the package
      const again = await npmPublish(ctx, { folder: d, tag: "latest" });
      expect(again.action).toBe("adopted");
      expect(
        readdirSync(tmpdir()).filter((f) => f.startsWith("brtops-npm-") && !f.startsWith("brtops-npm-project")).length,
      ).toBe(before);
    },
    NPM_TEST_MS,
  );

  it(
    "publishes a prerelease under its id without moving latest",
    async () => {
      await npmPublish(ctx, { folder: pkg("@acme/pre", "1.0.0"), tag: "latest" });
      const r = await npmPublish(ctx, { folder: pkg("@acme/pre", "2.0.0-rc.1"), tag: npmDistTag("2.0.0-rc.1") });
      expect(r.tag).toBe("rc");
      expect(await npmDistTags(ctx, "@acme/pre")).toEqual({ latest: "1.0.0", rc: "2.0.0-rc.1" });
    },
    NPM_TEST_MS,
  );

  it(
    "refuses to publish other contents under a version already there",
    async () => {
      await npmPublish(ctx, { folder: pkg("@acme/twice", "1.0.0"), tag: "latest" });
      const e = await caught(
        npmPublish(ctx, { folder: pkg("@acme/twice", "1.0.0", {}, "export const x = 2;\n"), tag: "latest" }),
      );
      expect(e.code).toBe("E_NPM_VERSION_EXISTS");
      expect(e.message).toMatch(
        /^@acme\/twice@1\.0\.0 is already on http:\/\/127\.0\.0\.1:\d+\/ with different contents/,
      );
    },
    NPM_TEST_MS,
  );

  it(
    "rolls back: moves latest to the previous version and deprecates the bad one",
    async () => {
      await npmPublish(ctx, { folder: pkg("@acme/app", "1.4.2"), tag: "latest" });
      await npmPublish(ctx, { folder: pkg("@acme/app", "2.0.0"), tag: "latest" });
      expect((await npmDistTags(ctx, "@acme/app"))["latest"]).toBe("2.0.0");
      const r = await npmRollback(ctx, { name: "@acme/app", version: "2.0.0", previous: "1.4.2" });
      expect(r).toMatchObject({ distTags: { latest: "1.4.2" }, deprecated: true, unpublished: false });
      const doc = (await reg.packument("@acme/app"))!;
      expect(doc["dist-tags"]["latest"]).toBe("1.4.2");
      expect(doc.versions["2.0.0"]!.deprecated).toBe("Rolled back by brtops; use 1.4.2.");
      expect(doc.versions["1.4.2"]!.deprecated).toBeUndefined();
    },
    NPM_TEST_MS,
  );

  it(
    "rolls back by unpublishing where configured and allowed, and drops a prerelease tag with no previous",
    async () => {
      await npmPublish(ctx, { folder: pkg("@acme/gone", "1.0.0"), tag: "latest" });
      await npmPublish(ctx, { folder: pkg("@acme/gone", "1.1.0-beta.1"), tag: "beta" });
      const r = await npmRollback(ctx, {
        name: "@acme/gone",
        version: "1.1.0-beta.1",
        previous: null,
        unpublish: true,
      });
      expect(r).toMatchObject({ distTags: { beta: null }, unpublished: true, deprecated: false });
      const doc = (await reg.packument("@acme/gone"))!;
      expect(Object.keys(doc.versions)).toEqual(["1.0.0"]);
      expect(doc["dist-tags"]).toEqual({ latest: "1.0.0" });
    },
    NPM_TEST_MS,
  );

  it(
    "fails without a token with E_NPM_AUTH, and the token never shows in errors",
    async () => {
      const e = await caught(
        npmPublish({ ...ctx, token: null }, { folder: pkg("@acme/noauth", "1.0.0"), tag: "latest" }),
      );
      expect(e.code).toBe("E_NPM_AUTH");
      const bad = "bm9ib2R5Om5vdC1hLXJlYWwtdG9rZW4=";
      const e2 = await caught(
        npmPublish(
          { ...ctx, token: bad, redact: createRedactor([bad]) },
          { folder: pkg("@acme/noauth", "1.0.0"), tag: "latest" },
        ),
      );
      expect(["E_NPM_AUTH", "E_NPM"]).toContain(e2.code);
      for (const text of [e.message, JSON.stringify(e), e2.message, JSON.stringify(e2)]) {
        expect(text).not.toContain(token);
      }
      expect(await reg.packument("@acme/noauth")).toBeNull();
    },
    NPM_TEST_MS,
  );
});
