/**
 * Where the approved package lives and how it is checked: `.brtops/packages/<version>/checkout`
 * (a detached `git worktree` of the release commit, where the package is built) and
 * `.brtops/packages/<version>/artifacts/` (the stored artifacts, the npm tarball under `npm/`).
 * Every later step uses these files and refuses them when a digest changed. I/O.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Git } from "../adapters/git.js";
import { worktreePrefix } from "../adapters/git-ref-stamp.js";
import type { Finding, PackageRef } from "../core/events.js";
import { hashFile } from "../intel/read-artifact-files.js";

/** The folder of a version's package. Example: `packageDir("/p", "1.2.0")` → `/p/.brtops/packages/1.2.0`. */
export function packageDir(root: string, version: string): string {
  return join(root, ".brtops", "packages", version.replace(/[^A-Za-z0-9._+-]/g, "_"));
}
export const checkoutDir = (root: string, version: string): string => join(packageDir(root, version), "checkout");
export const artifactsDir = (root: string, version: string): string => join(packageDir(root, version), "artifacts");

/** Paths brtops writes itself, never part of the release commit: `.brtops/` and the release documents. */
export function ownPaths(releasesPath: string): string[] {
  return [".brtops/", `${releasesPath.replace(/^\.\//, "").replace(/\/+$/, "")}/`];
}

/**
 * Files git does not ignore that differ from HEAD: modified, staged, deleted, untracked. Paths
 * under `exclude` (prefixes) are left out. Example: `await dirtyFiles(git, [".brtops/"])` → `["src/x.js"]`.
 */
export async function dirtyFiles(
  git: Git,
  exclude: readonly string[],
  knownPrefix?: Promise<string>,
): Promise<string[]> {
  // The prefix and the status are asked together (two git processes at once, not one after the other).
  const [prefix, r] = await Promise.all([
    knownPrefix ?? repoPrefix(git),
    git.run(["status", "--porcelain", "-z", "--untracked-files=all", "--", "."]),
  ]);
  const parts = r.stdout.split("\0");
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const e = parts[i]!;
    if (e.length < 4) continue;
    const code = e.slice(0, 2);
    out.push(e.slice(3));
    // A rename or copy is followed by its source path.
    if (code[0] === "R" || code[0] === "C") out.push(parts[++i] ?? "");
  }
  return [
    ...new Set(
      out
        .filter((p) => p.startsWith(prefix))
        .map((p) => p.slice(prefix.length))
        .filter((p) => p && !exclude.some((x) => p === x.replace(/\/$/, "") || p.startsWith(x))),
    ),
  ].sort();
}

/** The project folder inside its repository ("" at the top, "apps/web/" in a monorepo): from the folders where they tell, else from git. */
export async function repoPrefix(git: Git): Promise<string> {
  return worktreePrefix(git.cwd) ?? (await git.run(["rev-parse", "--show-prefix"], { allowFail: true })).stdout.trim();
}

/** True when `commit` names a commit of the repository. */
export async function commitExists(git: Git, commit: string): Promise<boolean> {
  return (await git.run(["cat-file", "-e", `${commit}^{commit}`], { allowFail: true })).code === 0;
}

/**
 * A clean checkout of `commit` at `dir` (a detached worktree). An earlier one there is removed
 * first, so nothing built before can leak into this package.
 */
export async function prepareCheckout(git: Git, dir: string, commit: string): Promise<void> {
  if (existsSync(dir)) await git.run(["worktree", "remove", "--force", dir], { allowFail: true });
  await rm(dir, { recursive: true, force: true });
  await git.run(["worktree", "prune"], { allowFail: true });
  await git.run(["worktree", "add", "--detach", "--force", dir, commit]);
}

/** Removes the checkout (the stored artifacts stay). */
export async function removeCheckout(git: Git, dir: string): Promise<void> {
  if (existsSync(dir)) await git.run(["worktree", "remove", "--force", dir], { allowFail: true });
  await rm(dir, { recursive: true, force: true });
  await git.run(["worktree", "prune"], { allowFail: true });
}

export function sha1File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha1");
    createReadStream(path)
      .on("data", (c) => h.update(c))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

