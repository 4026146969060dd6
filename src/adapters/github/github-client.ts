/**
 * The GitHub REST client: the real Octokit with the retry (5xx) and throttling (rate limits)
 * plugins, a configurable base URL (GitHub Enterprise, or a local fake in tests), and one place
 * that turns Octokit's errors into BrtopsErrors with the token redacted.
 */
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { BrtopsError } from "../../core/errors.js";
import type { Redactor } from "../../core/redact.js";

const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

export interface GitHubRepo {
  owner: string;
  repo: string;
}

export interface GitHubClient extends GitHubRepo {
  octokit: GitHubOctokit;
  baseUrl: string;
  redact: Redactor;
  /** Milliseconds per unit of retry waits, for retries brtops makes itself (non-idempotent requests). */
  retryBaseMs: number;
}

export interface GitHubClientOptions extends GitHubRepo {
  token: string;
  /** API root, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  baseUrl?: string;
  redact: Redactor;
  /** Milliseconds per unit of Octokit's retry and rate-limit waits (default 1000; tests shorten it). */
  retryBaseMs?: number;
  /** Rate-limit retries before giving up (default 2). */
  rateLimitRetries?: number;
  /** Longest rate-limit wait accepted, in seconds (default 120); longer waits fail at once. */
  maxRateLimitWaitSec?: number;
  /**
   * GitHub asks integrations to space content-creating requests (about 1 s apart, 3 s for ones
   * that notify). `false` turns this pacing off (tests against a local fake).
   */
  pace?: boolean;
  onWarning?: (message: string) => void;
}

// "GET /repos/acme/shop/releases/tags/v2.1.0 - 404 with id UNKNOWN in 65ms" (@octokit/plugin-request-log).
const REQUEST_LOG_LINE = /^[A-Z]+ \S+ - \d+ with id \S+ in \d+ms$/;

// A limiter that runs jobs at once: replaces the pacing groups when pacing is off.
const immediate = {
  key: () => ({
    schedule: (...args: unknown[]) => {
      const fnIndex = typeof args[0] === "function" ? 0 : 1;
      const fn = args[fnIndex] as (...a: unknown[]) => unknown;
      return Promise.resolve(fn(...args.slice(fnIndex + 1)));
    },
  }),
};

/** Builds the client. Example: `createGitHubClient({owner: "acme", repo: "shop", token, redact})`. */
export function createGitHubClient(o: GitHubClientOptions): GitHubClient {
  const baseUrl = (o.baseUrl ?? "https://api.github.com").replace(/\/+$/, "");
  const base = o.retryBaseMs ?? 1000;
  const maxRetries = o.rateLimitRetries ?? 2;
  const maxWait = o.maxRateLimitWaitSec ?? 120;
  const warn = (m: string): void => o.onWarning?.(o.redact(m));
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      options: { method?: string; url?: string },
      _octokit: unknown,
      retryCount: number,
    ): boolean => {
      const again = retryCount < maxRetries && retryAfter <= maxWait;
      warn(
        `GitHub ${kind} on ${options.method} ${options.url}: ${again ? `retrying in ${retryAfter} s` : "giving up"}`,
      );
      return again;
    };
  const octokit = new GitHubOctokit({
    auth: o.token,
    baseUrl,
    userAgent: "brtops",
    // Octokit logs every failed request as an error; brtops reports (or expects: a 404 probe, a 422
    // already_exists to adopt) each failure itself, so those lines would only be noise.
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn,
      error: (m: string) => (REQUEST_LOG_LINE.test(m) ? undefined : warn(m)),
    },
    retry: { retryAfterBaseValue: base },
    throttle: {
      retryAfterBaseValue: base,
      onRateLimit: onLimit("rate limit"),
      onSecondaryRateLimit: onLimit("secondary rate limit"),
      ...(o.pace === false ? ({ write: immediate, notifications: immediate } as object) : {}),
    },
  });
  return { octokit, owner: o.owner, repo: o.repo, baseUrl, redact: o.redact, retryBaseMs: base };
}

