/** One HTTP POST attempt, with a timeout, turned into an AttemptOutcome the retry loop understands. */
import type { AttemptOutcome } from "./delivery-retry.js";
import { parseRetryAfter } from "./delivery-retry.js";

export interface PostRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Posts once; never throws. Error texts never contain the URL: a webhook URL may itself be the secret. */
export async function postOnce(fetchFn: typeof fetch, req: PostRequest): Promise<AttemptOutcome> {
  let res: Response;
  try {
    res = await fetchFn(req.url, {
      method: "POST",
      headers: req.headers,
      body: req.body,
      redirect: "error",
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (e) {
    return { ok: false, retryable: true, error: describeFetchError(e, req.timeoutMs) };
  }
  // Read the body even on success so the connection goes back to the pool.
  const text = await res.text().catch(() => "");
  if (res.ok) return { ok: true, status: res.status, retryable: false };
  const retryable = res.status === 429 || res.status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(res.headers.get("retry-after"), Date.now()) : undefined;
  const snippet = text.trim().replace(/\s+/g, " ").slice(0, 200);
  return {
    ok: false,
    status: res.status,
    retryable,
    error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${snippet ? `: ${snippet}` : ""}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return `no answer within ${timeoutMs} ms`;
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `network error: ${cause ?? err?.message ?? String(e)}`;
}
