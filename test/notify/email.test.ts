import { afterEach, describe, expect, it } from "vitest";
import { notificationsSchema } from "../../src/config/schema-notifications.js";
import { createRedactor, secretValuesFrom } from "../../src/core/redact.js";
import { createNotifier } from "../../src/notify/create-notifier.js";
import type { Notification } from "../../src/notify/notification.js";
import { recordingSleep } from "./http-receiver.js";
import { decodeMail, startSmtp, type SmtpReceiver } from "./smtp-receiver.js";

const note: Notification = {
  kind: "complete",
  release: "v2.1.0",
  environment: "production",
  phase: 7,
  title: "Release v2.1.0 certified",
  text: "Deployed to production and validated. Health checks green for 30 minutes.",
  url: "http://127.0.0.1:4000/releases/v2.1.0",
  at: "2025-08-27T12:00:00.000Z",
  data: { durationMinutes: 42 },
};

let servers: SmtpReceiver[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function smtp(...args: Parameters<typeof startSmtp>): Promise<SmtpReceiver> {
  const s = await startSmtp(...args);
  servers.push(s);
  return s;
}

function emailConfig(port: number, smtpExtra: Record<string, unknown> = {}) {
  return notificationsSchema.parse({
    channels: [
      {
        type: "email",
        name: "leads",
        smtp: { host: "127.0.0.1", port, ...smtpExtra },
        from: "brtops@example.com",
        to: ["lead@example.com", "ops@example.com"],
      },
    ],
    retry: { attempts: 3, baseMs: 10, maxMs: 50 },
  });
}

describe("email channel", () => {
  it("delivers a plain-text mail over SMTP with login taken from the environment", async () => {
    const env = { SMTP_USER: "mailer", SMTP_PASSWORD: "s3cret-smtp-pass" };
    const s = await smtp({ login: { user: "mailer", pass: "s3cret-smtp-pass" } });
    const config = emailConfig(s.port, { userEnv: "SMTP_USER", passwordEnv: "SMTP_PASSWORD" });
    const [res] = await createNotifier(config, { env, redact: createRedactor(secretValuesFrom(env)) }).notify(note);
    expect(res).toEqual({ channel: "leads", type: "email", ok: true, attempts: 1, status: 250 });
    expect(s.mails).toHaveLength(1);
    const mail = s.mails[0]!;
    expect(mail.user).toBe("mailer");
    expect(mail.from).toBe("brtops@example.com");
    expect(mail.to).toEqual(["lead@example.com", "ops@example.com"]);
    const { headers, body } = decodeMail(mail.raw);
    expect(headers.subject).toBe("[brtops] v2.1.0 → production: Release v2.1.0 certified");
    expect(headers["content-type"]).toMatch(/^text\/plain/);
    expect(body).toContain(
      "Release v2.1.0 certified\n\nDeployed to production and validated. Health checks green for 30 minutes.",
    );
    expect(body).toContain("Environment: production");
    expect(body).toContain("Event:       complete");
    expect(body).toContain("Link:        http://127.0.0.1:4000/releases/v2.1.0");
    expect(body).toContain('"durationMinutes": 42');
  });

  it("fails without retrying when the SMTP login is refused (535)", async () => {
    const env = { SMTP_USER: "mailer", SMTP_PASSWORD: "wrong-password-123" };
    const s = await smtp({ login: { user: "mailer", pass: "right-password-456" } });
    const { sleep, waits } = recordingSleep();
    const [res] = await createNotifier(emailConfig(s.port, { userEnv: "SMTP_USER", passwordEnv: "SMTP_PASSWORD" }), {
      env,
      redact: createRedactor(secretValuesFrom(env)),
      sleep,
    }).notify(note);
    expect(res).toMatchObject({ ok: false, attempts: 1, status: 535 });
    expect(res?.error).not.toContain("wrong-password-123");
    expect(waits).toEqual([]);
    expect(s.mails).toHaveLength(0);
  });

  it("retries a recipient deferred with 451, and only that recipient", async () => {
    const s = await smtp({ rcptReply: (n) => (n === 0 ? 451 : undefined) });
    const { sleep, waits } = recordingSleep();
    const [res] = await createNotifier(emailConfig(s.port), { env: {}, redact: createRedactor(), sleep }).notify(note);
    expect(res).toMatchObject({ ok: true, attempts: 2, status: 250 });
    expect(waits).toHaveLength(1);
    expect(s.mails.map((m) => m.to)).toEqual([["ops@example.com"], ["lead@example.com"]]);
  });

  it("retries when every recipient is deferred", async () => {
    const s = await smtp({ rcptReply: (n) => (n < 2 ? 450 : undefined) });
    const { sleep } = recordingSleep();
    const [res] = await createNotifier(emailConfig(s.port), { env: {}, redact: createRedactor(), sleep }).notify(note);
    expect(res).toMatchObject({ ok: true, attempts: 2 });
    expect(s.mails.map((m) => m.to)).toEqual([["lead@example.com", "ops@example.com"]]);
  });

  it("reports a recipient refused for good while the others get the mail", async () => {
    const s = await smtp({ rcptReply: (n) => (n === 1 ? 550 : undefined) });
    const { sleep, waits } = recordingSleep();
    const [res] = await createNotifier(emailConfig(s.port), { env: {}, redact: createRedactor(), sleep }).notify(note);
    expect(res).toMatchObject({ ok: false, attempts: 1, status: 550 });
    expect(res?.error).toMatch(/^SMTP refused for ops@example\.com \(550 /);
    expect(waits).toEqual([]);
    expect(s.mails.map((m) => m.to)).toEqual([["lead@example.com"]]);
  });

  it("does not retry a permanent 550", async () => {
    const s = await smtp({ rcptReply: () => 550 });
    const { sleep } = recordingSleep();
    const [res] = await createNotifier(emailConfig(s.port), { env: {}, redact: createRedactor(), sleep }).notify(note);
    expect(res).toMatchObject({ ok: false, attempts: 1, status: 550 });
    expect(res?.error).toMatch(/^SMTP /);
    expect(s.mails).toHaveLength(0);
  });

  it("retries a refused connection up to retry.attempts", async () => {
    const s = await startSmtp();
    await s.close();
    const { sleep, waits } = recordingSleep();
    const [res] = await createNotifier(emailConfig(s.port), { env: {}, redact: createRedactor(), sleep }).notify(note);
    expect(res).toMatchObject({ ok: false, attempts: 3 });
    expect(res?.error).toMatch(/ECONNECTION|ECONNREFUSED/);
    expect(waits).toHaveLength(2);
  });
});
