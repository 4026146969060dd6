/**
 * Release assets: the artifacts manifest's files uploaded to the release. Idempotent: an asset
 * already there with the same size and sha256 is kept (GitHub's `digest`, else a download);
 * a different or half-uploaded one is deleted and uploaded again.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { githubError, isAlreadyExists, statusOf } from "./github-errors.js";
import type { GitHubClient } from "./github-client.js";
import { toAsset, type ReleaseAsset, type ReleaseInfo } from "./github-release.js";

export interface AssetFile {
  path: string;
  /** Asset name on the release; default: the file's base name. */
  name?: string;
  contentType?: string;
}

export interface AssetResult {
  name: string;
  action: "uploaded" | "kept" | "replaced";
  size: number;
  sha256: string;
  id: number;
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

const TYPES: Record<string, string> = {
  ".zip": "application/zip",
  ".gz": "application/gzip",
  ".tgz": "application/gzip",
  ".json": "application/json",
  ".md": "text/markdown",
  ".txt": "text/plain",
};
function contentTypeOf(name: string): string {
  const ext = /\.[^.]+$/.exec(name)?.[0]?.toLowerCase() ?? "";
  return TYPES[ext] ?? "application/octet-stream";
}

/** Lists the release's assets (all pages). */
export async function listAssets(
  client: GitHubClient,
  release: Pick<ReleaseInfo, "id" | "tag">,
): Promise<ReleaseAsset[]> {
  const { octokit, owner, repo } = client;
  try {
    const all = await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
      owner,
      repo,
      release_id: release.id,
      per_page: 100,
    });
    return all.map((a) => toAsset(a as Parameters<typeof toAsset>[0]));
  } catch (e) {
    throw githubError(e, `listing the assets of ${release.tag}`, client);
  }
}

async function remoteSha256(client: GitHubClient, asset: ReleaseAsset): Promise<string> {
  if (asset.digest?.startsWith("sha256:")) return asset.digest.slice(7);
  const { octokit, owner, repo } = client;
  try {
    const r = await octokit.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
      owner,
      repo,
      asset_id: asset.id,
      headers: { accept: "application/octet-stream" },
    });
    const data = r.data as unknown;
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : typeof data === "string"
          ? Buffer.from(data)
          : new Uint8Array(data as ArrayBufferLike);
    return sha256(bytes);
  } catch (e) {
    throw githubError(e, `downloading asset ${asset.name} to compare it`, client);
  }
}

async function deleteAsset(client: GitHubClient, asset: ReleaseAsset): Promise<void> {
  const { octokit, owner, repo } = client;
  try {
    await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: asset.id });
  } catch (e) {
    if (statusOf(e) !== 404) throw githubError(e, `deleting the outdated asset ${asset.name}`, client);
  }
}

async function upload(
  client: GitHubClient,
  release: ReleaseInfo,
  name: string,
  data: Buffer,
  contentType: string,
): Promise<ReleaseAsset> {
  const r = await client.octokit.request({
    method: "POST",
    url: release.uploadUrl,
    name,
    data,
    headers: { "content-type": contentType, "content-length": data.length },
  });
  return toAsset(r.data as Parameters<typeof toAsset>[0]);
}

/** Uploads the files, keeping identical assets already there. Example: `await ensureAssets(client, release, [{path: "dist/app.tgz"}])` → `[{name: "app.tgz", action: "uploaded", …}]`. */
export async function ensureAssets(
  client: GitHubClient,
  release: ReleaseInfo,
  files: readonly AssetFile[],
): Promise<AssetResult[]> {
  let existing = await listAssets(client, release);
  const out: AssetResult[] = [];
  for (const f of files) {
    const name = f.name ?? basename(f.path);
    const data = readFileSync(f.path);
    const hash = sha256(data);
    const found = existing.find((a) => a.name === name);
    let replaced = false;
    if (found) {
      if (found.state === "uploaded" && found.size === data.length && (await remoteSha256(client, found)) === hash) {
        out.push({ name, action: "kept", size: data.length, sha256: hash, id: found.id });
        continue;
      }
      await deleteAsset(client, found);
      replaced = true;
    }
    try {
      const a = await upload(client, release, name, data, f.contentType ?? contentTypeOf(name));
      out.push({ name, action: replaced ? "replaced" : "uploaded", size: data.length, sha256: hash, id: a.id });
    } catch (e) {
      if (!isAlreadyExists(e)) throw githubError(e, `uploading asset ${name} to ${release.tag}`, client);
      // Uploaded meanwhile (a retried request whose first attempt landed): compare once more.
      existing = await listAssets(client, release);
      const now = existing.find((a) => a.name === name);
      if (!now || now.size !== data.length || (await remoteSha256(client, now)) !== hash)
        throw githubError(e, `uploading asset ${name} to ${release.tag}`, client);
      out.push({ name, action: "kept", size: data.length, sha256: hash, id: now.id });
    }
  }
  return out;
}

/** True when every file is on the release with the same size and sha256: the crash-recovery check. */
export async function assetsMatch(
  client: GitHubClient,
  release: ReleaseInfo,
  files: readonly AssetFile[],
): Promise<boolean> {
  const existing = await listAssets(client, release);
  for (const f of files) {
    const data = readFileSync(f.path);
    const a = existing.find((x) => x.name === (f.name ?? basename(f.path)));
    if (!a || a.state !== "uploaded" || a.size !== data.length || (await remoteSha256(client, a)) !== sha256(data))
      return false;
  }
  return true;
}
