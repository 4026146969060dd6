/**
 * The GitHub release of a tag (spec 6.8.3) through the REST API. Idempotent: an existing release
 * for the tag is compared and updated, never duplicated (also when a concurrent run created it
 * first: GitHub's 422 `already_exists` is adopted). Drafts, which the by-tag endpoint does not
 * return, are found by listing. Creating is the one request that is not idempotent (GitHub lets
 * drafts repeat a tag), so it is never retried blindly: after a failure that may have landed,
 * brtops looks for the release before it asks again.
 */
import { githubError, isAlreadyExists, mayHaveActed, statusOf } from "./github-errors.js";
import type { GitHubClient } from "./github-client.js";

/** Attempts at creating a release when GitHub fails in a way that may or may not have created it. */
const CREATE_ATTEMPTS = 4;

export interface ReleaseSpec {
  tag: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  /** Only used when GitHub must create the tag itself (brtops pushes it first, so usually unused). */
  targetCommitish?: string;
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  digest: string | null;
  contentType: string;
  downloadUrl: string;
}

export interface ReleaseInfo {
  id: number;
  tag: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  htmlUrl: string;
  uploadUrl: string;
  assets: ReleaseAsset[];
}

interface RawAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  digest?: string | null;
  content_type: string;
  browser_download_url: string;
}
interface RawRelease {
  id: number;
  tag_name: string;
  name: string | null;
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
  html_url: string;
  upload_url: string;
  assets?: RawAsset[];
}

export function toAsset(a: RawAsset): ReleaseAsset {
  return {
    id: a.id,
    name: a.name,
    size: a.size,
    state: a.state,
    digest: a.digest ?? null,
    contentType: a.content_type,
    downloadUrl: a.browser_download_url,
  };
}

function toRelease(r: RawRelease): ReleaseInfo {
  return {
    id: r.id,
    tag: r.tag_name,
    name: r.name ?? "",
    body: r.body ?? "",
    draft: r.draft,
    prerelease: r.prerelease,
    htmlUrl: r.html_url,
    uploadUrl: r.upload_url,
    assets: (r.assets ?? []).map(toAsset),
  };
}

/** The release for a tag (published or draft), or null. Example: `(await findRelease(client, "v2.1.0"))?.htmlUrl`. */
export async function findRelease(client: GitHubClient, tag: string): Promise<ReleaseInfo | null> {
  const { octokit, owner, repo } = client;
  try {
    const r = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag });
    return toRelease(r.data);
  } catch (e) {
    if (statusOf(e) !== 404) throw githubError(e, `looking up the release of ${tag}`, client);
  }
  try {
    for await (const page of octokit.paginate.iterator(octokit.rest.repos.listReleases, {
      owner,
      repo,
      per_page: 100,
    })) {
      const hit = (page.data as RawRelease[]).find((r) => r.tag_name === tag);
      if (hit) return toRelease(hit);
    }
  } catch (e) {
    throw githubError(e, `listing the releases of ${owner}/${repo}`, client);
  }
  return null;
}

/** True when a release exists for the tag: the crash-recovery check of 6.8.3. */
export async function releaseExists(client: GitHubClient, tag: string): Promise<boolean> {
  return (await findRelease(client, tag)) !== null;
}

const norm = (s: string): string => s.replace(/\r\n/g, "\n").trim();

/** What differs between a release and the spec (empty: nothing to update). */
export function releaseDifferences(r: ReleaseInfo, spec: ReleaseSpec): string[] {
  const out: string[] = [];
  if (r.name !== spec.name) out.push("name");
  if (norm(r.body) !== norm(spec.body)) out.push("body");
  if (r.draft !== spec.draft) out.push("draft");
  if (r.prerelease !== spec.prerelease) out.push("prerelease");
  return out;
}

export interface EnsureReleaseResult {
  action: "created" | "updated" | "unchanged";
  release: ReleaseInfo;
  /** Fields changed by an update. */
  changed: string[];
}

