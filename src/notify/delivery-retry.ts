/** Retries one delivery: exponential backoff with jitter, Retry-After honoured, every wait capped. */

/** What one attempt at a channel came to. */
export interface AttemptOutcome {
  ok: boolean;
  status?: number;
  error?: string;
  /** Network errors, timeouts, HTTP 5xx and 429, SMTP 4xx; not other client errors. */
  retryable: boolean;
  /** The receiver asked for this wait (Retry-After). */
  retryAfterMs?: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1); Math.random unless a test pins it. */
  random?: () => number;
}

/** Runs `attempt` until it succeeds, fails for good, or the attempts run out. */
export async function withRetry(
  attempt: () => Promise<AttemptOutcome>,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<AttemptOutcome & { attempts: number }> {
  const random = deps.random ?? Math.random;
  const max = Math.max(1, policy.attempts);
  for (let n = 1; ; n++) {
    const outcome = await attempt();
    if (outcome.ok || !outcome.retryable || n >= max) return { ...outcome, attempts: n };
    const wait =
      outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, policy.maxMs) : backoffMs(n, policy, random);
    await deps.sleep(wait);
  }
}

/** The wait after failed attempt `n` (1-based): base × 2^(n-1), capped, then "equal jitter" (half fixed, half random). */
export function backoffMs(
  n: number,
  policy: Pick<RetryPolicy, "baseMs" | "maxMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (n - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Milliseconds from a Retry-After header (delay-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** A promise that resolves after `ms` milliseconds. */
export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
