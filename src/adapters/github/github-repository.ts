/**
 * Which GitHub repository and API a project releases to: from config, else from the remote's URL
 * (https, ssh and scp-like forms, GitHub Enterprise hosts included), and the token to use.
 */
import { execFile } from "node:child_process";
import { BrtopsError } from "../../core/errors.js";
import type { Git } from "../git.js";

export interface RemoteRepository {
  host: string;
  owner: string;
  repo: string;
}

/**
 * Parses a remote URL. Example: `parseRemoteUrl("git@github.com:acme/shop.git")` →
 * `{host: "github.com", owner: "acme", repo: "shop"}`; a local path → null.
 */
export function parseRemoteUrl(url: string): RemoteRepository | null {
  const u = url.trim();
  // https://[user[:pass]@]host[:port]/owner/repo(.git), ssh://git@host[:port]/owner/repo(.git), git://…
  const full =
    /^(?:https?|ssh|git|git\+ssh):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(?:.*\/)?([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(u);
  if (full) return { host: full[1]!.toLowerCase(), owner: full[2]!, repo: full[3]! };
  // scp-like: git@host:owner/repo(.git)
  const scp = /^(?:[^@/]+@)?([^/:]+):(?!\/)(?:.*\/)?([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(u);
  if (scp && !/^[a-z]:$/i.test(`${scp[1]}:`)) return { host: scp[1]!.toLowerCase(), owner: scp[2]!, repo: scp[3]! };
  return null;
}

/** The API root for a host: api.github.com for github.com, https://host/api/v3 for GitHub Enterprise. */
export function apiBaseUrlFor(host: string): string {
  return host === "github.com" || host === "www.github.com" ? "https://api.github.com" : `https://${host}/api/v3`;
}

export interface ResolvedRepository {
  owner: string;
  repo: string;
  baseUrl: string;
  /** "config" or the remote it was read from. */
  from: string;
}

/** owner/name from config, else from the remote's URL; the base URL from config, else from the host. */
export async function resolveRepository(
  git: Git,
  o: { repository?: string | undefined; baseUrl?: string | undefined; remote: string },
): Promise<ResolvedRepository> {
  if (o.repository) {
    const [owner, repo] = o.repository.split("/") as [string, string];
    return { owner, repo, baseUrl: o.baseUrl ?? "https://api.github.com", from: "config" };
  }
  const r = await git.run(["remote", "get-url", o.remote], { allowFail: true });
  const url = r.stdout.trim();
  const parsed = r.code === 0 ? parseRemoteUrl(url) : null;
  if (!parsed) {
    throw new BrtopsError(
      "E_GITHUB_REPOSITORY",
      r.code === 0
        ? `The remote "${o.remote}" (${url}) does not name a GitHub repository.`
        : `The repository has no remote "${o.remote}".`,
      {
        hint: "Set github.repository: owner/name for the environment in brtops.config.yaml (and github.baseUrl for GitHub Enterprise).",
        details: { remote: o.remote },
      },
    );
  }
  return { owner: parsed.owner, repo: parsed.repo, baseUrl: o.baseUrl ?? apiBaseUrlFor(parsed.host), from: o.remote };
}

export interface TokenSource {
  token: string;
  source: "GITHUB_TOKEN" | "GH_TOKEN" | "gh auth token";
}

/** GITHUB_TOKEN, else GH_TOKEN, else `gh auth token` where gh is installed; null when none. */
export async function resolveGitHubToken(
  env: Readonly<Record<string, string | undefined>>,
  o: { cwd: string; useGhCli?: boolean; host?: string },
): Promise<TokenSource | null> {
  if (env["GITHUB_TOKEN"]) return { token: env["GITHUB_TOKEN"], source: "GITHUB_TOKEN" };
  if (env["GH_TOKEN"]) return { token: env["GH_TOKEN"], source: "GH_TOKEN" };
  if (o.useGhCli === false) return null;
  const args = ["auth", "token", ...(o.host && o.host !== "api.github.com" ? ["--hostname", o.host] : [])];
  const token = await new Promise<string | null>((resolve) => {
    execFile(
      "gh",
      args,
      { cwd: o.cwd, timeout: 10_000, env: { ...process.env, GH_PROMPT_DISABLED: "1" } },
      (err, stdout) => resolve(err ? null : String(stdout).trim() || null),
    );
  });
  return token ? { token, source: "gh auth token" } : null;
}

/** The token, or E_GITHUB_NO_TOKEN saying where brtops looked. */
export async function requireGitHubToken(
  env: Readonly<Record<string, string | undefined>>,
  o: { cwd: string; useGhCli?: boolean; host?: string },
): Promise<TokenSource> {
  const t = await resolveGitHubToken(env, o);
  if (t) return t;
  throw new BrtopsError(
    "E_GITHUB_NO_TOKEN",
    "No GitHub token: GITHUB_TOKEN and GH_TOKEN are unset and `gh auth token` gave none.",
    {
      hint: "Export GITHUB_TOKEN with a token that may write contents to the repository (or run `gh auth login`), then run `brtops run` again.",
    },
  );
}