/** What is wrong with the stored artifacts of a package: one entry per missing or changed file. */
export async function artifactChanges(
  root: string,
  version: string,
  pkg: PackageRef,
): Promise<{ name: string; problem: "missing" | "changed"; expected: string; actual?: string }[]> {
  const dir = artifactsDir(root, version);
  const out: { name: string; problem: "missing" | "changed"; expected: string; actual?: string }[] = [];
  for (const a of pkg.artifacts) {
    const file = join(dir, a.name);
    if (!existsSync(file)) {
      out.push({ name: a.name, problem: "missing", expected: a.sha256 });
      continue;
    }
    const { sha256 } = await hashFile(file);
    if (sha256 !== a.sha256) out.push({ name: a.name, problem: "changed", expected: a.sha256, actual: sha256 });
  }
  return out;
}

/**
 * Checks an approved package before it is used again (a promotion to another environment runs
 * this instead of rebuilding): the release commit must exist and every stored artifact must still
 * have its digest. Returns critical findings; none when the package is intact.
 */
export async function verifyApprovedPackage(
  ctx: { root: string; git: Git; state: { version: string } },
  pkg: PackageRef,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (!(await commitExists(ctx.git, pkg.commit))) {
    findings.push({
      severity: "critical",
      code: "PACKAGE_COMMIT_MISSING",
      message: `The release commit ${pkg.commit.slice(0, 12)} of the approved package is not in this repository: fetch it (git fetch --all) before deploying the package again.`,
      source: "2.4",
    });
  }
  for (const c of await artifactChanges(ctx.root, ctx.state.version, pkg)) {
    const where = `${packageDir(".", ctx.state.version).slice(2)}/artifacts/${c.name}`;
    findings.push(
      c.problem === "missing"
        ? {
            severity: "critical",
            code: "PACKAGE_ARTIFACT_MISSING",
            message: `${where} of the approved package is gone: it cannot be deployed as approved. Build and approve the package again (a new release).`,
            source: "2.4",
          }
        : {
            severity: "critical",
            code: "PACKAGE_CHANGED",
            message: `${where} changed since it was approved (sha256 ${c.expected.slice(0, 12)} approved, ${c.actual!.slice(0, 12)} now): what was approved is not what would ship.`,
            source: "2.4",
          },
    );
  }
  return findings;
}

/** Why the package may not be deployed (E_PACKAGE_CHANGED), or null. Checked before anything is published. */
export async function packageProblem(
  ctx: { root: string; git: Git; state: { version: string } },
  pkg: PackageRef,
): Promise<{ code: string; message: string } | null> {
  const f = await verifyApprovedPackage(ctx, pkg);
  if (f.length === 0) return null;
  return {
    code: "E_PACKAGE_CHANGED",
    message: `The approved package cannot be used: ${f.map((x) => x.message).join(" ")} Nothing was deployed.`,
  };
}

/** The stored-artifact name of a target's npm tarball folder: `npm/<folder>/` ("." → "root"). */
export function npmArtifactPrefix(folder: string): string {
  const f = folder.replace(/^\.\/+/, "").replace(/\/+$/, "");
  return `npm/${f === "" || f === "." ? "root" : f.replace(/[\\/]/g, "__")}/`;
}

/**
 * Where the release's tests run: a clean checkout of the release commit (the approved package's
 * commit), made when missing or at another commit; the project folder only for a release without a
 * package (a log from before packages were fixed).
 */
export async function releaseCheckout(ctx: {
  root: string;
  git: Git;
  state: { version: string; package: PackageRef | null };
}): Promise<string> {
  const commit = ctx.state.package?.commit;
  if (!commit) return ctx.root;
  const dir = checkoutDir(ctx.root, ctx.state.version);
  const at = existsSync(dir) ? await ctx.git.run(["-C", dir, "rev-parse", "HEAD"], { allowFail: true }) : null;
  if (!at || at.code !== 0 || at.stdout.trim() !== commit) await prepareCheckout(ctx.git, dir, commit);
  return join(dir, await repoPrefix(ctx.git));
}
