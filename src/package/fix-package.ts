/**
 * Step 2.4 on a git repository: fix the package. In order —
 *  1. write the release's version into the version files and commit them
 *     ("chore(release): v1.2.0"), a recorded effect;
 *  2. the release commit is HEAD then; anything git does not ignore that is not in it (modified,
 *     staged or untracked files, brtops's own `.brtops/` and release documents aside) is a
 *     critical finding naming the files — it is not part of the package;
 *  3. a version file of the release commit that still does not carry the version is a critical
 *     finding (not a surprise at 4.1 after two approvals);
 *  4. the build runs in a clean checkout of the release commit (a detached git worktree under
 *     `.brtops/packages/<version>/checkout`), never in the working folder; its artifacts, and the
 *     npm tarball of each npm target (`npm pack`), are copied to
 *     `.brtops/packages/<version>/artifacts/` and listed with their sha256 in
 *     artifacts-manifest.json;
 *  5. PackageFixed records the commit and the digests: every later step uses exactly these.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AnyDraft, Finding, PackageRef } from "../core/events.js";
import type { StepContext, StepOutcome } from "../engine/step-types.js";
import { resolveNpmToken } from "../adapters/npm/npm-cli.js";
import { npmPack } from "../adapters/npm/npm-publish.js";
import { deployTarget } from "../deploy/deploy-target.js";
import { hashFile } from "../intel/read-artifact-files.js";
import { repoPath } from "../intel/read-features.js";
import { MANIFEST_FILE, runBuild, writeManifest, type ArtifactRecord } from "../intel/run-build.js";
import { stepVars } from "../engine/steps/vars.js";
import {
  artifactsDir,
  checkoutDir,
  dirtyFiles,
  npmArtifactPrefix,
  ownPaths,
  prepareCheckout,
  repoPrefix,
} from "./package-store.js";
import { readVersionIn, versionFileSpecs, writeVersionIn, type VersionFileSpec } from "./version-files.js";
import { ociTargets, storeOciImages } from "./oci-package.js";

const MAX_NAMED = 20;

function named(files: readonly string[]): string {
  return `${files.slice(0, MAX_NAMED).join(", ")}${files.length > MAX_NAMED ? ` and ${files.length - MAX_NAMED} more` : ""}`;
}

/** The npm package folders (repository-relative) of the release's target and of every configured environment. */
function npmTargets(ctx: StepContext): { folder: string; registry: string; tokenEnv?: string | undefined }[] {
  const out = new Map<string, { folder: string; registry: string; tokenEnv?: string | undefined }>();
  const t = deployTarget(ctx);
  if (t.npm) out.set(t.npm.package, { folder: t.npm.package, registry: t.npm.registry, tokenEnv: t.npm.tokenEnv });
  for (const env of Object.values(ctx.config.environments))
    if (env.npm && !out.has(env.npm.package))
      out.set(env.npm.package, { folder: env.npm.package, registry: env.npm.registry, tokenEnv: env.npm.tokenEnv });
  return [...out.values()];
}

async function gitShow(ctx: StepContext, commit: string, file: string): Promise<string | null> {
  const r = await ctx.git.run(["show", `${commit}:./${file}`], { allowFail: true });
  return r.code === 0 ? r.stdout : null;
}

