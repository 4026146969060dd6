/**
 * The approved package, built once (issue 10, points 4 and 5), through the CLI on a real git
 * repository with a bare origin and the real local npm registry (verdaccio): uncommitted changes
 * are a critical finding at 2.10 and never reach the registry; the version is committed
 * ("chore(release): v1.1.0") before the package is fixed; the release tag is made at the release
 * commit on the first successful deployment and pushed; a stored artifact whose digest changed is
 * refused before anything is published; bad version files are clear findings or config errors.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";
import { startVerdaccio, type Verdaccio } from "../support/verdaccio.js";

const TIMEOUT = 240_000;
const git = (cwd: string, ...a: string[]): string => execFileSync("git", a, { cwd, encoding: "utf8" }).trim();
const events = (root: string): { type: string; data: any }[] =>
  readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => JSON.parse(l)); // a line is one event or a batch of them

let reg: Verdaccio;
let token: string;
beforeAll(async () => {
  reg = await startVerdaccio();
  token = await reg.addUser("ci", "ci-password-1");
}, 120_000);
afterAll(async () => {
  await reg?.stop();
});

/** A sample project whose `local` environment also publishes pkg/ to the local registry. */
function npmProject(name: string): { root: string; origin: string; cleanup: () => void } {
  const p = sampleProject({ envExtra: `    npm: {registry: "${reg.url}", package: pkg}\n` });
  mkdirSync(join(p.root, "pkg"), { recursive: true });
  writeFileSync(
    join(p.root, "pkg/package.json"),
    `${JSON.stringify({ name, version: "1.0.0", main: "index.js" }, null, 2)}\n`,
  );
  writeFileSync(join(p.root, "pkg/index.js"), "module.exports = 'committed';\n");
  git(p.root, "add", "pkg");
  git(p.root, "commit", "-q", "-m", "feat(pkg): the published package");
  git(p.root, "push", "-q", "origin", "main");
  return { ...p, origin: `${p.root}-origin.git` };
}

/** Unpacks a tarball's bytes into a temp folder; returns the folder. */
function unpack(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "brtops-tgz-"));
  writeFileSync(join(dir, "p.tgz"), bytes);
  execFileSync("tar", ["-xzf", "p.tgz"], { cwd: dir });
  return join(dir, "package");
}

