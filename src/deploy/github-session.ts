/**
 * Opens the GitHub target of a release: the repository (config or remote URL), the token
 * (GITHUB_TOKEN, GH_TOKEN or `gh auth token`) and an Octokit client with the project's redactor.
 * BRTOPS_GITHUB_RETRY_BASE_MS and BRTOPS_GITHUB_NO_PACING=1 shorten waits (tests, local fakes).
 */
import type { GitHubTargetConfig } from "../config/schema-environment.js";
import type { StepContext } from "../engine/step-types.js";
import type { GitHubClient } from "../adapters/github/github-client.js";
import {
  requireGitHubToken,
  resolveRepository,
  type ResolvedRepository,
} from "../adapters/github/github-repository.js";

export interface GitHubSession {
  client: GitHubClient;
  repo: ResolvedRepository;
  tokenSource: string;
}

/** Example: `const gh = await openGitHub(ctx, target.github)` → `gh.client` for github-release.ts. */
export async function openGitHub(
  ctx: Pick<StepContext, "git" | "env" | "root" | "redact" | "progress">,
  cfg: GitHubTargetConfig,
): Promise<GitHubSession> {
  const repo = await resolveRepository(ctx.git, {
    repository: cfg.repository,
    baseUrl: cfg.baseUrl,
    remote: cfg.remote,
  });
  const host = new URL(repo.baseUrl).host;
  const token = await requireGitHubToken(ctx.env, { cwd: ctx.root, ...(host === "api.github.com" ? {} : { host }) });
  const retryBase = Number(ctx.env["BRTOPS_GITHUB_RETRY_BASE_MS"]);
  // Octokit is loaded when a GitHub target is first opened, not with every release step.
  const { createGitHubClient } = await import("../adapters/github/github-client.js");
  const client = createGitHubClient({
    owner: repo.owner,
    repo: repo.repo,
    token: token.token,
    baseUrl: repo.baseUrl,
    redact: ctx.redact,
    ...(Number.isFinite(retryBase) && retryBase > 0 ? { retryBaseMs: retryBase } : {}),
    pace: ctx.env["BRTOPS_GITHUB_NO_PACING"] !== "1",
    onWarning: (m) => ctx.progress({ kind: "info", step: "6.8", message: m }),
  });
  return { client, repo, tokenSource: token.source };
}
