/**
 * `brtops init` knows the project: it refuses a folder that is no git repository, reads the
 * origin (GitHub → a `github` environment), package.json (→ an `npm` environment and the version
 * file), the tags (→ the next version), scripts/ (→ staging), keeps .brtops/ out of git, and
 * writes a config that starts with the schema line. Real git repositories, the built CLI.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { brtops, HUM, AI } from "../support/cli.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), "brtops-init-"));
  dirs.push(d);
  return d;
}

const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

interface RepoOptions {
  origin?: string;
  pkg?: Record<string, unknown>;
  tags?: string[];
  scripts?: string[];
  gitignore?: string;
}

/** A git repository with a first commit, and what the options name. */
function repo(o: RepoOptions = {}): string {
  const root = join(folder(), "project");
  mkdirSync(root, { recursive: true });
  git(root, "init", "-q", "-b", "main");
  for (const [k, v] of [
    ["user.name", "Init Test"],
    ["user.email", "dev@example.com"],
    ["commit.gpgSign", "false"],
    ["tag.gpgSign", "false"],
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
  ])
    git(root, "config", k!, v!);
  if (o.origin) git(root, "remote", "add", "origin", o.origin);
  writeFileSync(join(root, "README.md"), "# widget\n");
  if (o.pkg) writeFileSync(join(root, "package.json"), JSON.stringify(o.pkg, null, 2));
  for (const s of o.scripts ?? []) {
    mkdirSync(join(root, "scripts"), { recursive: true });
    writeFileSync(join(root, "scripts", s), "#!/bin/sh\n", { mode: 0o755 });
  }
  if (o.gitignore !== undefined) writeFileSync(join(root, ".gitignore"), o.gitignore);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "chore: start");
  for (const t of o.tags ?? []) git(root, "tag", "-a", t, "-m", t);
  return root;
}

const init = (root: string, ...extra: string[]) =>
  brtops(root, HUM, ["init", "--hum-lead", HUM, "--ai-lead", AI, "--json", ...extra]);
const configText = (root: string): string => readFileSync(join(root, "brtops.config.yaml"), "utf8");
const ignoreLines = (root: string): string[] =>
  readFileSync(join(root, ".gitignore"), "utf8")
    .split("\n")
    .filter((l) => l.trim() === ".brtops/");

