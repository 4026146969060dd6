/**
 * npm channels (issue 16 point 3), end to end through the built CLI against a real verdaccio:
 * "RELEASE v3.0.0-beta.1 to NPM" publishes under `beta` and leaves `latest` alone; promoting the
 * certified beta to an environment whose `npm.tag` is `latest` gives the same tarball (no
 * republish) the `latest` tag, recorded as a promotion in the ledger; a HUM LEAD's rollback moves
 * `latest` back (the ledger's previous version first) without deprecating the beta or touching
 * its channel.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { npmPublish, npmSetDistTag } from "../../src/adapters/npm/npm-publish.js";
import { createRedactor } from "../../src/core/redact.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";
import { startVerdaccio, type Verdaccio } from "../support/verdaccio.js";

const PKG = "@acme/widget";
let reg: Verdaccio;
let token: string;
let cleanup: (() => void) | undefined;

beforeAll(async () => {
  reg = await startVerdaccio();
  token = await reg.addUser("publisher", "s3cret-pass");
}, 120_000);
afterAll(async () => {
  await reg?.stop();
});
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

const env = (): Record<string, string> => ({ NPM_TOKEN: token });

/** The sample project as a package, 2.4.0 tagged and on the registry (`latest`), with `npm` and `npm-latest` environments. */
async function project(): Promise<string> {
  const p = sampleProject({
    envExtra: [
      "  npm:",
      `    npm: {registry: "${reg.url}"}`,
      "  npm-latest:",
      '    aliases: ["NPM latest"]',
      `    npm: {registry: "${reg.url}", tag: latest}`,
      "",
    ].join("\n"),
  });
  cleanup = p.cleanup;
  const root = p.root;
  const git = (...a: string[]): string => execFileSync("git", a, { cwd: root, encoding: "utf8" }).trim();
  writeFileSync(
    join(root, "package.json"),
    `${JSON.stringify({ name: PKG, version: "2.4.0", files: ["src"] }, null, 2)}\n`,
  );
  git("add", "package.json");
  git("commit", "-q", "-m", "chore: the service is an npm package");
  git("tag", "-a", "v2.4.0", "-m", "v2.4.0");
  git("push", "-q", "origin", "main", "--tags");
  // 2.4.0 was published before brtops: latest.
  const dir = mkdtempSync(join(tmpdir(), "brtops-npm-240-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: PKG, version: "2.4.0" }));
    writeFileSync(join(dir, "index.js"), "module.exports = 240;\n");
    await npmPublish(
      { registry: reg.url, token, cwd: dir, redact: createRedactor([token]) },
      { folder: dir, tag: "latest" },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return root;
}

/** Passes each gate of the release on `environment` (waiving critical findings) until it is certified. */
function certify(root: string, environment: string): any {
  const sel = ["--env", environment];
  for (let i = 0; i < 8; i++) {
    const s = brtops(root, AI, ["status", "--json", ...sel], env()).json;
    if (s.state === "certified") break;
    expect(s.gate, JSON.stringify(s).slice(0, 3000)).not.toBeNull();
    const critical = s.gate.findings.some((f: any) => f.severity === "critical");
    const a = brtops(
      root,
      HUM,
      ["approve", "--step", s.gate.step, ...(critical ? ["--waive", "accepted in this test"] : []), ...sel],
      env(),
    );
    expect(a.code, a.stderr).toBe(0);
    brtops(root, AI, ["run", ...sel], env());
  }
  const s = brtops(root, AI, ["status", "--json", ...sel], env()).json;
  expect(s.state, JSON.stringify(s).slice(0, 3000)).toBe("certified");
  return s;
}

function events(root: string, release: string): any[] {
  return execFileSync("cat", [join(root, ".brtops/releases", release, "events.jsonl")], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => {
      const e = JSON.parse(l);
      return Array.isArray(e) ? e : [e];
    });
}
const published = (root: string, release: string): any =>
  events(root, release).find((e) => e.type === "StepSucceeded" && e.data.step === "6.1:npm-publish")?.data.result;
const ledger = (root: string, name: string): any =>
  brtops(root, AI, ["environments", "--json"], env()).json.environments.find((e: any) => e.name === name);

describe("npm channels and the promotion of a prerelease to latest", () => {
  it("a beta publishes under beta, is promoted to latest as the same tarball, and its rollback moves latest back", async () => {
    const root = await project();
    expect(brtops(root, AI, ["release", "3.0.0-beta.1", "--to", "NPM"], env()).code).toBe(3);
    certify(root, "npm");
    let doc = (await reg.packument(PKG))!;
    expect(doc["dist-tags"]).toEqual({ latest: "2.4.0", beta: "3.0.0-beta.1" });
    expect(published(root, "3.0.0-beta.1")).toMatchObject({ tag: "beta", action: "published", before: null });
    const shasum = doc.versions["3.0.0-beta.1"]!.dist.shasum;

    // The promotion: the same package, the same tarball, `latest` moved; in the ledger.
    const r = brtops(root, AI, ["RELEASE v3.0.0-beta.1 to NPM latest", "--json"], env());
    expect(r.code, r.stderr).toBe(3);
    expect(r.json).toMatchObject({ release: "3.0.0-beta.1@npm-latest", promotion: { from: "3.0.0-beta.1" } });
    certify(root, "npm-latest");
    doc = (await reg.packument(PKG))!;
    expect(doc["dist-tags"]).toEqual({ latest: "3.0.0-beta.1", beta: "3.0.0-beta.1" });
    expect(Object.keys(doc.versions).sort()).toEqual(["2.4.0", "3.0.0-beta.1"]);
    expect(doc.versions["3.0.0-beta.1"]!.dist.shasum).toBe(shasum);
    expect(published(root, "3.0.0-beta.1@npm-latest")).toMatchObject({
      tag: "latest",
      action: "adopted",
      before: "2.4.0",
      promotion: true,
      shasum,
    });
    expect(ledger(root, "npm-latest")).toMatchObject({ version: "3.0.0-beta.1", release: "3.0.0-beta.1@npm-latest" });
    expect(ledger(root, "npm-latest").history.map((h: any) => [h.kind, h.version, h.from ?? null])).toEqual([
      ["promoted", "3.0.0-beta.1", "3.0.0-beta.1"],
      ["certified", "3.0.0-beta.1", null],
    ]);
    const table = brtops(root, AI, ["environments"], env());
    expect(table.stdout).toMatch(/npm-latest.*3\.0\.0-beta\.1/);

    // Rolling back the promotion: a HUM LEAD's decision; latest goes back, the beta stays as it was.
    expect(brtops(root, AI, ["rollback", "--env", "npm-latest"], env()).code).toBe(4);
    const rb = brtops(root, HUM, ["rollback", "--env", "npm-latest", "--note", "not ready for latest"], env());
    expect(rb.code, rb.stderr).toBe(0);
    doc = (await reg.packument(PKG))!;
    expect(doc["dist-tags"]).toEqual({ latest: "2.4.0", beta: "3.0.0-beta.1" });
    expect(doc.versions["3.0.0-beta.1"]!.deprecated).toBeUndefined();
    expect(ledger(root, "npm-latest")).toMatchObject({ version: "2.4.0" });
    expect(ledger(root, "npm-latest").history.at(-1)).toMatchObject({
      kind: "rolled-back",
      version: "3.0.0-beta.1",
      to: "2.4.0",
    });
    expect(ledger(root, "npm")).toMatchObject({ version: "3.0.0-beta.1", state: "certified" });
    expect(JSON.stringify(events(root, "3.0.0-beta.1@npm-latest"))).not.toContain(token);
  }, 600_000);

  it("a promotion's rollback takes latest back to what the ledger says ran there before, not to what the tag held", async () => {
    const root = await project();
    for (const v of ["3.0.0-beta.1", "3.0.0-beta.2"]) {
      expect(brtops(root, AI, ["release", v, "--to", "npm"], env()).code).toBe(3);
      certify(root, "npm");
      expect(brtops(root, AI, ["release", v, "--to", "npm-latest"], env()).code).toBe(3);
      if (v === "3.0.0-beta.2") {
        // Someone moved latest by hand in between: the tag held 2.4.0, the ledger says beta.1 ran there.
        await npmSetDistTag(
          { registry: reg.url, token, cwd: root, redact: createRedactor([token]) },
          PKG,
          "2.4.0",
          "latest",
        );
      }
      certify(root, "npm-latest");
    }
    expect(published(root, "3.0.0-beta.2@npm-latest")).toMatchObject({ tag: "latest", before: "2.4.0" });
    expect((await reg.packument(PKG))!["dist-tags"]["latest"]).toBe("3.0.0-beta.2");
    expect(brtops(root, HUM, ["rollback", "--env", "npm-latest"], env()).code).toBe(0);
    expect((await reg.packument(PKG))!["dist-tags"]).toEqual({ latest: "3.0.0-beta.1", beta: "3.0.0-beta.2" });
    const rolled = events(root, "3.0.0-beta.2@npm-latest").find(
      (e) => e.type === "StepSucceeded" && e.data.step === "6.7:npm",
    );
    expect(rolled.data.result).toMatchObject({ restored: { version: "3.0.0-beta.1", source: "ledger" } });
  }, 600_000);
});