interface OctokitErrorShape {
  status?: number;
  message?: string;
  response?: {
    headers?: Record<string, string | undefined>;
    data?: { message?: string; errors?: { resource?: string; code?: string; field?: string; message?: string }[] };
  };
}

/** HTTP status of an Octokit error (0 when the request never got an answer). */
export function statusOf(e: unknown): number {
  const s = (e as OctokitErrorShape | null)?.status;
  return typeof s === "number" ? s : 0;
}

/**
 * True when a request may have taken effect although it failed: no answer, or a 5xx. A
 * non-idempotent request (creating a release) must look before it is sent again.
 */
export function mayHaveActed(e: unknown): boolean {
  const err = e as OctokitErrorShape | null;
  return !err?.response || statusOf(e) >= 500;
}

/** True for GitHub's 422 `{"errors": [{"code": "already_exists", …}]}`. */
export function isAlreadyExists(e: unknown): boolean {
  return (
    statusOf(e) === 422 &&
    ((e as OctokitErrorShape).response?.data?.errors ?? []).some((x) => x.code === "already_exists")
  );
}

/** Turns an Octokit error into a BrtopsError naming what was being done; the token never appears. */
export function githubError(e: unknown, doing: string, client: Pick<GitHubClient, "redact" | "baseUrl">): BrtopsError {
  if (e instanceof BrtopsError) return e;
  const err = (e ?? {}) as OctokitErrorShape;
  // Octokit reports a request that got no answer (refused, reset, DNS) as status 500 without a response.
  const status = err.response ? statusOf(e) : 0;
  const apiMessage = client.redact(err.response?.data?.message ?? err.message ?? String(e));
  const details = client.redact.deep({
    status,
    doing,
    baseUrl: client.baseUrl,
    errors: err.response?.data?.errors ?? [],
  });
  const headers = err.response?.headers ?? {};
  if (status === 401) {
    return new BrtopsError("E_GITHUB_AUTH", `GitHub refused the token while ${doing}: ${apiMessage} (401).`, {
      hint: "Set GITHUB_TOKEN (or GH_TOKEN) to a token with the contents:write permission on the repository, or run `gh auth login`.",
      details,
    });
  }
  if (
    (status === 403 && headers["x-ratelimit-remaining"] === "0") ||
    status === 429 ||
    /rate limit/i.test(apiMessage)
  ) {
    const reset = Number(headers["x-ratelimit-reset"]);
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : "";
    return new BrtopsError("E_GITHUB_RATE_LIMIT", `GitHub's rate limit stopped brtops while ${doing}${when}.`, {
      hint: "Wait for the limit to reset, then run `brtops run` again: the steps done so far are kept.",
      details,
    });
  }
  if (status === 403 || status === 404) {
    return new BrtopsError(
      status === 403 ? "E_GITHUB_FORBIDDEN" : "E_GITHUB_NOT_FOUND",
      `GitHub answered ${status} while ${doing}: ${apiMessage}.`,
      {
        hint: "Check the repository name (github.repository in brtops.config.yaml or the origin URL) and that the token may write to it.",
        details,
      },
    );
  }
  const what =
    status === 0
      ? `GitHub could not be reached while ${doing}: ${apiMessage}`
      : `GitHub answered ${status} while ${doing}: ${apiMessage}`;
  return new BrtopsError("E_GITHUB", `${what}.`, {
    hint:
      status === 0 || status >= 500
        ? "GitHub may be down or unreachable; run `brtops run` again later (completed steps are kept)."
        : "See the details for the fields GitHub rejected.",
    details,
  });
}

/** Whether the token can see and push to the repository (readiness check 4.1). */
export async function repositoryAccess(
  client: GitHubClient,
): Promise<{ canPush: boolean; defaultBranch: string; fullName: string }> {
  try {
    const r = await client.octokit.rest.repos.get({ owner: client.owner, repo: client.repo });
    const perms = (r.data as { permissions?: { push?: boolean } }).permissions;
    return { canPush: perms?.push === true, defaultBranch: r.data.default_branch, fullName: r.data.full_name };
  } catch (e) {
    throw githubError(e, `reading repository ${client.owner}/${client.repo}`, client);
  }
}
