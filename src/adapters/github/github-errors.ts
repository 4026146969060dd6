/**
 * What GitHub's errors mean: the status of an Octokit error, whether a failed request may have
 * acted, GitHub's "already exists", and one BrtopsError per kind of failure with the token
 * redacted. No Octokit here, so a release without a GitHub target never loads the client.
 */
import { BrtopsError } from "../../core/errors.js";
import type { GitHubClient } from "./github-client.js";

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
