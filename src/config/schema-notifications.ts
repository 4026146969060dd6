/** Config schema of `notifications`: webhook, Slack and e-mail channels, and the retry policy. */
import { z } from "zod";

/** Every kind of notification brtops sends; a channel's `events` picks some (default: all). */
export const NOTIFICATION_KINDS = [
  "prompt",
  "gate",
  "go-decision",
  "deploy-start",
  "deploy-progress",
  "deploy-failure",
  "rollback",
  "complete",
  "incident",
  "hold",
  "deviation",
  "emergency",
  "escalation",
] as const;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name such as SLACK_WEBHOOK_URL");
const httpUrl = z.url({ protocol: /^https?$/, error: "an http(s) URL" });
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a channel name: letters, digits, . _ -");
const events = z
  .array(z.enum(NOTIFICATION_KINDS))
  .min(1, "list at least one event, or leave `events` out for all")
  .optional()
  .describe("The kinds of notification this channel gets; default: all.");
const channelName = name.describe("The channel's name, unique among the channels.");
const channelUrl = httpUrl.optional().describe("The URL posted to (give this or urlEnv).");
const channelUrlEnv = envName
  .optional()
  .describe("Environment variable holding the URL (give this or url): a webhook URL may itself be a secret.");

/** Exactly one of `url` and `urlEnv`: a Slack webhook URL is itself a secret, so it may come from the environment. */
const oneUrl = <T extends { url?: string | undefined; urlEnv?: string | undefined }>(
  c: T,
  ctx: z.RefinementCtx,
): void => {
  if ((c.url === undefined) === (c.urlEnv === undefined)) {
    ctx.addIssue({ code: "custom", path: ["url"], message: "give exactly one of `url` and `urlEnv`" });
  }
};

const webhookChannel = z
  .object({
    type: z.literal("webhook").describe("A JSON POST to a URL of your own."),
    name: channelName,
    url: channelUrl,
    urlEnv: channelUrlEnv,
    secretEnv: envName
      .optional()
      .describe("Environment variable holding the HMAC-SHA256 secret of the x-brtops-signature-256 header."),
    events,
  })
  .strict()
  .superRefine(oneUrl);

const slackChannel = z
  .object({
    type: z.literal("slack").describe("A Slack incoming webhook."),
    name: channelName,
    url: channelUrl,
    urlEnv: channelUrlEnv,
    events,
  })
  .strict()
  .superRefine(oneUrl);

const emailChannel = z
  .object({
    type: z.literal("email").describe("E-mail through an SMTP server."),
    name: channelName,
    smtp: z
      .object({
        host: z.string().min(1).describe("The SMTP server's host name."),
        port: z.number().int().min(1).max(65535).describe("The SMTP server's port (465, 587, 25…)."),
        secure: z
          .boolean()
          .default(false)
          .describe("TLS from the first byte (port 465); otherwise STARTTLS when the server offers it."),
        userEnv: envName.optional().describe("Environment variable holding the SMTP user name."),
        passwordEnv: envName.optional().describe("Environment variable holding the SMTP password."),
      })
      .strict()
      .refine((s) => (s.userEnv === undefined) === (s.passwordEnv === undefined), {
        path: ["userEnv"],
        message: "give both `userEnv` and `passwordEnv` for SMTP login, or neither",
      })
      .describe("The SMTP server."),
    from: z.string().min(3).describe("The sender's address."),
    to: z.array(z.string().min(3)).min(1, "name at least one recipient").describe("The recipients' addresses."),
    events,
  })
  .strict();

const channel = z.discriminatedUnion("type", [webhookChannel, slackChannel, emailChannel], {
  error: (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    const input = issue.input as { type?: unknown } | undefined;
    const got = input && typeof input === "object" ? input.type : undefined;
    return got === undefined
      ? "a channel needs a `type`: webhook, slack or email"
      : `unknown channel type ${JSON.stringify(got)}: use webhook, slack or email`;
  },
});

export const notificationsSchema = z
  .object({
    channels: z
      .array(channel)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((c, i) => {
          if (seen.has(c.name))
            ctx.addIssue({ code: "custom", path: [i, "name"], message: `channel name "${c.name}" is used twice` });
          seen.add(c.name);
        });
      })
      .describe("Where notifications go: webhook, slack or email channels."),
    retry: z
      .object({
        attempts: z.number().int().min(1).max(10).default(4).describe("Attempts in all, the first included."),
        baseMs: z
          .number()
          .int()
          .min(0)
          .default(200)
          .describe("Milliseconds of the first retry's backoff; later waits grow exponentially, with jitter."),
        maxMs: z
          .number()
          .int()
          .min(0)
          .default(5000)
          .describe("No wait between attempts is longer than this (ms), Retry-After included."),
      })
      .strict()
      .default({ attempts: 4, baseMs: 200, maxMs: 5000 })
      .describe("How a failed delivery is retried."),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe("Milliseconds each attempt may take before it is abandoned (and retried)."),
  })
  .strict();

/** The parsed, defaulted `notifications` section. */
export type NotificationsConfig = z.output<typeof notificationsSchema>;
export type NotificationChannelConfig = NotificationsConfig["channels"][number];
