/**
 * Spec 6.8 — the GitHub release, as four recorded effects so that a crash between any two is
 * recovered by checking what is already in place: 6.8:tag (annotated, at the deployed commit),
 * 6.8:push (branch and tag to the remote), 6.8:release (titled for the version, body =
 * release-notes.md), 6.8:assets (the artifacts manifest's files).
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import semver from "semver";
import { BrtopsError } from "../core/errors.js";
import { sevLabel } from "../core/workflow.js";
import type { StepContext, StepOutcome } from "../engine/step-types.js";
import { assetsMatch, ensureAssets, type AssetFile } from "../adapters/github/github-assets.js";
import { ensureRelease, findRelease, releaseDifferences, type ReleaseSpec } from "../adapters/github/github-release.js";
import { ensureAnnotatedTag, localTag, pushBranchAndTag, remoteTagCommit, tagExists } from "../adapters/github/git-tag.js";
import { deployTarget, tagName } from "./deploy-target.js";
import { openGitHub } from "./github-session.js";
import { tagAnnotation, type TagAnnotationData } from "./tag-annotation.js";

/** The files of the artifacts manifest (2.4's result, or a manifest file in the release folder). */
export function manifestArtifacts(ctx: Pick<StepContext, "state" | "releaseDir" | "root">): AssetFile[] {
  const lists: unknown[] = [ctx.state.steps["2.4"]?.result?.["artifacts"]];
  for (const f of ["artifacts-manifest.json", "artifacts.json", "manifest.json"]) {
    const p = join(ctx.releaseDir, f);
    if (!existsSync(p)) continue;
    try {
      const j = JSON.parse(readFileSync(p, "utf8")) as { artifacts?: unknown } | unknown[];
      lists.push(Array.isArray(j) ? j : j.artifacts);
    } catch {
      /* not a manifest we can read */
    }
  }
  const out = new Map<string, AssetFile>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const rel = typeof item === "string" ? item : (item as { path?: unknown })?.path;
      if (typeof rel !== "string") continue;
      const abs = isAbsolute(rel) ? rel : join(ctx.root, rel);
      if (existsSync(abs) && !out.has(abs)) out.set(abs, { path: abs, ...(typeof (item as { name?: unknown }).name === "string" ? { name: (item as { name: string }).name } : {}) });
    }
  }
  return [...out.values()];
}

/** The annotation's data from the log: SEV, features (1.2's result) and the approvals given. */
export function annotationData(ctx: Pick<StepContext, "state" | "config">, tag: string): TagAnnotationData {
  const s = ctx.state;
  const raw = s.steps["1.2"]?.result?.["features"];
  const features = Array.isArray(raw)
    ? raw.map((f: unknown) => (typeof f === "string" ? { name: f } : { name: String((f as { name?: unknown; feature?: unknown }).name ?? (f as { feature?: unknown }).feature ?? "?"), ...((f as { status?: unknown }).status ? { status: String((f as { status: unknown }).status) } : {}) }))
    : [];
  const approvals = s.decisions
    .filter((d) => d.type === "approve" || d.type === "go" || d.type === "certify" || d.type === "auto-proceed")
    .map((d) => ({ phase: d.phase, step: d.step, by: d.actor.id, role: d.actor.role, at: d.at, ...(d.note ? { note: d.note } : {}) }));
  return { version: s.version, tag, environment: s.environment, previous: s.previous, sev: s.sev === null ? null : sevLabel(s.sev), features, approvals, releaseDir: `${ctx.config.paths.releases}/v${s.version}` };
}