describe("a dirty working tree, approved with a waiver", () => {
  let p: ReturnType<typeof npmProject>;
  const env = (): Record<string, string> => ({ NPM_TOKEN: token });
  beforeAll(() => {
    p = npmProject("@acme/dirty");
  });
  afterAll(() => p.cleanup());

  it(
    "is a critical finding at 2.10 that names the changed and the untracked files",
    () => {
      writeFileSync(join(p.root, "pkg/index.js"), "module.exports = 'UNCOMMITTED';\n");
      writeFileSync(join(p.root, "pkg/extra.js"), "module.exports = 'untracked';\n");
      const r = brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"], env());
      expect(r.code, r.stdout + r.stderr).toBe(3);
      const s = status(p.root);
      expect(s.step).toBe("2.10");
      const dirty = s.gate.findings.find((f: any) => f.code === "WORKING_TREE_DIRTY");
      expect(dirty).toMatchObject({ severity: "critical" });
      expect(dirty.message).toContain("pkg/index.js");
      expect(dirty.message).toContain("pkg/extra.js");
      expect(dirty.message).not.toContain(".brtops");
      // Critical: a plain approval is refused, a recorded waiver is accepted.
      const plain = brtops(p.root, HUM, ["approve", "--step", "2.10", "--json"]);
      expect(plain.code).not.toBe(0);
      expect(plain.json.error.code).toBe("E_FINDINGS_UNWAIVED");
      expect(
        brtops(p.root, HUM, ["approve", "--step", "2.10", "--waive", "the local edits are not part of this release"])
          .code,
      ).toBe(0);
    },
    TIMEOUT,
  );

  it(
    "publishes the committed content only: the registry's tarball has no uncommitted change",
    async () => {
      expect(brtops(p.root, AI, ["run"], env()).code).toBe(3);
      expect(status(p.root).step).toBe("5.10");
      expect(brtops(p.root, HUM, ["approve", "--step", "5.10"]).code).toBe(0);
      const run = brtops(p.root, AI, ["run", "--json"], env());
      expect(status(p.root).step, run.stdout + run.stderr).toBe("7.10");
      const doc = await reg.packument("@acme/dirty");
      const v = doc!.versions["1.1.0"] as unknown as { dist: { tarball: string; shasum: string } };
      const bytes = Buffer.from(
        await (await fetch(v.dist.tarball, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer(),
      );
      const dir = unpack(bytes);
      expect(readFileSync(join(dir, "index.js"), "utf8")).toBe("module.exports = 'committed';\n");
      expect(existsSync(join(dir, "extra.js"))).toBe(false);
      expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version).toBe("1.1.0");
      // What was published is the approved tarball: the manifest names it with the same digest.
      const manifest = JSON.parse(
        readFileSync(join(p.root, "docs/01_application/6-releases/v1.1.0/artifacts-manifest.json"), "utf8"),
      );
      const tgz = manifest.artifacts.find((a: any) => a.build === "npm pack");
      expect(createHashHex("sha256", bytes)).toBe(tgz.sha256);
      expect(createHashHex("sha1", bytes)).toBe(v.dist.shasum);
      // The working folder keeps its uncommitted change: brtops built elsewhere.
      expect(readFileSync(join(p.root, "pkg/index.js"), "utf8")).toContain("UNCOMMITTED");
    },
    TIMEOUT,
  );

  it(
    "bumps pkg/package.json in the release commit and tags that commit, pushed to the bare origin",
    () => {
      const fixed = events(p.root).find((e) => e.type === "PackageFixed")!.data;
      expect(git(p.root, "log", "-1", "--format=%s", fixed.commit)).toBe("chore(release): v1.1.0");
      expect(fixed.versionCommit).toBe(fixed.commit);
      expect(git(p.root, "show", "--name-only", "--format=", fixed.commit)).toBe("pkg/package.json");
      expect(JSON.parse(git(p.root, "show", `${fixed.commit}:pkg/package.json`)).version).toBe("1.1.0");
      expect(git(p.root, "cat-file", "-t", "v1.1.0")).toBe("tag");
      expect(git(p.root, "rev-parse", "v1.1.0^{commit}")).toBe(fixed.commit);
      expect(git(p.origin, "rev-parse", "v1.1.0^{commit}")).toBe(fixed.commit);
      expect(git(p.origin, "merge-base", "--is-ancestor", fixed.commit, "main")).toBe("");
    },
    TIMEOUT,
  );

  it(
    "rolling the uncertified version back removes the tag brtops made, locally and on the origin",
    () => {
      expect(git(p.root, "ls-remote", "--tags", p.origin, "v1.1.0")).toContain("refs/tags/v1.1.0");
      const r = brtops(p.root, HUM, ["rollback", "--note", "try 1.1.0 again"], env());
      if (status(p.root).state !== "rolled-back") brtops(p.root, AI, ["run"], env());
      expect(status(p.root).state, r.stdout + r.stderr).toBe("rolled-back");
      expect(git(p.root, "tag", "--list", "v1.1.0")).toBe("");
      expect(git(p.root, "ls-remote", "--tags", p.origin, "v1.1.0")).toBe("");
      expect(git(p.root, "tag", "--list", "v1.0.0")).toBe("v1.0.0");
    },
    TIMEOUT,
  );
});

function createHashHex(alg: string, bytes: Buffer): string {
  return createHash(alg).update(bytes).digest("hex");
}

describe("a stored artifact whose digest changed after approval", () => {
  it(
    "is refused with E_PACKAGE_CHANGED before anything is published",
    async () => {
      const p = npmProject("@acme/changed");
      try {
        const env = { NPM_TOKEN: token };
        expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"], env).code).toBe(3);
        expect(status(p.root).gate.findings.filter((f: any) => f.severity === "critical")).toEqual([]);
        expect(brtops(p.root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
        expect(brtops(p.root, AI, ["run"], env).code).toBe(3);
        expect(brtops(p.root, HUM, ["approve", "--step", "5.10"]).code).toBe(0);
        const dir = join(p.root, ".brtops/packages/1.1.0/artifacts/npm/pkg");
        const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
        appendFileSync(join(dir, tgz), "tampered");
        brtops(p.root, AI, ["run"], env);
        const failed = events(p.root).find((e) => e.type === "StepFailed" && e.data.step === "6.1");
        expect(failed?.data.error.code).toBe("E_PACKAGE_CHANGED");
        expect(failed?.data.error.message).toContain(tgz);
        expect(events(p.root).some((e) => e.type === "StepStarted" && String(e.data.step).startsWith("6.1:"))).toBe(
          false,
        );
        expect(await reg.packument("@acme/changed")).toBeNull();
        expect(readFileSync(join(p.root, "service/version"), "utf8").trim()).toBe("1.0.0");
      } finally {
        p.cleanup();
      }
    },
    TIMEOUT,
  );
});

describe("bad version files", () => {
  it(
    "an entry that does not exist, or has no version field, is a critical finding at 2.10",
    () => {
      const p = sampleProject({
        extra:
          "release:\n  versionFiles: [missing.json, {file: README.md, pattern: 'Version: (\\S+)'}, {file: app.json, path: meta.version}]\n",
      });
      try {
        writeFileSync(join(p.root, "app.json"), '{"name": "app"}\n');
        git(p.root, "add", "app.json");
        git(p.root, "commit", "-q", "-m", "chore: app.json");
        expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
        const f = status(p.root).gate.findings as { severity: string; code: string; message: string }[];
        expect(f.find((x) => x.code === "VERSION_FILE_MISSING")).toMatchObject({
          severity: "critical",
          message: expect.stringContaining("missing.json"),
        });
        const invalid = f.filter((x) => x.code === "VERSION_FILE_INVALID");
        expect(invalid.map((x) => x.message).join("\n")).toContain("README.md (pattern");
        expect(invalid.map((x) => x.message).join("\n")).toContain('no "meta.version" field');
        expect(git(p.root, "log", "-1", "--format=%s")).toBe("chore: app.json");
      } finally {
        p.cleanup();
      }
    },
    TIMEOUT,
  );

  it(
    "an entry with both a JSON path and a pattern, or a pattern without a group, is a config error",
    () => {
      for (const entry of ["{file: a.json, path: version, pattern: 'v(.*)'}", "{file: VERSION, pattern: 'v.*'}"]) {
        const p = sampleProject({ extra: `release:\n  versionFiles: [${entry}]\n` });
        try {
          const r = brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"]);
          expect(r.code, r.stdout).not.toBe(0);
          expect(r.code).not.toBe(3);
          expect(r.json.error.code).toBe("E_CONFIG_INVALID");
          expect(r.json.error.message).toContain("versionFiles");
        } finally {
          p.cleanup();
        }
      }
    },
    TIMEOUT,
  );
});
