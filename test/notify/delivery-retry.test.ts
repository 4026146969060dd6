import { describe, expect, it } from "vitest";
import { backoffMs, parseRetryAfter, withRetry, type AttemptOutcome } from "../../src/notify/delivery-retry.js";

describe("backoff and Retry-After", () => {
  it.each([
    [1, 0, 100],
    [1, 0.999999, 200],
    [2, 0, 200],
    [3, 0.5, 600],
    [10, 0, 2500], // capped at maxMs 5000, half of it fixed
    [10, 0.999999, 5000],
  ])("attempt %i with random %f waits %i ms (base 200, max 5000)", (n, r, expected) => {
    expect(backoffMs(n, { baseMs: 200, maxMs: 5000 }, () => r)).toBe(expected);
  });

  it.each([
    ["3", 3000],
    [" 0 ", 0],
    ["Wed, 27 Aug 2025 10:00:10 GMT", 10_000],
    ["Wed, 27 Aug 2025 09:00:00 GMT", 0],
    ["soon", undefined],
    [null, undefined],
  ])("reads Retry-After %j as %j ms", (value, expected) => {
    expect(parseRetryAfter(value, Date.parse("2025-08-27T10:00:00Z"))).toBe(expected);
  });

  it("stops at the first success, at a final failure, or when attempts run out", async () => {
    const run = async (script: AttemptOutcome[], attempts: number) => {
      let i = 0;
      const waits: number[] = [];
      const out = await withRetry(
        async () => script[Math.min(i++, script.length - 1)]!,
        { attempts, baseMs: 10, maxMs: 100 },
        { sleep: async (ms) => void waits.push(ms), random: () => 1 },
      );
      return { ...out, waits };
    };
    const fail = { ok: false, retryable: true };
    expect(await run([fail, { ok: true, retryable: false }], 5)).toMatchObject({ ok: true, attempts: 2, waits: [10] });
    expect(await run([fail, { ok: false, retryable: false }], 5)).toMatchObject({
      ok: false,
      attempts: 2,
      waits: [10],
    });
    expect(await run([fail], 3)).toMatchObject({ ok: false, attempts: 3, waits: [10, 20] });
    expect(
      await run(
        [
          { ...fail, retryAfterMs: 60_000 },
          { ok: true, retryable: false },
        ],
        3,
      ),
    ).toMatchObject({ ok: true, waits: [100] });
  });
});
