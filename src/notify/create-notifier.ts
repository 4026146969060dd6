/** Builds the Notifier from the `notifications` config: fan out to channels, retry, redact, never throw. */
import type { Transporter } from "nodemailer";
import type { NotificationChannelConfig, NotificationsConfig } from "../config/schema-notifications.js";
import { emailAttempt, smtpTransport } from "./channel-email.js";
import { slackAttempt } from "./channel-slack.js";
import { webhookAttempt } from "./channel-webhook.js";
import { sleepMs, withRetry, type AttemptOutcome, type RetryPolicy } from "./delivery-retry.js";
import type { DeliveryResult, Notification, Notifier } from "./notification.js";
import { emailSubject, plainText } from "./render-notification.js";

export interface NotifierOptions {
  /** Where `urlEnv`, `secretEnv`, `userEnv` and `passwordEnv` are read (usually process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Applied to every string sent and to every error returned (createRedactor from core/redact.ts). */
  redact: (s: string) => string;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 200, maxMs: 5000 };
const DEFAULT_TIMEOUT_MS = 10_000;

interface Resolved {
  channel: NotificationChannelConfig;
  /** Why the channel cannot send at all (a variable missing or not holding a URL). */
  problem?: string;
  url?: string;
  /** Path and query of a URL read from the environment: a Slack webhook's path is its token. */
  urlPath?: string;
  secret?: string;
  auth?: { user: string; pass: string };
}

/** A notifier for these channels, e.g. `await createNotifier(cfg.notifications, {env: process.env, redact}).notify(n)`. */
export function createNotifier(config: NotificationsConfig | undefined, opts: NotifierOptions): Notifier {
  const policy = config?.retry ?? DEFAULT_RETRY;
  const timeoutMs = config?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const sleep = opts.sleep ?? sleepMs;
  const resolved = (config?.channels ?? []).map((c) => resolveChannel(c, opts.env));

  // Channel URLs and secrets are scrubbed too, whatever their variable is called: a Slack webhook
  // URL is a credential although SLACK_WEBHOOK_URL does not look like a secret's name.
  const literals = [
    ...new Set(
      resolved
        .flatMap((r) => [r.url, r.urlPath, r.secret, r.auth?.pass])
        .filter((v): v is string => typeof v === "string" && v.length >= 6),
    ),
  ];
  literals.sort((a, b) => b.length - a.length);
  const scrub = (s: string): string => {
    let out = opts.redact(s);
    for (const v of literals) if (out.includes(v)) out = out.split(v).join("[REDACTED]");
    return out;
  };

  const transports = new Map<string, Transporter>();
  const transportFor = (r: Resolved & { channel: { type: "email" } }): Transporter => {
    let t = transports.get(r.channel.name);
    if (!t) {
      const { host, port, secure } = r.channel.smtp;
      t = smtpTransport({ host, port, secure, timeoutMs, ...(r.auth ? { auth: r.auth } : {}) });
      transports.set(r.channel.name, t);
    }
    return t;
  };

  const attemptFor = (r: Resolved, n: Notification): (() => Promise<AttemptOutcome>) => {
    const c = r.channel;
    switch (c.type) {
      case "webhook":
        return webhookAttempt(n, {
          url: r.url!,
          timeoutMs,
          fetch: fetchFn,
          ...(r.secret === undefined ? {} : { secret: r.secret }),
        });
      case "slack":
        return slackAttempt(n, { url: r.url!, timeoutMs, fetch: fetchFn });
      case "email":
        return emailAttempt(transportFor(r as Resolved & { channel: typeof c }), {
          from: c.from,
          to: [...new Set([...c.to, ...(n.to ?? []).filter((x) => /^[^\s@]+@[^\s@]+$/.test(x))])],
          subject: emailSubject(n),
          text: plainText(n),
        });
    }
  };

  const deliver = async (r: Resolved, n: Notification | Error): Promise<DeliveryResult> => {
    const head = { channel: r.channel.name, type: r.channel.type };
    if (r.problem !== undefined) return { ...head, ok: false, attempts: 0, error: r.problem };
    if (n instanceof Error) return { ...head, ok: false, attempts: 0, error: scrub(n.message) };
    try {
      const out = await withRetry(attemptFor(r, n), policy, { sleep });
      return {
        ...head,
        ok: out.ok,
        attempts: out.attempts,
        ...(out.status === undefined ? {} : { status: out.status }),
        ...(out.ok || out.error === undefined ? {} : { error: scrub(out.error) }),
      };
    } catch (e) {
      return { ...head, ok: false, attempts: 1, error: scrub(e instanceof Error ? e.message : String(e)) };
    }
  };

  return {
    async notify(n) {
      const targets = resolved.filter((r) => r.channel.events === undefined || r.channel.events.includes(n.kind));
      if (targets.length === 0) return [];
      let clean: Notification | Error;
      try {
        clean = scrubDeep(JSON.parse(JSON.stringify(n)) as Notification, scrub);
      } catch (e) {
        clean = new Error(`the notification cannot be sent as JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      return Promise.all(targets.map((r) => deliver(r, clean)));
    },
  };
}

function resolveChannel(
  channel: NotificationChannelConfig,
  env: Readonly<Record<string, string | undefined>>,
): Resolved {
  const missing: string[] = [];
  const read = (name: string | undefined): string | undefined => {
    if (name === undefined) return undefined;
    const v = env[name];
    if (v === undefined || v === "") missing.push(name);
    return v || undefined;
  };
  const out: Resolved = { channel };
  const problems: string[] = [];
  if (channel.type === "webhook" || channel.type === "slack") {
    const url = channel.url ?? read(channel.urlEnv);
    if (url !== undefined && !/^https?:\/\/[^\s]+$/i.test(url))
      problems.push(`environment variable ${channel.urlEnv} does not hold an http(s) URL`);
    else if (url !== undefined) out.url = url;
    if (channel.url === undefined && url !== undefined) out.urlPath = pathOf(url);
  }
  if (channel.type === "webhook") {
    const secret = read(channel.secretEnv);
    if (secret !== undefined) out.secret = secret;
  }
  if (channel.type === "email") {
    const user = read(channel.smtp.userEnv);
    const pass = read(channel.smtp.passwordEnv);
    if (user !== undefined && pass !== undefined) out.auth = { user, pass };
  }
  if (missing.length > 0)
    problems.unshift(`environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not set`);
  if (problems.length > 0) out.problem = problems.join("; ");
  return out;
}

function pathOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    const p = `${u.pathname}${u.search}`;
    return p.length >= 8 ? p : undefined;
  } catch {
    return undefined;
  }
}

/** Applies `scrub` to every string, keys included, of a JSON value. */
function scrubDeep<T>(value: T, scrub: (s: string) => string): T {
  if (typeof value === "string") return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubDeep(v, scrub)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[scrub(k)] = scrubDeep(v, scrub);
    return out as T;
  }
  return value;
}
