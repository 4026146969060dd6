/**
 * The release tag for every target (6.10): an annotated tag at the release commit, made when the
 * release is first deployed successfully, pushed with the commit (`release.tag`). Two recorded
 * effects, each adopted after a crash when what it does is already in place; a later run of the
 * same package (a promotion) adopts the tag. The GitHub target's 6.8 tag is the same tag.
 */
import { stepResult } from "../core/step-results.js";
import { deployTarget, tagName } from "../deploy/deploy-target.js";
import { annotationData } from "../deploy/execute-github.js";
import { tagAnnotation } from "../deploy/tag-annotation.js";
import {
  ensureAnnotatedTag,
  localTag,
  pushBranchAndTag,
  remoteTagCommit,
  tagExists,
} from "../adapters/github/git-tag.js";
import type { StepContext } from "../engine/step-types.js";

/**
 * The tag name of the release: `release.tag.format`, else the GitHub target's tag, else the
 * project's own format read from its previous release tag (prefix kept: "release-1.0.0" →
 * "release-{version}"), else `v{version}`. The version is used as written (zero padding kept).
 */
export function releaseTagName(ctx: Pick<StepContext, "config" | "state">): string {
  const v = ctx.state.version;
  const format = ctx.config.release.tag.format;
  if (format) return format.replace(/\{version\}/g, v);
  const t = deployTarget(ctx);
  if (t.github) return tagName(t.github, v);
  const r = stepResult(ctx.state, "2.1");
  const candidates: [unknown, unknown][] = [
    [ctx.state.base?.tag, ctx.state.base?.version],
    [r?.["previousTag"], r?.previous],
  ];
  for (const [tag, version] of candidates) {
    if (typeof tag === "string" && typeof version === "string" && version && tag.endsWith(version))
      return `${tag.slice(0, tag.length - version.length)}${v}`;
  }
  return `v${v}`;
}

/** The release commit: the approved package's, else the one 6.1 deployed. */
export function releaseCommit(ctx: Pick<StepContext, "state">): string | null {
  return ctx.state.package?.commit ?? stepResult(ctx.state, "6.1")?.commit ?? null;
}

/** Tags (and pushes) the release at 6.10; null when there is nothing to tag or tagging is off. */
export async function tagDeployedRelease(ctx: StepContext): Promise<Record<string, unknown> | null> {
  const cfg = ctx.config.release.tag;
  const commit = releaseCommit(ctx);
  if (!cfg.create || !commit || !(await ctx.git.isRepo())) return null;
  const tag = releaseTagName(ctx);
  const tagged = await ctx.effect(
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
    async () => ({
      tag,
      ...(await ensureAnnotatedTag(ctx.git, { tag, commit, message: tagAnnotation(annotationData(ctx, tag)) })),
    }),
  );
  const out: Record<string, unknown> = { tag, commit, tagAction: tagged["action"] };
  if (!cfg.push) return { ...out, pushed: false, pushReason: "release.tag.push is false" };
  const hasRemote = (await ctx.git.run(["remote", "get-url", cfg.remote], { allowFail: true })).code === 0;
  if (!hasRemote)
    return {
      ...out,
      pushed: false,
      pushReason: `the repository has no remote "${cfg.remote}" (set release.tag.remote, or release.tag.push: false)`,
    };
  const pushed = await ctx.effect(
    "push",
    `push ${commit.slice(0, 12)} and ${tag} to ${cfg.remote}`,
    {
      idempotent: true,
      check: async () => (await remoteTagCommit(ctx.git, cfg.remote, tag)) === commit,
      adopt: async () => ({ remote: cfg.remote, tag, commit, action: "adopted" }),
    },
    async () => ({ ...(await pushBranchAndTag(ctx.git, { remote: cfg.remote, tag, commit })) }),
  );
  return { ...out, pushed: true, remote: cfg.remote, pushAction: pushed["action"] };
}