/** Step 1: the version written and committed; findings for files that cannot carry it. */
async function writeVersionFiles(
  ctx: StepContext,
  specs: readonly VersionFileSpec[],
  findings: Finding[],
  prefix: Promise<string>,
): Promise<{ commit: string | null; files: string[]; bad: Set<string> }> {
  const version = ctx.state.version;
  if (specs.length === 0) return { commit: null, files: [], bad: new Set() };
  const [head, dirtyList] = await Promise.all([
    ctx.git.head(),
    dirtyFiles(ctx.git, ownPaths(ctx.config.paths.releases), prefix),
  ]);
  const dirty = new Set(dirtyList);
  const bad = new Set<string>();
  const writes: { file: string; text: string }[] = [];
  for (const spec of specs) {
    const abs = join(ctx.root, spec.file);
    if (!existsSync(abs)) {
      bad.add(spec.file);
      findings.push({
        severity: "critical",
        code: "VERSION_FILE_MISSING",
        message: `release.versionFiles names ${spec.label}, which does not exist: fix the entry in brtops.config.yaml (or create the file), then reject to rebuild the package.`,
        source: "brtops.config.yaml",
      });
      continue;
    }
    const text = await readFile(abs, "utf8");
    const w = writeVersionIn(spec, text, version);
    if (!w.ok) {
      bad.add(spec.file);
      findings.push({
        severity: "critical",
        code: "VERSION_FILE_INVALID",
        message: `${spec.label} cannot carry the version: ${w.why}. Fix the file or its entry in release.versionFiles, then reject to rebuild the package.`,
        source: spec.file,
      });
      continue;
    }
    if (w.text === text && !dirty.has(spec.file)) continue; // already carries it, committed
    // Only the version may change: other uncommitted edits of the file are not brtops's to commit.
    const committed = await gitShow(ctx, head!, spec.file);
    const expected = committed === null ? null : writeVersionIn(spec, committed, version);
    if (dirty.has(spec.file) && !(expected?.ok && expected.text === w.text)) {
      bad.add(spec.file);
      findings.push({
        severity: "critical",
        code: "VERSION_FILE_DIRTY",
        message: `${spec.file} has uncommitted changes besides the version: brtops does not commit them. Commit or undo them, then reject to rebuild the package.`,
        source: spec.file,
      });
      continue;
    }
    if (expected?.ok && expected.text === committed) continue;
    writes.push({ file: spec.file, text: w.text });
  }
  if (writes.length === 0) return { commit: null, files: [], bad };
  const files = writes.map((w) => w.file);
  const message = ctx.config.release.versionCommitMessage.replace(/\{version\}/g, version);
  const r = await ctx.effect(
    "version",
    `write v${version} into ${files.join(", ")} and commit "${message}"`,
    { idempotent: true },
    async () => {
      for (const w of writes) await writeFile(join(ctx.root, w.file), w.text);
      await ctx.git.run(["commit", "-q", "-m", message, "--only", "--", ...files]);
      return { commit: (await ctx.git.head())!, files, message };
    },
  );
  return { commit: String(r["commit"]), files, bad };
}

