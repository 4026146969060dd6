/**
 * Spec 6.8 — the GitHub release, as four recorded effects so that a crash between any two is
 * recovered by checking what is already in place: 6.8:tag (annotated, at the deployed commit),
 * 6.8:push (branch and tag to the remote), 6.8:release (titled for the version, body =
 * release-notes.md), 6.8:assets (the artifacts manifest's files).
 */
import { stepResult } from "../core/step-results.js";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import prereleaseOf from "semver/functions/prerelease.js";
import { BrtopsError } from "../core/errors.js";
import { sevLabel } from "../core/workflow.js";
import type { StepContext, StepOutcome } from "../engine/step-types.js";
import { assetsMatch, ensureAssets, sha256, type AssetFile } from "../adapters/github/github-assets.js";
import { ensureRelease, findRelease, releaseDifferences, type ReleaseSpec } from "../adapters/github/github-release.js";
import {
  ensureAnnotatedTag,
  localTag,
  pushBranchAndTag,
  remoteTagCommit,
  tagExists,
} from "../adapters/github/git-tag.js";
import { deployTarget, tagName } from "./deploy-target.js";
import { openGitHub } from "./github-session.js";
import { tagAnnotation, type TagAnnotationData } from "./tag-annotation.js";

/** An artifact to upload, with the sha256 phase 2 recorded for it (when it did). */
export interface ManifestArtifact extends AssetFile {
  sha256?: string;
}

/** The files of the artifacts manifest (2.4's result, or a manifest file in the release folder), missing ones included. */
export function manifestArtifacts(ctx: Pick<StepContext, "state" | "releaseDir" | "root">): ManifestArtifact[] {
  const lists: unknown[] = [stepResult(ctx.state, "2.4")?.artifacts];
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
  const out = new Map<string, ManifestArtifact>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const o = (typeof item === "object" && item !== null ? item : {}) as {
        path?: unknown;
        name?: unknown;
        sha256?: unknown;
      };
      const rel = typeof item === "string" ? item : o.path;
      if (typeof rel !== "string") continue;
      const abs = isAbsolute(rel) ? rel : join(ctx.root, rel);
      if (out.has(abs)) continue;
      out.set(abs, {
        path: abs,
        ...(typeof o.name === "string" ? { name: o.name } : {}),
        ...(typeof o.sha256 === "string" ? { sha256: o.sha256 } : {}),
      });
    }
  }
  return [...out.values()];
}

/**
 * Why the artifacts cannot be uploaded as recorded, or null: each must exist and still have the
 * sha256 phase 2 recorded (what the HUM LEAD approved is what the release carries).
 */