/** Creates the release, or brings an existing one in line with the spec. */
export async function ensureRelease(client: GitHubClient, spec: ReleaseSpec): Promise<EnsureReleaseResult> {
  const { octokit, owner, repo } = client;
  for (let attempt = 1; ; attempt++) {
    const existing = await findRelease(client, spec.tag);
    if (existing) {
      const r = await reconcile(client, existing, spec);
      // Found after a create that failed on the way back: it is the one this call created.
      return attempt > 1 && r.action === "unchanged" ? { ...r, action: "created" } : r;
    }
    try {
      const r = await octokit.rest.repos.createRelease({
        owner,
        repo,
        tag_name: spec.tag,
        name: spec.name,
        body: spec.body,
        draft: spec.draft,
        prerelease: spec.prerelease,
        ...(spec.targetCommitish ? { target_commitish: spec.targetCommitish } : {}),
        // The retry plugin would resend it even when GitHub had acted: a second draft for the tag.
        request: { retries: 0 },
      });
      return { action: "created", release: toRelease(r.data), changed: [] };
    } catch (e) {
      if (isAlreadyExists(e)) {
        // Someone (a run that crashed after GitHub answered) created it first: adopt it.
        const again = await findRelease(client, spec.tag);
        if (!again) throw githubError(e, `creating the release of ${spec.tag}`, client);
        return reconcile(client, again, spec);
      }
      if (!mayHaveActed(e) || attempt >= CREATE_ATTEMPTS)
        throw githubError(e, `creating the release of ${spec.tag}`, client);
      await new Promise((r) => setTimeout(r, client.retryBaseMs * attempt * attempt));
    }
  }
}

async function reconcile(client: GitHubClient, r: ReleaseInfo, spec: ReleaseSpec): Promise<EnsureReleaseResult> {
  const changed = releaseDifferences(r, spec);
  if (changed.length === 0) return { action: "unchanged", release: r, changed };
  const { name, body, draft, prerelease } = spec;
  const u = await updateRelease(client, r.id, { name, body, draft, prerelease }, `updating the release of ${spec.tag}`);
  return { action: "updated", release: toRelease(u), changed };
}

/** Changes fields of a release by its id; `doing` names the act in the error when GitHub refuses. */
async function updateRelease(
  client: GitHubClient,
  id: number,
  fields: { name?: string; body?: string; draft?: boolean; prerelease?: boolean },
  doing: string,
): Promise<RawRelease> {
  const { octokit, owner, repo } = client;
  try {
    return (await octokit.rest.repos.updateRelease({ owner, repo, release_id: id, ...fields })).data;
  } catch (e) {
    throw githubError(e, doing, client);
  }
}

/** Deletes the release of a tag (rollback; the tag itself stays: see git-tag.ts). */
export async function deleteRelease(client: GitHubClient, tag: string): Promise<{ deleted: boolean; id?: number }> {
  const r = await findRelease(client, tag);
  if (!r) return { deleted: false };
  const { octokit, owner, repo } = client;
  try {
    await octokit.rest.repos.deleteRelease({ owner, repo, release_id: r.id });
  } catch (e) {
    if (statusOf(e) === 404) return { deleted: false };
    throw githubError(e, `deleting the release of ${tag}`, client);
  }
  return { deleted: true, id: r.id };
}

/**
 * Marks the release of a tag as withdrawn without deleting it (rollback with `github.rollback:
 * keep` or `draft`): a prerelease (no longer "Latest") or a draft (hidden from the public).
 * Idempotent: a release already marked is left as it is. Example: `await markRelease(client, "v2.1.0", "prerelease")` → `{found: true, changed: true, …}`.
 */
export async function markRelease(
  client: GitHubClient,
  tag: string,
  as: "prerelease" | "draft",
): Promise<{ found: boolean; changed: boolean; id?: number; url?: string }> {
  const r = await findRelease(client, tag);
  if (!r) return { found: false, changed: false };
  if ((as === "prerelease" && r.prerelease) || (as === "draft" && r.draft))
    return { found: true, changed: false, id: r.id, url: r.htmlUrl };
  const u = await updateRelease(
    client,
    r.id,
    as === "prerelease" ? { prerelease: true } : { draft: true },
    `marking the release of ${tag} as ${as}`,
  );
  return { found: true, changed: true, id: r.id, url: u.html_url };
}
