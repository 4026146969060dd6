import { afterEach, describe, expect, it } from "vitest";
import { notificationsSchema } from "../../src/config/schema-notifications.js";
import { createRedactor, secretValuesFrom } from "../../src/core/redact.js";
import { createNotifier } from "../../src/notify/create-notifier.js";
import type { Notification } from "../../src/notify/notification.js";
import { recordingSleep, startReceiver, type Receiver } from "./http-receiver.js";
import { decodeMail, startSmtp, type SmtpReceiver } from "./smtp-receiver.js";

const GH_TOKEN = `ghp_${"A1b2C3d4E5".repeat(3)}f6G7h8`; // ghp_ + 36 characters
const DB_PASSWORD = "correct-horse-battery-staple";
const env = {
  BRTOPS_WEBHOOK_SECRET: "webhook-hmac-secret-42",
  DATABASE_PASSWORD: DB_PASSWORD,
  SMTP_USER: "mailer",
  SMTP_PASSWORD: "smtp-pass-9876",
};
const redact = createRedactor(secretValuesFrom(env));

const planted: Notification = {
  kind: "incident",
  release: "v2.1.0",
  environment: "production",
  phase: 5,
  step: "5.2",
  title: `Deploy failed with ${GH_TOKEN}`,
  text: `psql: FATAL password ${DB_PASSWORD} rejected; git push https://x:${GH_TOKEN}@github.com/o/r`,
  url: `http://127.0.0.1:4000/releases/v2.1.0?token=${GH_TOKEN}`,
  at: "2025-08-27T10:00:00.000Z",
  data: { stderr: [`remote: ${GH_TOKEN}`], env: { [DB_PASSWORD]: "as a key", nested: { deeper: DB_PASSWORD } } },
};

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

describe("redaction", () => {
  it("lets no planted token or environment secret reach a webhook, Slack or SMTP receiver", async () => {
    const hook: Receiver = await startReceiver(() => ({ status: 200 }));
    const slack: Receiver = await startReceiver(() => ({ status: 200 }), "/services/T9/B9/slacksecretpath");
    const smtp: SmtpReceiver = await startSmtp({ login: { user: "mailer", pass: "smtp-pass-9876" } });
    closers.push(hook.close, slack.close, smtp.close);
    const config = notificationsSchema.parse({
      channels: [
        { type: "webhook", name: "ops", url: hook.url, secretEnv: "BRTOPS_WEBHOOK_SECRET" },
        { type: "slack", name: "team", urlEnv: "SLACK_WEBHOOK_URL" },
        {
          type: "email",
          name: "leads",
          smtp: { host: "127.0.0.1", port: smtp.port, userEnv: "SMTP_USER", passwordEnv: "SMTP_PASSWORD" },
          from: "brtops@example.com",
          to: ["lead@example.com"],
        },
      ],
    });
    const results = await createNotifier(config, { env: { ...env, SLACK_WEBHOOK_URL: slack.url }, redact }).notify(
      planted,
    );
    expect(results.map((r) => [r.channel, r.ok])).toEqual([
      ["ops", true],
      ["team", true],
      ["leads", true],
    ]);

    const mail = decodeMail(smtp.mails[0]!.raw);
    const seen = [
      JSON.stringify(hook.requests),
      JSON.stringify(slack.requests.map((r) => ({ ...r, path: "" }))),
      smtp.mails[0]!.raw,
      mail.body,
      JSON.stringify(mail.headers),
    ];
    for (const text of seen) {
      expect(text).not.toContain(GH_TOKEN);
      expect(text).not.toContain(DB_PASSWORD);
      expect(text).not.toContain("webhook-hmac-secret-42");
      expect(text).not.toContain("smtp-pass-9876");
      expect(text).toContain("[REDACTED]");
    }
    const body = JSON.parse(hook.requests[0]!.body) as Notification;
    expect(body.title).toBe("Deploy failed with [REDACTED]");
    expect(body.data).toEqual({
      stderr: ["remote: [REDACTED]"],
      env: { "[REDACTED]": "as a key", nested: { deeper: "[REDACTED]" } },
    });
    expect(mail.headers.subject).toBe("[brtops] v2.1.0 → production: Deploy failed with [REDACTED]");
  });

  it("redacts what a failing receiver answers before returning it as the error", async () => {
    const hook = await startReceiver(() => ({
      status: 400,
      body: `bad request: token ${GH_TOKEN} and ${DB_PASSWORD} refused`,
    }));
    closers.push(hook.close);
    const { sleep } = recordingSleep();
    const config = notificationsSchema.parse({ channels: [{ type: "webhook", name: "ops", url: hook.url }] });
    const [res] = await createNotifier(config, { env, redact, sleep }).notify({
      ...planted,
      title: "t",
      text: "t",
      data: {},
    });
    expect(res?.ok).toBe(false);
    expect(res?.error).toBe("HTTP 400 Bad Request: bad request: token [REDACTED] and [REDACTED] refused");
  });
});