export function artifactProblem(
  files: readonly ManifestArtifact[],
  root: string,
): { code: string; message: string } | null {
  const rel = (p: string): string => (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  const missing = files.filter((f) => !existsSync(f.path));
  if (missing.length > 0) {
    return {
      code: "E_ARTIFACT_MISSING",
      message: `${missing.map((f) => rel(f.path)).join(", ")} ${missing.length === 1 ? "is" : "are"} in the artifacts manifest but not on disk: restore ${missing.length === 1 ? "it" : "them"} (the same build), then retry 6.8.`,
    };
  }
  const changed = files.filter((f) => f.sha256 !== undefined && sha256(readFileSync(f.path)) !== f.sha256);
  if (changed.length > 0) {
    return {
      code: "E_ARTIFACT_CHANGED",
      message: `${changed.map((f) => rel(f.path)).join(", ")} changed since phase 2 recorded ${changed.length === 1 ? "its" : "their"} sha256: the release would carry what nobody approved. Restore the approved build, or reject back to phase 2 to rebuild.`,
    };
  }
  return null;
}

/** The annotation's data from the log: SEV, features (1.2's result) and the approvals given. */
export function annotationData(ctx: Pick<StepContext, "state" | "config">, tag: string): TagAnnotationData {
  const s = ctx.state;
  const raw = stepResult(s, "1.2")?.features;
  const features = Array.isArray(raw)
    ? raw.map((f: unknown) =>
        typeof f === "string"
          ? { name: f }
          : {
              name: String(
                (f as { name?: unknown; feature?: unknown }).name ?? (f as { feature?: unknown }).feature ?? "?",
              ),
              ...((f as { status?: unknown }).status ? { status: String((f as { status: unknown }).status) } : {}),
            },
      )
    : [];
  const approvals = s.decisions
    .filter((d) => d.type === "approve" || d.type === "go" || d.type === "certify" || d.type === "auto-proceed")
    .map((d) => ({
      phase: d.phase,
      step: d.step,
      by: d.actor.id,
      role: d.actor.role,
      at: d.at,
      ...(d.note ? { note: d.note } : {}),
    }));
  return {
    version: s.version,
    tag,
    environment: s.environment,
    previous: s.previous,
    sev: s.sev === null ? null : sevLabel(s.sev),
    features,
    approvals,
    releaseDir: `${ctx.config.paths.releases}/v${s.version}`,
  };
}

/** Runs 6.8 for a GitHub target; skipped for others. */
export async function createGitHubRelease(ctx: StepContext): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  if (!t.github) return { skipped: `environment "${t.name}" has no GitHub target` };
  const cfg = t.github;
  const tag = tagName(cfg, t.vars.version);
  const commit =
    stepResult(ctx.state, "6.8:tag")?.commit ??
    ctx.state.package?.commit ??
    stepResult(ctx.state, "6.1")?.commit ??
    (await ctx.git.head());
  if (!commit)
    throw new BrtopsError("E_GIT", "The repository has no commit to tag.", { hint: "Commit the release first." });
  const notesPath = join(ctx.releaseDir, "release-notes.md");
  if (!existsSync(notesPath)) {
    return {
      failure: {
        code: "E_RELEASE_NOTES_MISSING",
        message: `${notesPath} does not exist: the GitHub release takes its text from it (written at 2.11).`,
      },
    };
  }
  const body = readFileSync(notesPath, "utf8");
  const files = cfg.assets ? manifestArtifacts(ctx) : [];
  // Checked before anything is tagged: a release without its approved assets is not made at all.
  if (ctx.state.steps["6.8:assets"]?.status !== "succeeded") {
    const problem = artifactProblem(files, ctx.root);
    if (problem) return { failure: problem };
  }
  const prerelease =
    cfg.prerelease === "auto" ? (prereleaseOf(t.vars.version, { loose: true })?.length ?? 0) > 0 : cfg.prerelease;
  const spec: ReleaseSpec = { tag, name: `v${t.vars.version}`, body, draft: cfg.draft, prerelease };
  const gh = await openGitHub(ctx, cfg);
  const message = tagAnnotation(annotationData(ctx, tag));

  const tagResult = await ctx.effect(
    "tag",
    `annotated tag ${tag} at ${commit.slice(0, 12)}`,
    {
      idempotent: true,
      check: () => tagExists(ctx.git, tag, commit),
      adopt: async () => ({
        tag,
        commit,
        action: "adopted",
        annotated: (await localTag(ctx.git, tag))?.annotated ?? false,
      }),
    },
    async () => ({ tag, ...(await ensureAnnotatedTag(ctx.git, { tag, commit, message })) }),
  );

  const pushResult = await ctx.effect(
    "push",
    `push ${commit.slice(0, 12)} to ${cfg.branch ?? "the current branch"} and ${tag} to ${cfg.remote}`,
    {
      idempotent: true,
      check: async () => (await remoteTagCommit(ctx.git, cfg.remote, tag)) === commit,
      adopt: async () => ({ remote: cfg.remote, tag, commit, action: "adopted" }),
    },
    async () => ({
      ...(await pushBranchAndTag(ctx.git, {
        remote: cfg.remote,
        tag,
        commit,
        ...(cfg.branch ? { branch: cfg.branch } : {}),
      })),
    }),
  );

  const releaseResult = await ctx.effect(
    "release",
    `GitHub release ${spec.name} on ${gh.repo.owner}/${gh.repo.repo}`,
    {
      idempotent: true,
      check: async () => {
        const r = await findRelease(gh.client, tag);
        return r !== null && releaseDifferences(r, spec).length === 0;
      },
      adopt: async () => {
        const r = (await findRelease(gh.client, tag))!;
        return { id: r.id, url: r.htmlUrl, action: "adopted" };
      },
    },
    async () => {
      const r = await ensureRelease(gh.client, spec);
      return { id: r.release.id, url: r.release.htmlUrl, action: r.action, changed: r.changed };
    },
  );

  let assets: Record<string, unknown> = { files: [] };
  if (files.length > 0) {
    assets = await ctx.effect(
      "assets",
      `upload ${files.length} asset(s)`,
      {
        idempotent: true,
        check: async () => {
          const r = await findRelease(gh.client, tag);
          return r !== null && (await assetsMatch(gh.client, r, files));
        },
        adopt: async () => ({ files: files.map((f) => f.name ?? f.path.split("/").at(-1)), action: "adopted" }),
      },
      async () => {
        const r = await findRelease(gh.client, tag);
        if (!r)
          throw new BrtopsError(
            "E_GITHUB_NOT_FOUND",
            `The release of ${tag} disappeared before its assets were uploaded.`,
            { hint: "Run `brtops run` again: the release is created anew." },
          );
        return { files: await ensureAssets(gh.client, r, files) };
      },
    );
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
