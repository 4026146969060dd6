/**
 * The GitHub REST client: the real Octokit with the retry (5xx) and throttling (rate limits)
 * plugins, a configurable base URL (GitHub Enterprise, or a local fake in tests), and one place
 * that turns Octokit's errors into BrtopsErrors with the token redacted.
 */
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { githubError } from "./github-errors.js";
import type { Redactor } from "../../core/redact.js";

// The answers to errors live in github-errors.ts, which loads no Octokit: steps that only read them stay light.
export { githubError, isAlreadyExists, mayHaveActed, statusOf } from "./github-errors.js";

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
