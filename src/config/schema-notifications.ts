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
  .optional();

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
    type: z.literal("webhook"),
    name,
    url: httpUrl.optional(),
    urlEnv: envName.optional(),
    /** Environment variable holding the HMAC-SHA256 secret of `x-brtops-signature-256`. */
    secretEnv: envName.optional(),
    events,
  })
  .strict()
  .superRefine(oneUrl);

const slackChannel = z
  .object({ type: z.literal("slack"), name, url: httpUrl.optional(), urlEnv: envName.optional(), events })
  .strict()
  .superRefine(oneUrl);

const emailChannel = z
  .object({
    type: z.literal("email"),
    name,
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535),
        /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        userEnv: envName.optional(),
        passwordEnv: envName.optional(),
      })
      .strict()
      .refine((s) => (s.userEnv === undefined) === (s.passwordEnv === undefined), {
        path: ["userEnv"],
        message: "give both `userEnv` and `passwordEnv` for SMTP login, or neither",
      }),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1, "name at least one recipient"),
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
      }),
    retry: z
      .object({
        /** Attempts in all, the first included. */
        attempts: z.number().int().min(1).max(10).default(4),
        baseMs: z.number().int().min(0).default(200),
        /** No wait between attempts is longer than this, Retry-After included. */
        maxMs: z.number().int().min(0).default(5000),
      })
      .strict()
      .default({ attempts: 4, baseMs: 200, maxMs: 5000 }),
    /** Milliseconds each attempt may take before it is abandoned (and retried). */
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

/** The parsed, defaulted `notifications` section. */
export type NotificationsConfig = z.output<typeof notificationsSchema>;
export type NotificationChannelConfig = NotificationsConfig["channels"][number];