describe("brtops init", () => {
  it("refuses a folder that is no git repository: exit 2, a clear message, nothing written", () => {
    const dir = folder();
    const r = init(dir);
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe("E_NOT_A_REPOSITORY");
    expect(r.json.error.message).toContain("is not a git repository");
    expect(r.json.error.hint).toContain("git init");
    expect(readdirSync(dir)).toEqual([]);
    const text = brtops(dir, HUM, ["init", "--hum-lead", HUM]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain("is not a git repository");
  });

  it("with a GitHub origin and package.json: github and npm environments, the version file, the schema line, .gitignore", () => {
    const root = repo({
      origin: "https://github.com/acme/widget.git",
      pkg: { name: "widget", version: "1.0.0" },
      tags: ["v1.0.0"],
      scripts: ["deploy.sh", "health.sh"],
    });
    const r = init(root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.environments).toEqual(["staging", "github", "npm"]);
    const text = configText(root);
    // The first line is the one editors read; it points at the schema the running brtops ships.
    const first = text.split("\n")[0]!;
    expect(first).toMatch(/^# yaml-language-server: \$schema=\S+$/);
    const ref = first.replace("# yaml-language-server: $schema=", "");
    expect(ref).toBe(r.json.schema);
    const schemaFile = ref.startsWith("file:") ? fileURLToPath(ref) : join(root, ref);
    expect(existsSync(schemaFile), schemaFile).toBe(true);
    expect(schemaFile.endsWith(join("schema", "brtops.config.schema.json"))).toBe(true);
    // What brtops itself reads from it.
    const config = parseConfig(text, "brtops.config.yaml");
    expect(config.leads.hum).toEqual([HUM]);
    expect(config.leads.ai).toEqual([AI]);
    expect(config.project.name).toBe("widget");
    expect(config.environments["github"]?.github?.repository).toBe("acme/widget");
    expect(config.environments["github"]?.github?.baseUrl).toBeUndefined();
    expect(config.environments["npm"]?.npm?.package).toBe(".");
    expect(config.environments["staging"]?.deploy[0]?.run).toEqual(["./scripts/deploy.sh", "{version}"]);
    expect(config.environments["staging"]?.health[0]?.run).toEqual(["./scripts/health.sh"]);
    expect(config.release.versionFiles).toEqual(["package.json"]);
    // .brtops/ (users, tokens, the server secret) is kept out of git: the file is created.
    expect(ignoreLines(root)).toEqual([".brtops/"]);
    expect(git(root, "check-ignore", ".brtops/users.json").trim()).toBe(".brtops/users.json");
    for (const f of ["docs/01_application/6-releases", "docs/02_features", ".brtops"])
      expect(existsSync(join(root, f))).toBe(true);
    // Written again with --force: still one entry.
    expect(init(root, "--force").code).toBe(0);
    expect(ignoreLines(root)).toEqual([".brtops/"]);
    // Without --force an existing config is kept.
    const again = init(root);
    expect(again.code).toBe(2);
    expect(again.json.error.code).toBe("E_CONFIG_INVALID");
  });

  it("appends .brtops/ once to an existing .gitignore, on its own line", () => {
    const root = repo({ origin: "git@github.com:acme/widget.git", gitignore: "node_modules/\ndist" });
    expect(init(root).code).toBe(0);
    const lines = readFileSync(join(root, ".gitignore"), "utf8").split("\n");
    expect(lines.slice(0, 2)).toEqual(["node_modules/", "dist"]);
    expect(ignoreLines(root)).toEqual([".brtops/"]);
    // A .gitignore that already has it is left alone.
    const kept = repo({ gitignore: "/.brtops\n" });
    expect(init(kept).json.gitignore).toBe("already ignores .brtops/");
    expect(readFileSync(join(kept, ".gitignore"), "utf8")).toBe("/.brtops\n");
  });

  it("reads other origins and package.json kinds", () => {
    // GitHub Enterprise by ssh: the API base follows the host.
    const ghe = repo({ origin: "ssh://git@github.acme.corp/team/app.git", pkg: { name: "app", private: true } });
    const r = init(ghe);
    expect(r.code, r.stderr).toBe(0);
    const config = parseConfig(configText(ghe), "brtops.config.yaml");
    expect(config.environments["github"]?.github).toMatchObject({
      repository: "team/app",
      baseUrl: "https://github.acme.corp/api/v3",
    });
    // A private package is not published, but its version is still bumped.
    expect(config.environments["npm"]).toBeUndefined();
    expect(config.release.versionFiles).toEqual(["package.json"]);
    // No scripts/deploy*: staging is shown as a commented example, not configured.
    expect(config.environments["staging"]).toBeUndefined();
    expect(configText(ghe)).toContain("# No scripts/deploy* found");

    // A local bare origin and no package.json: no github, no npm, no version file, an empty map.
    const plain = repo({ origin: join(folder(), "origin.git") });
    expect(init(plain).code).toBe(0);
    const c2 = parseConfig(configText(plain), "brtops.config.yaml");
    expect(c2.environments).toEqual({});
    expect(c2.release.versionFiles).toBeUndefined();
  });

  it("suggests the next version from the tags", () => {
    const cases: [RepoOptions, { version: string; type: string | null }, string][] = [
      [{ tags: ["v1.0.0"] }, { version: "1.1.0", type: "minor" }, '"RELEASE minor to'],
      [{ tags: ["v0.9.0", "v1.2.3", "v1.10.0-rc.1"] }, { version: "1.10.0", type: "minor" }, "RELEASE v1.10.0"],
      [{ tags: ["v1.1.004"] }, { version: "1.2.000", type: "minor" }, "RELEASE v1.2.000"],
      [{ pkg: { name: "w", version: "0.3.0" } }, { version: "0.3.0", type: null }, "RELEASE v0.3.0"],
      [{}, { version: "1.0.0", type: null }, "RELEASE v1.0.0"],
    ];
    for (const [o, want, said] of cases) {
      const root = repo({ ...o, scripts: ["deploy.sh"] });
      const r = init(root);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.suggestion).toMatchObject(want);
      expect(r.json.next).toContain(said);
    }
    // The text output names the phrase too.
    const root = repo({ tags: ["v1.0.0"], scripts: ["deploy.sh"] });
    const t = brtops(root, HUM, ["init", "--hum-lead", HUM]);
    expect(t.stdout).toContain('Next: brtops "RELEASE v1.1.0 to Staging" (or `brtops "RELEASE minor to Staging"`)');
    // Which the grammar reads as the release it suggests.
    const parsed = brtops(root, HUM, ["parse", "RELEASE minor to Staging", "--json"]).json;
    expect(parsed).toMatchObject({ command: "release", versionType: "minor", environment: "staging" });
  });

  it("--dry-run prints what it would write and writes nothing", () => {
    const root = repo({ origin: "https://github.com/acme/widget", pkg: { name: "widget", version: "1.0.0" } });
    const before = git(root, "status", "--porcelain", "--ignored");
    const r = init(root, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.json.dryRun).toBe(true);
    expect(r.json.config.split("\n")[0]).toMatch(/^# yaml-language-server: \$schema=/);
    expect(r.json.config).toContain("repository: acme/widget");
    const text = brtops(root, HUM, ["init", "--hum-lead", HUM, "--dry-run"]);
    expect(text.stdout).toContain("Dry run: would write");
    expect(text.stdout).toContain("# yaml-language-server: $schema=");
    expect(text.stdout).toContain("Nothing was written.");
    expect(existsSync(join(root, "brtops.config.yaml"))).toBe(false);
    expect(existsSync(join(root, ".gitignore"))).toBe(false);
    expect(existsSync(join(root, ".brtops"))).toBe(false);
    expect(git(root, "status", "--porcelain", "--ignored")).toBe(before);
  });

  it("without a terminal takes the HUM LEAD from flags: none named is exit 2, nothing written", () => {
    const root = repo();
    const r = brtops(root, HUM, ["init", "--json"]);
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe("E_USAGE");
    expect(r.json.error.hint).toContain("--hum-lead dev@example.com");
    expect(existsSync(join(root, "brtops.config.yaml"))).toBe(false);
    expect(existsSync(join(root, ".gitignore"))).toBe(false);
  });

  it("reading commands work before init, with the default paths", () => {
    const root = repo();
    const doc = join(root, "docs/02_features/login/07-readiness");
    mkdirSync(doc, { recursive: true });
    writeFileSync(
      join(doc, "validation-report.md"),
      "# Validation Report: login\n\n**SEV Level**: SEV-3\n**Validation Status**: COMPLETE\n**Status**: CERTIFIED\n",
    );
    const before = git(root, "status", "--porcelain", "--ignored");
    const features = brtops(root, HUM, ["features", "--json"]);
    expect(features.code, features.stderr).toBe(0);
    expect(features.json.features.map((f: { name: string }) => f.name)).toEqual(["login"]);
    const list = brtops(root, HUM, ["list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("No releases yet");
    const parse = brtops(root, HUM, ["parse", "RELEASE v2.1.0 to Staging", "--json"]);
    expect(parse.code).toBe(0);
    expect(parse.json).toMatchObject({ command: "release", version: "2.1.0", environment: "staging" });
    // Looking wrote nothing.
    expect(git(root, "status", "--porcelain", "--ignored")).toBe(before);
  });
});
