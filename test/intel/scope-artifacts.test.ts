import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createProcessRunner } from "../../src/adapters/process-runner.js";
import { createRedactor } from "../../src/core/redact.js";
import { assessScope, parseNumstat } from "../../src/intel/assess-scope.js";
import { readScope } from "../../src/intel/read-scope.js";
import { MANIFEST_FILE, runBuild } from "../../src/intel/run-build.js";
import { createIntelRepo, type IntelRepo } from "./intel-git.js";

const repos: IntelRepo[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const r of repos) r.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const vars = { version: "2.1.0", previous: "2.0.0", environment: "production" };
const run = createProcessRunner(createRedactor(["s3cr3t-value-123"]));

describe("scope against the previous release", () => {
  it("counts commits, files and lines by category and names the features touched", async () => {
    const repo = createIntelRepo();
    repos.push(repo);
    repo.commit("chore: base", { "src/app.ts": "a\n", "docs/02_features/auth/README.md": "# auth\n" });
    repo.git("tag", "v2.0.0");
    repo.commit("feat(auth): login", {
      "src/app.ts": "a\nb\nc\n",
      "docs/02_features/auth/07-readiness/validation-report.md": "**Validation Status**: COMPLETE\n",
    });
    repo.commit("ci: pipeline", {
      ".github/workflows/ci.yml": "on: push\n",
      "deploy/k8s.yaml": "kind: Deployment\nspec: {}\n",
    });
    repo.commit("feat(api): client", {
      "src/api/client.ts": "export {}\n",
      "assets/logo.png": Buffer.from([0, 1, 2, 3]).toString("binary"),
    });
    repo.commit("feat(billing): invoices", { "docs/01_application/business.md": "goals\n" });
    const s = await readScope(repo.dir, { from: "v2.0.0" }, 4, {
      features: [
        { name: "auth", path: "docs/02_features/auth" },
        { name: "billing", path: "docs/02_features/billing" },
        { name: "search", path: "docs/02_features/search" },
      ],
      commitScopes: ["auth", "api", "billing"],
      categories: { business: ["docs/01_application/**"] },
    });
    expect(s).toMatchObject({
      range: "v2.0.0..HEAD",
      commits: 4,
      files: 7,
      linesAdded: 8,
      linesDeleted: 0,
      binaryFiles: 1,
    });
    expect(s.byCategory.infrastructure).toMatchObject({
      files: 2,
      added: 3,
      paths: [".github/workflows/ci.yml", "deploy/k8s.yaml"],
    });
    expect(s.byCategory.integration).toMatchObject({ files: 1, added: 1, paths: ["src/api/client.ts"] });
    expect(s.byCategory.business).toMatchObject({ files: 1, added: 1 });
    expect(s.byCategory.feature.files).toBe(3);
    expect(s.features).toEqual(["auth", "billing"]);
    const sum = Object.values(s.byCategory).reduce((a, c) => a + c.percent, 0);
    expect(Math.round(sum)).toBe(100);
  });

  it("measures from the empty tree for a first release", async () => {
    const repo = createIntelRepo();
    repos.push(repo);
    repo.commit("feat: first", { "src/a.ts": "1\n2\n" });
    const s = await readScope(repo.dir, { from: null }, 1);
    expect(s).toMatchObject({ range: "HEAD", files: 1, linesAdded: 2 });
  });

  it("parses numstat records with tabs and newlines in names", () => {
    expect(parseNumstat("3\t1\tsrc/a b.ts\0-\t-\timg.png\0" + "1\t0\tweird\nname.txt\0")).toEqual([
      { path: "src/a b.ts", added: 3, deleted: 1, binary: false },
      { path: "img.png", added: 0, deleted: 0, binary: true },
      { path: "weird\nname.txt", added: 1, deleted: 0, binary: false },
    ]);
    expect(assessScope({ range: "x", commits: 0, files: [] }).byCategory.feature.percent).toBe(0);
  });
});

