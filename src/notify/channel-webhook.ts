/** Generic webhook: the notification as JSON, signed GitHub-style with HMAC-SHA256 of the exact body. */
import { createHmac, randomUUID } from "node:crypto";
import type { AttemptOutcome } from "./delivery-retry.js";
import { postOnce } from "./http-post.js";
import type { Notification } from "./notification.js";

export interface WebhookTarget {
  url: string;
  /** The HMAC secret; without one the request goes unsigned. */
  secret?: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** The exact JSON body: fixed key order so receivers and signatures see stable bytes. */
export function webhookBody(n: Notification): string {
  return JSON.stringify({
    kind: n.kind,
    release: n.release,
    environment: n.environment,
    phase: n.phase,
    step: n.step,
    title: n.title,
    text: n.text,
    url: n.url,
    at: n.at,
    to: n.to,
    data: n.data,
  });
}

/** `sha256=<hex>`: the value of `x-brtops-signature-256` for this body and secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/**
 * Prepares the request once and returns the attempt function: every retry carries the same body,
 * signature and delivery id, so a receiver can drop duplicates by `x-brtops-delivery`.
 */
export function webhookAttempt(n: Notification, target: WebhookTarget): () => Promise<AttemptOutcome> {
  const body = webhookBody(n);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "brtops-notifier",
    "x-brtops-event": n.kind,
    "x-brtops-delivery": randomUUID(),
  };
  if (target.secret !== undefined) headers["x-brtops-signature-256"] = signBody(body, target.secret);
  return () => postOnce(target.fetch, { url: target.url, body, headers, timeoutMs: target.timeoutMs });
}
