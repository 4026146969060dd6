/**
 * The package as a user gets it: built and packed with `npm pack` (package.json's `files` decides
 * what ships), installed globally into a temporary prefix with `npm install -g --prefix`, then
 * `<prefix>/bin/brtops demo` runs a whole release to CERTIFIED and `brtops init` points its schema
 * line at the schema the package ships. The build goes to a folder of its own, so dist/ is untouched.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const npm = (cwd: string, args: string[]): string =>
  execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });

let base: string;
let tarball: string;
let packed: { path: string }[];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "brtops-pack-"));
  // The package's folder: its package.json and README, and a fresh build of dist/ and schema/.
  const pkg = join(base, "package");
  mkdirSync(pkg);
  for (const f of ["package.json", "README.md"]) copyFileSync(join(ROOT, f), join(pkg, f));
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], {
    cwd: ROOT,
    env: { ...process.env, BRTOPS_DIST: join(pkg, "dist") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = JSON.parse(npm(pkg, ["pack", "--json", "--pack-destination", base])) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(base, out[0]!.filename);
  packed = out[0]!.files;
}, 300_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("ships what a user needs and no benchmarks or source maps", () => {
    const paths = packed.map((f) => f.path);
    for (const needed of [
      "package.json",
      "README.md",
      "dist/cli.js",
      "dist/demo.js",
      "schema/brtops.config.schema.json",
    ])
      expect(paths).toContain(needed);
    expect(paths.some((p) => p.startsWith("dist/chunks/"))).toBe(true);
    expect(paths.filter((p) => p.endsWith(".map"))).toEqual([]);
    expect(paths.filter((p) => /bench/.test(p))).toEqual([]);
    expect(paths.filter((p) => /^(src|test|scripts)\//.test(p) || p.endsWith(".ts"))).toEqual([]);
    expect(existsSync(tarball)).toBe(true);
  });

  it("installed globally into a temporary prefix, `brtops demo` ends CERTIFIED and init points at the shipped schema", () => {
    const prefix = join(base, "prefix");
    // --prefer-offline: the npm cache `npm ci` filled serves the dependencies.
    npm(base, ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball]);
    const bin = join(prefix, "bin", "brtops");
    expect(existsSync(bin)).toBe(true);
    const installed = join(prefix, "lib", "node_modules", "brtops");
    expect(readdirSync(join(installed, "dist")).filter((f) => f.endsWith(".map"))).toEqual([]);

    const work = mkdtempSync(join(base, "work-"));
    const env = { ...process.env, BRTOPS_ACTOR: "", NO_COLOR: "1", PATH: `${join(prefix, "bin")}:${process.env.PATH}` };
    const demo = spawnSync(bin, ["demo"], { cwd: work, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
    expect(demo.status, `${demo.stdout.slice(-3000)}\n${demo.stderr.slice(-3000)}`).toBe(0);
    expect(demo.stdout).toContain("The HUM LEAD below is SCRIPTED");
    expect(demo.stdout).toContain("audit verify: chain intact");
    expect(demo.stdout.trimEnd().split("\n").at(-1)).toBe("Release v1.1.0: CERTIFIED");

    // init from the installed package: its schema line names the schema file the package ships.
    const repo = join(work, "repo");
    mkdirSync(repo);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: repo });
    const init = spawnSync(bin, ["init", "--hum-lead", "alice@example.com", "--dry-run", "--json"], {
      cwd: repo,
      encoding: "utf8",
      env,
    });
    expect(init.status, init.stderr).toBe(0);
    const ref = (JSON.parse(init.stdout) as { schema: string }).schema;
    expect(ref.startsWith("file:")).toBe(true);
    expect(fileURLToPath(ref)).toBe(join(installed, "schema", "brtops.config.schema.json"));
    expect(existsSync(fileURLToPath(ref))).toBe(true);
  }, 600_000);
});
