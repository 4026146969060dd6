import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { notificationsSchema } from "../../src/config/schema-notifications.js";

const firstIssue = (input: unknown): { path: string; message: string } => {
  const r = notificationsSchema.safeParse(input);
  if (r.success) throw new Error("expected the config to be rejected");
  const i = r.error.issues[0]!;
  return { path: i.path.map(String).join("."), message: i.message };
};

describe("notifications config", () => {
  it("parses the documented YAML with defaults filled in", () => {
    const cfg = notificationsSchema.parse(
      parseYaml(`
channels:
  - {type: webhook, name: ops, url: "https://hooks.example.com/brtops", secretEnv: BRTOPS_WEBHOOK_SECRET, events: [gate, go-decision, deploy-failure]}
  - {type: slack, name: team, urlEnv: SLACK_WEBHOOK_URL}
  - type: email
    name: leads
    smtp: {host: smtp.example.com, port: 587, userEnv: SMTP_USER, passwordEnv: SMTP_PASSWORD}
    from: brtops@example.com
    to: [lead@example.com]
retry: {attempts: 5}
`),
    );
    expect(cfg.channels.map((c) => c.type)).toEqual(["webhook", "slack", "email"]);
    expect(cfg.channels[0]).toMatchObject({ events: ["gate", "go-decision", "deploy-failure"] });
    expect(cfg.channels[1]?.events).toBeUndefined();
    expect(cfg.channels[2]).toMatchObject({ smtp: { secure: false } });
    expect(cfg.retry).toEqual({ attempts: 5, baseMs: 200, maxMs: 5000 });
    expect(cfg.timeoutMs).toBe(10_000);
    expect(notificationsSchema.parse({})).toEqual({
      channels: [],
      retry: { attempts: 4, baseMs: 200, maxMs: 5000 },
      timeoutMs: 10_000,
    });
  });

  it.each([
    [
      { channels: [{ type: "teams", name: "x", url: "https://x.example" }] },
      "channels.0.type",
      'unknown channel type "teams": use webhook, slack or email',
    ],
    [
      { channels: [{ name: "x", url: "https://x.example" }] },
      "channels.0.type",
      "a channel needs a `type`: webhook, slack or email",
    ],
    [{ channels: [{ type: "slack", name: "x" }] }, "channels.0.url", "give exactly one of `url` and `urlEnv`"],
    [
      { channels: [{ type: "webhook", name: "x", url: "https://x.example", urlEnv: "HOOK_URL" }] },
      "channels.0.url",
      "give exactly one of `url` and `urlEnv`",
    ],
    [{ channels: [{ type: "webhook", name: "x", url: "file:///etc/passwd" }] }, "channels.0.url", "an http(s) URL"],
    [
      { channels: [{ type: "webhook", name: "x", url: "https://x.example", secretEnv: "not a name" }] },
      "channels.0.secretEnv",
      "an environment variable name such as SLACK_WEBHOOK_URL",
    ],
    [
      { channels: [{ type: "slack", name: "x", url: "https://x.example", colour: "red" }] },
      "channels.0",
      'Unrecognized key: "colour"',
    ],
    [
      { channels: [{ type: "slack", name: "x", url: "https://x.example", events: [] }] },
      "channels.0.events",
      "list at least one event, or leave `events` out for all",
    ],
    [
      {
        channels: [
          { type: "slack", name: "x", url: "https://a.example" },
          { type: "slack", name: "x", url: "https://b.example" },
        ],
      },
      "channels.1.name",
      'channel name "x" is used twice',
    ],
    [
      {
        channels: [
          {
            type: "email",
            name: "m",
            smtp: { host: "h", port: 25, userEnv: "SMTP_USER" },
            from: "a@b.c",
            to: ["d@e.f"],
          },
        ],
      },
      "channels.0.smtp.userEnv",
      "give both `userEnv` and `passwordEnv` for SMTP login, or neither",
    ],
    [
      { channels: [{ type: "email", name: "m", smtp: { host: "h", port: 25 }, from: "a@b.c", to: [] }] },
      "channels.0.to",
      "name at least one recipient",
    ],
    [{ retry: { attempts: 0 } }, "retry.attempts", "Too small: expected number to be >=1"],
  ])("rejects %j at %s", (input, path, message) => {
    expect(firstIssue(input)).toEqual({ path, message });
  });

  it("names the allowed events when one is unknown", () => {
    const issue = firstIssue({
      channels: [{ type: "slack", name: "x", url: "https://x.example", events: ["gate", "deploy"] }],
    });
    expect(issue.path).toBe("channels.0.events.1");
    expect(issue.message).toContain('"deploy-start"');
    expect(issue.message).toContain('"deviation"');
  });
});
