import { afterEach, describe, expect, it } from "vitest";
import { notificationsSchema } from "../../src/config/schema-notifications.js";
import { createRedactor } from "../../src/core/redact.js";
import { createNotifier } from "../../src/notify/create-notifier.js";
import type { Notification } from "../../src/notify/notification.js";
import { slackMessage } from "../../src/notify/render-notification.js";
import { startReceiver, type Receiver } from "./http-receiver.js";

const redact = createRedactor([]);
const note: Notification = {
  kind: "gate",
  release: "v2.1.0",
  environment: "staging",
  phase: 3,
  step: "3.9",
  title: "Approve phase 3 <build & test>",
  text: "All 412 tests passed. Coverage 91 %.",
  url: "http://127.0.0.1:4000/releases/v2.1.0?tab=gate",
  at: "2025-08-27T10:00:00.000Z",
};

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

describe("slack channel", () => {
  it("posts a Slack incoming-webhook payload to the URL read from urlEnv", async () => {
    const r = await startReceiver(() => ({ status: 200, body: "ok" }), "/services/T000/B000/abcdefghijklmnop");
    receivers.push(r);
    const config = notificationsSchema.parse({
      channels: [{ type: "slack", name: "team", urlEnv: "SLACK_WEBHOOK_URL" }],
    });
    const [res] = await createNotifier(config, { env: { SLACK_WEBHOOK_URL: r.url }, redact }).notify(note);
    expect(res).toEqual({ channel: "team", type: "slack", ok: true, attempts: 1, status: 200 });
    const req = r.requests[0]!;
    expect(req.path).toBe("/services/T000/B000/abcdefghijklmnop");
    expect(req.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(req.body) as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[];
    };
    // mrkdwn: bold title, & < > escaped, the link in Slack's <url|label> form.
    expect(body.text).toBe(
      "*Approve phase 3 &lt;build &amp; test&gt;*\nAll 412 tests passed. Coverage 91 %.\n<http://127.0.0.1:4000/releases/v2.1.0?tab=gate|Open release v2.1.0>",
    );
    expect(body.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: body.text } });
    expect(body.blocks[1]?.elements?.[0]?.text).toBe(
      "release v2.1.0 · environment staging · phase 3 · step 3.9 · gate",
    );
  });

  it("keeps the webhook URL (a credential) out of errors even when the receiver echoes it", async () => {
    let path = "";
    const r = await startReceiver(
      (_n, req) => ({ status: 403, body: `invalid_token for ${req.path}` }),
      "/services/T111/B222/zyxwvutsrqponmlk",
    );
    receivers.push(r);
    path = new URL(r.url).pathname;
    const config = notificationsSchema.parse({
      channels: [{ type: "slack", name: "team", urlEnv: "SLACK_WEBHOOK_URL" }],
    });
    const [res] = await createNotifier(config, { env: { SLACK_WEBHOOK_URL: r.url }, redact }).notify(note);
    expect(res).toMatchObject({ ok: false, attempts: 1, status: 403 });
    expect(res?.error).toBe("HTTP 403 Forbidden: invalid_token for [REDACTED]");
    expect(res?.error).not.toContain(path);
  });

  it("refuses an environment variable that holds no URL, sending nothing", async () => {
    const config = notificationsSchema.parse({
      channels: [{ type: "slack", name: "team", urlEnv: "SLACK_WEBHOOK_URL" }],
    });
    const [res] = await createNotifier(config, { env: { SLACK_WEBHOOK_URL: "not a url at all" }, redact }).notify(note);
    expect(res).toEqual({
      channel: "team",
      type: "slack",
      ok: false,
      attempts: 0,
      error: "environment variable SLACK_WEBHOOK_URL does not hold an http(s) URL",
    });
  });

  it("clips a very long text to fit one Slack section", () => {
    const msg = slackMessage({ ...note, url: undefined, text: "x".repeat(10_000) });
    expect(msg.text.length).toBeLessThanOrEqual(2900);
    expect(msg.text.endsWith("…")).toBe(true);
  });
});