describe("artifacts (2.4)", () => {
  const project = (): string => {
    const d = mkdtempSync(join(tmpdir(), "brtops-intel-build-"));
    dirs.push(d);
    return d;
  };
  const node = (code: string): string[] => [process.execPath, "-e", code];

  it("runs the builds and records path, size and sha256 of each artifact in the manifest", async () => {
    const root = project();
    const releaseDir = join(root, "docs/01_application/6-releases/v2.1.0");
    const r = await runBuild({
      root,
      releaseDir,
      run,
      vars,
      at: "2025-08-27T10:00:00.000Z",
      builds: [
        {
          name: "bundle",
          run: node(
            "const fs=require('fs');fs.mkdirSync('dist/js',{recursive:true});fs.writeFileSync('dist/app-'+process.argv[1]+'.js','console.log(1)\\n');fs.writeFileSync('dist/js/a.js','a');fs.writeFileSync('dist/js/b.map','b')",
          ).concat("{version}"),
          artifacts: ["dist/app-{version}.js", "dist/js/*.js"],
        },
        {
          name: "docs",
          run: node(
            "require('fs').mkdirSync('site/p',{recursive:true});require('fs').writeFileSync('site/index.html','<h1>hi</h1>');require('fs').writeFileSync('site/p/x.html','x')",
          ),
          artifacts: ["site"],
        },
      ],
    });
    expect(r.ok).toBe(true);
    expect(r.artifacts.map((a) => [a.build, a.path, a.size])).toEqual([
      ["bundle", "dist/app-2.1.0.js", 15],
      ["bundle", "dist/js/a.js", 1],
      ["docs", "site/index.html", 11],
      ["docs", "site/p/x.html", 1],
    ]);
    expect(r.artifacts[0]!.sha256).toBe(createHash("sha256").update("console.log(1)\n").digest("hex"));
    expect(r.manifest).toBe(`docs/01_application/6-releases/v2.1.0/${MANIFEST_FILE}`);
    const manifest = JSON.parse(readFileSync(join(releaseDir, MANIFEST_FILE), "utf8"));
    expect(manifest).toEqual({ version: "2.1.0", createdAt: "2025-08-27T10:00:00.000Z", artifacts: r.artifacts });
  });

  it("fails the step on a missing artifact and writes no manifest", async () => {
    const root = project();
    const releaseDir = join(root, "rel");
    const r = await runBuild({
      root,
      releaseDir,
      run,
      vars,
      at: "t",
      builds: [{ name: "noop", run: node("0"), artifacts: ["dist/missing.tgz", "out/**/*.zip"] }],
    });
    expect(r.ok).toBe(false);
    expect(r.failure).toEqual({
      code: "E_ARTIFACT_MISSING",
      message: "Artifact(s) not found after the build: dist/missing.tgz (noop), out/**/*.zip (noop).",
    });
    expect(existsSync(join(releaseDir, MANIFEST_FILE))).toBe(false);
  });

  it("fails on a failing build, keeps its redacted output, and stops there", async () => {
    const root = project();
    const r = await runBuild({
      root,
      releaseDir: join(root, "rel"),
      run,
      vars,
      at: "t",
      builds: [
        {
          name: "compile",
          run: node("console.error('token s3cr3t-value-123 rejected'); process.exit(3)"),
          artifacts: [],
        },
        { name: "never", run: node("require('fs').writeFileSync('ran','1')"), artifacts: [] },
      ],
    });
    expect(r.ok).toBe(false);
    expect(r.failure?.code).toBe("E_BUILD_FAILED");
    expect(r.failure?.message).toMatch(/Build "compile" failed: exit 3/);
    expect(r.builds).toHaveLength(1);
    expect(r.builds[0]!.outputTail).toContain("token [REDACTED] rejected");
    expect(existsSync(join(root, "ran"))).toBe(false);
  });

  it("refuses artifacts and working folders outside the project", async () => {
    const root = project();
    const r = await runBuild({
      root,
      releaseDir: join(root, "rel"),
      run,
      vars,
      at: "t",
      builds: [{ name: "x", run: node("0"), artifacts: ["../../etc/passwd"] }],
    });
    expect(r.failure?.code).toBe("E_ARTIFACT_MISSING");
    await expect(
      runBuild({
        root,
        releaseDir: join(root, "rel"),
        run,
        vars,
        at: "t",
        builds: [{ name: "x", run: node("0"), cwd: "..", artifacts: [] }],
      }),
    ).rejects.toMatchObject({ code: "E_CONFIG_INVALID" });
    expect(execFileSync("git", ["--version"]).length).toBeGreaterThan(0);
  });
});
