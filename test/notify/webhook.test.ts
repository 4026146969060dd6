import { createHmac, timingSafeEqual } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { notificationsSchema } from "../../src/config/schema-notifications.js";
import { createRedactor, secretValuesFrom } from "../../src/core/redact.js";
import { createNotifier } from "../../src/notify/create-notifier.js";
import type { Notification } from "../../src/notify/notification.js";
import { recordingSleep, startReceiver, type Receiver } from "./http-receiver.js";

const SECRET = "whsec-test-0123456789abcdef";
const env = { BRTOPS_WEBHOOK_SECRET: SECRET };
const redact = createRedactor(secretValuesFrom(env));

const note: Notification = {
  kind: "deploy-failure",
  release: "v2.1.0",
  environment: "production",
  phase: 5,
  step: "5.3",
  title: "Deploy step api failed",
  text: "The api deploy exited with code 1.",
  url: "http://127.0.0.1:4000/releases/v2.1.0",
  at: "2025-08-27T10:00:00.000Z",
  data: { exitCode: 1 },
};

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

function webhookConfig(url: string) {
  return notificationsSchema.parse({
    channels: [{ type: "webhook", name: "ops", url, secretEnv: "BRTOPS_WEBHOOK_SECRET" }],
  });
}

/** Verifies the signature the way a GitHub-style receiver does: HMAC of the raw body, constant-time compare. */
function signatureValid(body: string, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

describe("webhook channel", () => {
  it("posts the notification as signed JSON that a receiver can verify", async () => {
    const r = await receiver((_n, req) =>
      signatureValid(req.body, req.headers["x-brtops-signature-256"], SECRET)
        ? { status: 204 }
        : { status: 401, body: "bad signature" },
    );
    const results = await createNotifier(webhookConfig(r.url), { env, redact }).notify(note);
    expect(results).toEqual([{ channel: "ops", type: "webhook", ok: true, attempts: 1, status: 204 }]);
    const req = r.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/hook");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["x-brtops-event"]).toBe("deploy-failure");
    expect(req.headers["x-brtops-delivery"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(JSON.parse(req.body)).toEqual({ ...note });
  });

  it("is refused by a receiver holding another secret (the signature really depends on it)", async () => {
    const r = await receiver((_n, req) =>
      signatureValid(req.body, req.headers["x-brtops-signature-256"], "another-secret-value")
        ? { status: 200 }
        : { status: 401, body: "bad signature" },
    );
    const [res] = await createNotifier(webhookConfig(r.url), { env, redact }).notify(note);
    expect(res).toMatchObject({ ok: false, attempts: 1, status: 401 });
    expect(res?.error).toContain("HTTP 401");
    expect(res?.error).toContain("bad signature");
  });

  it("retries 500 twice then succeeds on the third attempt, with the same delivery id and growing backoff", async () => {
    const r = await receiver((n) => (n < 2 ? { status: 500, body: "oops" } : { status: 200, body: "ok" }));
    const { sleep, waits } = recordingSleep();
    const [res] = await createNotifier(webhookConfig(r.url), { env, redact, sleep }).notify(note);
    expect(res).toEqual({ channel: "ops", type: "webhook", ok: true, attempts: 3, status: 200 });
    expect(r.requests).toHaveLength(3);
    expect(new Set(r.requests.map((q) => q.headers["x-brtops-delivery"])).size).toBe(1);
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
    // baseMs 200: the first wait is in [100, 200], the second in [200, 400] (equal jitter).
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(100);
    expect(waits[0]).toBeLessThanOrEqual(200);
    expect(waits[1]).toBeGreaterThanOrEqual(200);
    expect(waits[1]).toBeLessThanOrEqual(400);
  });

  it("honours Retry-After on 429", async () => {
    const r = await receiver((n) =>
      n === 0 ? { status: 429, headers: { "retry-after": "3" }, body: "slow down" } : { status: 200 },
    );
    const { sleep, waits } = recordingSleep();
    const [res] = await createNotifier(webhookConfig(r.url), { env, redact, sleep }).notify(note);
    expect(res).toMatchObject({ ok: true, attempts: 2, status: 200 });
    expect(waits).toEqual([3000]);
  });

  it("caps a long Retry-After at retry.maxMs", async () => {
    const r = await receiver((n) => (n === 0 ? { status: 503, headers: { "retry-after": "120" } } : { status: 200 }));
    const { sleep, waits } = recordingSleep();
    const config = notificationsSchema.parse({
      channels: [{ type: "webhook", name: "ops", url: r.url }],
      retry: { attempts: 3, baseMs: 100, maxMs: 1500 },
    });
    const [res] = await createNotifier(config, { env, redact, sleep }).notify(note);
    expect(res).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toEqual([1500]);
  });

  it("does not retry a 400 and reports it as a value", async () => {
    const r = await receiver(() => ({ status: 400, body: "invalid payload" }));
    const { sleep, waits } = recordingSleep();
    const [res] = await createNotifier(webhookConfig(r.url), { env, redact, sleep }).notify(note);
    expect(res).toEqual({
      channel: "ops",
      type: "webhook",
      ok: false,
      attempts: 1,
      status: 400,
      error: "HTTP 400 Bad Request: invalid payload",
    });
    expect(r.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("gives up after retry.attempts on a receiver that keeps failing", async () => {
    const r = await receiver(() => ({ status: 502 }));
    const { sleep } = recordingSleep();
    const [res] = await createNotifier(webhookConfig(r.url), { env, redact, sleep }).notify(note);
    expect(res).toMatchObject({ ok: false, attempts: 4, status: 502 });
    expect(r.requests).toHaveLength(4);
  });

  it("abandons an attempt that gets no answer within timeoutMs and retries it", async () => {
    const r = await receiver((n) => (n === 0 ? "hang" : { status: 200 }));
    const { sleep } = recordingSleep();
    const config = notificationsSchema.parse({
      channels: [{ type: "webhook", name: "ops", url: r.url }],
      timeoutMs: 300,
    });
    const [res] = await createNotifier(config, { env, redact, sleep }).notify(note);
    expect(res).toMatchObject({ ok: true, attempts: 2 });
    expect(r.requests).toHaveLength(2);
  });

  it("reports a refused connection after retrying, without throwing", async () => {
    const r = await startReceiver(() => ({ status: 200 }));
    await r.close(); // the port is now closed
    const { sleep, waits } = recordingSleep();
    const [res] = await createNotifier(webhookConfig(r.url), { env, redact, sleep }).notify(note);
    expect(res).toMatchObject({ ok: false, attempts: 4 });
    expect(res?.error).toMatch(/^network error: /);
    expect(waits).toHaveLength(3);
  });

  it("sends nothing and says which variable is missing when secretEnv is unset", async () => {
    const r = await receiver(() => ({ status: 200 }));
    const [res] = await createNotifier(webhookConfig(r.url), { env: {}, redact }).notify(note);
    expect(res).toEqual({
      channel: "ops",
      type: "webhook",
      ok: false,
      attempts: 0,
      error: "environment variable BRTOPS_WEBHOOK_SECRET not set",
    });
    expect(r.requests).toHaveLength(0);
  });

  it("sends only the events a channel subscribed to", async () => {
    const r = await receiver(() => ({ status: 200 }));
    const config = notificationsSchema.parse({
      channels: [{ type: "webhook", name: "gates", url: r.url, events: ["gate", "go-decision"] }],
    });
    const notifier = createNotifier(config, { env, redact });
    expect(await notifier.notify(note)).toEqual([]);
    expect(r.requests).toHaveLength(0);
    const [res] = await notifier.notify({ ...note, kind: "gate" });
    expect(res?.ok).toBe(true);
    expect(r.requests.map((q) => q.headers["x-brtops-event"])).toEqual(["gate"]);
  });

  it("fans out to every channel and returns one result each, in config order", async () => {
    const good = await receiver(() => ({ status: 200 }));
    const bad = await receiver(() => ({ status: 404, body: "no_service" }));
    const config = notificationsSchema.parse({
      channels: [
        { type: "webhook", name: "a", url: good.url },
        { type: "slack", name: "b", url: bad.url },
      ],
    });
    const results = await createNotifier(config, { env, redact }).notify(note);
    expect(results.map((x) => [x.channel, x.type, x.ok, x.status])).toEqual([
      ["a", "webhook", true, 200],
      ["b", "slack", false, 404],
    ]);
  });

  it("returns failures instead of throwing when the data cannot be serialised", async () => {
    const r = await receiver(() => ({ status: 200 }));
    const data: Record<string, unknown> = {};
    data.self = data;
    const [res] = await createNotifier(webhookConfig(r.url), { env, redact }).notify({ ...note, data });
    expect(res).toMatchObject({ ok: false, attempts: 0 });
    expect(res?.error).toMatch(/cannot be sent as JSON/);
    expect(r.requests).toHaveLength(0);
  });

  it("does nothing without a notifications section", async () => {
    expect(await createNotifier(undefined, { env, redact }).notify(note)).toEqual([]);
  });
});