/** Runs 6.8 for a GitHub target; skipped for others. */
export async function createGitHubRelease(ctx: StepContext): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  if (!t.github) return { skipped: `environment "${t.name}" has no GitHub target` };
  const cfg = t.github;
  const tag = tagName(cfg, t.vars.version);
  const deployed = ctx.state.steps["6.1"]?.result?.["commit"];
  const recorded = ctx.state.steps["6.8:tag"]?.result?.["commit"];
  const commit = typeof recorded === "string" ? recorded : typeof deployed === "string" ? deployed : await ctx.git.head();
  if (!commit) throw new BrtopsError("E_GIT", "The repository has no commit to tag.", { hint: "Commit the release first." });
  const notesPath = join(ctx.releaseDir, "release-notes.md");
  if (!existsSync(notesPath)) {
    return { failure: { code: "E_RELEASE_NOTES_MISSING", message: `${notesPath} does not exist: the GitHub release takes its text from it (written at 2.11).` } };
  }
  const body = readFileSync(notesPath, "utf8");
  const prerelease = cfg.prerelease === "auto" ? (semver.prerelease(t.vars.version, { loose: true })?.length ?? 0) > 0 : cfg.prerelease;
  const spec: ReleaseSpec = { tag, name: `v${t.vars.version}`, body, draft: cfg.draft, prerelease };
  const gh = await openGitHub(ctx, cfg);
  const message = tagAnnotation(annotationData(ctx, tag));

  const tagResult = await ctx.effect("tag", `annotated tag ${tag} at ${commit.slice(0, 12)}`, {
    idempotent: true,
    check: () => tagExists(ctx.git, tag, commit),
    adopt: async () => ({ tag, commit, action: "adopted", annotated: (await localTag(ctx.git, tag))?.annotated ?? false }),
  }, async () => ({ tag, ...(await ensureAnnotatedTag(ctx.git, { tag, commit, message })) }));

  const pushResult = await ctx.effect("push", `push ${cfg.branch ?? "the current branch"} and ${tag} to ${cfg.remote}`, {
    idempotent: true,
    check: async () => (await remoteTagCommit(ctx.git, cfg.remote, tag)) === commit,
    adopt: async () => ({ remote: cfg.remote, tag, commit, action: "adopted" }),
  }, async () => ({ ...(await pushBranchAndTag(ctx.git, { remote: cfg.remote, tag, commit, ...(cfg.branch ? { branch: cfg.branch } : {}) })) }));

  const releaseResult = await ctx.effect("release", `GitHub release ${spec.name} on ${gh.repo.owner}/${gh.repo.repo}`, {
    idempotent: true,
    check: async () => {
      const r = await findRelease(gh.client, tag);
      return r !== null && releaseDifferences(r, spec).length === 0;
    },
    adopt: async () => {
      const r = (await findRelease(gh.client, tag))!;
      return { id: r.id, url: r.htmlUrl, action: "adopted" };
    },
  }, async () => {
    const r = await ensureRelease(gh.client, spec);
    return { id: r.release.id, url: r.release.htmlUrl, action: r.action, changed: r.changed };
  });

  const files = cfg.assets ? manifestArtifacts(ctx) : [];
  let assets: Record<string, unknown> = { files: [] };
  if (files.length > 0) {
    assets = await ctx.effect("assets", `upload ${files.length} asset(s)`, {
      idempotent: true,
      check: async () => {
        const r = await findRelease(gh.client, tag);
        return r !== null && (await assetsMatch(gh.client, r, files));
      },
      adopt: async () => ({ files: files.map((f) => f.name ?? f.path.split("/").at(-1)), action: "adopted" }),
    }, async () => {
      const r = await findRelease(gh.client, tag);
      if (!r) throw new BrtopsError("E_GITHUB_NOT_FOUND", `The release of ${tag} disappeared before its assets were uploaded.`, { hint: "Run `brtops run` again: the release is created anew." });
      return { files: await ensureAssets(gh.client, r, files) };
    });
  }
  const url = String(releaseResult["url"] ?? "");
  return {
    result: {
      summary: `release ${spec.name} at ${url}`,
      tag,
      commit,
      repository: `${gh.repo.owner}/${gh.repo.repo}`,
      url,
      prerelease,
      draft: cfg.draft,
      tagAction: tagResult["action"],
      pushAction: pushResult["action"],
      releaseAction: releaseResult["action"],
      assets: assets["files"],
    },
  };
}
