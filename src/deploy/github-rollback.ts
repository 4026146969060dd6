/**
 * Rolling back the GitHub target (spec 6.8 undone), as the BRTOPS conventions do it by hand:
 * delete the GitHub release, the remote tag and the local tag. Deleting what the public sees is
 * done only on a HUM LEAD's rollback decision (the `brtops rollback`, abort or incident guidance
 * that ordered it is the confirmation); an automatic rollback (`onFailure: rollback`) or an
 * emergency contact's keeps the release and marks it a prerelease, and says why. With
 * `github.rollback: keep` (or `draft`) the release is always kept, marked a prerelease (or turned
 * back into a draft), and the tags stay. Each action is a recorded, idempotent effect: something
 * already gone (or already marked) is adopted, so a rollback interrupted anywhere is run again.
 */
import type { AnyEvent } from "../core/events.js";
import type { GitHubTargetConfig } from "../config/schema-environment.js";
import type { StepContext } from "../engine/step-types.js";
import { deleteRelease, markRelease } from "../adapters/github/github-release.js";
import { deleteLocalTag, deleteRemoteTag } from "../adapters/github/git-tag.js";
import { tagName, type DeployTarget } from "./deploy-target.js";
import { openGitHub, type GitHubSession } from "./github-session.js";

/** The decision that ordered the rollback: the last rollback or abort request, or rollback guidance. */
export function rollbackDecision(events: readonly AnyEvent[]): { id: string; role: string; type: string } | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (
      e.type === "RollbackRequested" ||
      e.type === "AbortRequested" ||
      (e.type === "IncidentGuidance" && e.data.choice === "rollback")
    )
      return { id: e.actor.id, role: e.actor.role, type: e.type };
  }
  return null;
}

export interface GitHubRollbackMode {
  mode: "delete" | "keep" | "draft";
  /** Why the release is kept although the config says delete (null otherwise). */
  why: string | null;
}

/** What the rollback does to the release. Pure. Example: `githubRollbackMode("delete", {id: "brtops", role: "system", …}).mode` → `"keep"`. */
export function githubRollbackMode(
  configured: GitHubTargetConfig["rollback"],
  decision: { id: string; role: string } | null,
): GitHubRollbackMode {
  if (configured !== "delete") return { mode: configured, why: null };
  if (decision?.role === "hum-lead") return { mode: "delete", why: null };
  const by = decision ? `${decision.id} (${decision.role})` : "nobody recorded";
  return {
    mode: "keep",
    why: `deleting a GitHub release needs a HUM LEAD's rollback decision; this rollback was ordered by ${by}`,
  };
}

/** The rollback actions of the GitHub target, as 4.2 designs them and 6.7 runs them. */
export function githubRollbackActions(cfg: GitHubTargetConfig, version: string): { name: string; does: string }[] {
  const tag = tagName(cfg, version);
  if (cfg.rollback === "keep")
    return [{ name: "github-release-kept", does: `keep the GitHub release of ${tag}, marked as a prerelease` }];
  if (cfg.rollback === "draft")
    return [{ name: "github-release-kept", does: `keep the GitHub release of ${tag}, turned back into a draft` }];
  return [
    { name: "github-release", does: `delete the GitHub release of ${tag} (on a HUM LEAD's rollback decision)` },
    { name: "github-remote-tag", does: `delete ${tag} on ${cfg.remote}` },
    { name: "github-local-tag", does: `delete the local tag ${tag}` },
  ];
}

type Attempt = (id: string, label: string, fn: () => Promise<Record<string, unknown>>) => Promise<void>;

/** Runs the GitHub part of a rollback through `attempt` (each action a recorded effect). */
export async function rollbackGitHub(
  ctx: StepContext,
  t: DeployTarget,
  attempt: Attempt,
  failed: { name: string; message: string }[],
): Promise<void> {
  const cfg = t.github!;
  const tag = tagName(cfg, t.vars.version);
  const decision = rollbackDecision(ctx.events);
  const m = githubRollbackMode(cfg.rollback, decision);
  let gh: GitHubSession | null = null;
  try {
    gh = await openGitHub(ctx, cfg);
  } catch (e) {
    const id = m.mode === "delete" ? "github-release" : "github-release-kept";
    failed.push({ name: id, message: ctx.redact(String((e as Error)?.message ?? e)) });
  }
  const repo = gh ? `${gh.repo.owner}/${gh.repo.repo}` : (cfg.repository ?? `the repository of ${cfg.remote}`);

  if (m.mode !== "delete") {
    const as = m.mode === "draft" ? "draft" : "prerelease";
    const session = gh;
    if (session)
      await attempt("github-release-kept", `keep the GitHub release of ${tag}, marked as ${as}`, async () => {
        const r = await markRelease(session.client, tag, as);
        const reason = m.why ?? `github.rollback: ${cfg.rollback}`;
        return {
          tag,
          kept: true,
          markedAs: as,
          found: r.found,
          changed: r.changed,
          ...(r.url ? { url: r.url } : {}),
          reason,
          detail: r.found
            ? `the GitHub release of ${tag} on ${repo} was kept and ${r.changed ? "marked" : "was already"} ${as === "draft" ? "a draft" : "a prerelease"} (${reason}); the tag ${tag} stays`
            : `there is no GitHub release of ${tag} on ${repo} to mark (${reason}); the tag ${tag} stays`,
        };
      });
    return;
  }

  const session = gh;
  if (session)
    await attempt("github-release", `delete the GitHub release of ${tag}`, async () => {
      const r = await deleteRelease(session.client, tag);
      return {
        tag,
        ...r,
        decidedBy: decision?.id ?? null,
        detail: r.deleted
          ? `the GitHub release of ${tag} on ${repo} was deleted, as ${decision?.id} (HUM LEAD) decided`
          : `the GitHub release of ${tag} on ${repo} was already gone`,
      };
    });
  await attempt("github-remote-tag", `delete ${tag} on ${cfg.remote}`, async () => {
    const r = await deleteRemoteTag(ctx.git, cfg.remote, tag);
    return {
      tag,
      remote: cfg.remote,
      ...r,
      detail: r.deleted
        ? `the tag ${tag} was deleted on ${cfg.remote}`
        : `the tag ${tag} was already gone on ${cfg.remote}`,
    };
  });
  await attempt("github-local-tag", `delete the local tag ${tag}`, async () => {
    const r = await deleteLocalTag(ctx.git, tag);
    return {
      tag,
      ...r,
      detail: r.deleted ? `the local tag ${tag} was deleted` : `the local tag ${tag} was already gone`,
    };
  });
}