/** Runs 2.4 for a git repository. */
export async function fixPackage(ctx: StepContext, knownHead?: string): Promise<StepOutcome> {
  const version = ctx.state.version;
  const findings: Finding[] = [];
  const npm = npmTargets(ctx);
  const specs = versionFileSpecs(
    ctx.config.release.versionFiles,
    ctx.root,
    npm.map((n) => n.folder),
  );
  // The project's folder inside its repository ("" at the top), asked once.
  const prefix = repoPrefix(ctx.git);
  const written = await writeVersionFiles(ctx, specs, findings, prefix);
  // Nothing committed here: the head the caller just read is the release commit.
  const [head, dirty] = await Promise.all([
    written.commit === null && knownHead ? knownHead : ctx.git.head(),
    dirtyFiles(ctx.git, ownPaths(ctx.config.paths.releases), prefix),
  ]);
  const commit = head!;
  const short = commit.slice(0, 12);

  if (dirty.length > 0) {
    findings.push({
      severity: "critical",
      code: "WORKING_TREE_DIRTY",
      message: `${dirty.length} file(s) are changed or untracked and not in the release commit ${short}: ${named(dirty)}. The package is built from the commit only, without them. Commit (or remove, or .gitignore) them and reject to rebuild, or approve with a waiver if they do not belong in this release.`,
      source: "git status",
    });
  }
  for (const spec of specs) {
    if (written.bad.has(spec.file)) continue;
    const text = await gitShow(ctx, commit, spec.file);
    const got = text === null ? null : readVersionIn(spec, text);
    if (!got?.ok || got.version !== version) {
      findings.push({
        severity: "critical",
        code: "VERSION_MISMATCH",
        message: `${spec.label} in the release commit ${short} says ${got?.ok ? got.version : "nothing"}, not ${version}: the package would carry the wrong version. Commit the version, then reject to rebuild the package.`,
        source: spec.file,
      });
    }
  }

  const checkout = checkoutDir(ctx.root, version);
  const store = artifactsDir(ctx.root, version);
  // Nothing to build or pack: the package is the commit alone, and a checkout would cost a worktree for nothing.
  const building = ctx.config.build.length > 0 || npm.length > 0 || ociTargets(ctx).length > 0;
  if (building) await prepareCheckout(ctx.git, checkout, commit);
  // The project's folder inside the checkout (a project in a sub-folder of its repository).
  const buildRoot = join(checkout, await prefix);
  // A first pass has nothing to clear (the check spares a recursive removal's walk).
  if (existsSync(store)) await rm(store, { recursive: true, force: true });
  await mkdir(store, { recursive: true });

  const vars = { ...stepVars(ctx), commit, package: store };
  const built = !building
    ? ({ ok: true, builds: [], missing: [], artifacts: [], manifest: null } as Awaited<ReturnType<typeof runBuild>>)
    : await runBuild({
        root: buildRoot,
        releaseDir: ctx.releaseDir,
        builds: ctx.config.build,
        run: ctx.run,
        vars,
        at: ctx.now(),
        signal: ctx.signal,
        writeManifest: false,
      });
  const base = {
    commit,
    versionCommit: written.commit,
    versionFiles: specs.map((s) => s.label),
    checkout: building ? repoPath(ctx.root, checkout) : null,
    builds: built.builds,
    missing: built.missing,
    findings,
  };
  if (!built.ok) {
    const failure = built.failure ?? { code: "E_BUILD_FAILED", message: "the build did not produce its artifacts" };
    return {
      result: {
        summary: `${failure.message} (built from ${short} in ${base.checkout})`,
        ok: false,
        ...base,
        artifacts: [],
        manifest: null,
      },
      failure,
    };
  }

  const records: (ArtifactRecord & { source: string; npm?: { name: string; version: string; shasum: string } })[] = [];
  for (const a of built.artifacts) {
    const dest = join(store, a.path);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(join(buildRoot, a.path), dest);
    const h = await hashFile(dest);
    records.push({ ...a, path: repoPath(ctx.root, dest), source: a.path, size: h.size, sha256: h.sha256 });
  }
  for (const n of npm) {
    const folder = join(buildRoot, n.folder);
    if (!existsSync(join(folder, "package.json"))) {
      findings.push({
        severity: "critical",
        code: "NPM_PACKAGE_MISSING",
        message: `The npm target publishes ${n.folder}, but the release commit ${short} has no ${join(n.folder, "package.json")}: commit it, then reject to rebuild.`,
        source: n.folder,
      });
      continue;
    }
    const dest = join(store, npmArtifactPrefix(n.folder));
    await mkdir(dest, { recursive: true });
    const p = await npmPack(
      {
        registry: n.registry,
        token: resolveNpmToken(ctx.env, n.tokenEnv),
        cwd: folder,
        redact: ctx.redact,
        env: ctx.env,
      },
      folder,
      dest,
    );
    const file = join(dest, p.filename);
    const h = await hashFile(file);
    if (p.version !== version) {
      findings.push({
        severity: "critical",
        code: "VERSION_MISMATCH",
        message: `${join(n.folder, "package.json")} in the release commit ${short} says ${p.version}, not ${version}: npm would publish ${p.name}@${p.version}. Add it to release.versionFiles (or commit the version), then reject to rebuild.`,
        source: join(n.folder, "package.json"),
      });
    }
    records.push({
      build: "npm pack",
      pattern: n.folder,
      path: repoPath(ctx.root, file),
      source: n.folder,
      size: h.size,
      sha256: h.sha256,
      npm: { name: p.name, version: p.version, shasum: p.shasum },
    });
  }

  const oci = building ? await storeOciImages(ctx, buildRoot, findings) : { records: [], images: [] };
  records.push(...oci.records);

  // Nothing built or packed: no manifest (and none left from an earlier pass).
  const manifestFile =
    records.length > 0
      ? await writeManifest(ctx.releaseDir, { version, createdAt: ctx.now(), commit, artifacts: records })
      : null;
  if (!manifestFile && existsSync(join(ctx.releaseDir, MANIFEST_FILE)))
    await rm(join(ctx.releaseDir, MANIFEST_FILE), { force: true });
  const storeRel = repoPath(ctx.root, store);
  const pkg: PackageRef = {
    commit,
    artifacts: records.map((r) => ({ name: r.path.slice(storeRel.length + 1), sha256: r.sha256, size: r.size })),
    versionCommit:
      written.commit ??
      (ctx.state.package?.versionCommit && ctx.state.package.commit === commit
        ? ctx.state.package.versionCommit
        : null),
    ...(oci.images.length ? { images: oci.images } : {}),
  };
  const events: AnyDraft[] = [{ type: "PackageFixed", at: ctx.now(), actor: ctx.actor, data: pkg }];
  return {
    result: {
      summary: `package of ${short}${written.commit ? ` (version commit ${written.commit.slice(0, 12)} for ${written.files.join(", ")})` : ""}: ${records.length} artifact(s) built in a clean checkout, stored in ${storeRel}${findings.length ? `; ${findings.length} finding(s)` : ""}`,
      ok: true,
      ...base,
      versionCommit: pkg.versionCommit ?? null,
      store: storeRel,
      artifacts: records.slice(0, 1000),
      artifactsOmitted: Math.max(0, records.length - 1000),
      manifest: manifestFile ? repoPath(ctx.root, manifestFile) : null,
      ...(oci.images.length ? { images: oci.images } : {}),
    },
    findings,
    events,
  };
}
