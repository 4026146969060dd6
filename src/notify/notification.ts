/** What brtops tells people, and what each channel reports back. */
import type { NOTIFICATION_KINDS } from "../config/schema-notifications.js";

/** One of prompt, gate, go-decision, deploy-start, deploy-progress, deploy-failure, rollback, complete, incident, hold, deviation, emergency, escalation. */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A message about a release; `at` comes from the caller's clock (ISO 8601). */
export interface Notification {
  kind: NotificationKind;
  release: string;
  environment?: string;
  phase?: number;
  step?: string;
  title: string;
  text: string;
  /** A link to the release (the dashboard), shown by every channel. */
  url?: string;
  at: string;
  /** The people it is for (HUM LEADs for an emergency act, emergency contacts for an escalation): every channel names them, e-mail also sends to those that are addresses. */
  to?: string[];
  data?: Record<string, unknown>;
}

/** The outcome on one channel; a failure is a value (`ok: false`), never a throw. */
export interface DeliveryResult {
  channel: string;
  type: string;
  ok: boolean;
  /** Attempts made; 0 when the channel could not even start (a missing environment variable). */
  attempts: number;
  /** HTTP status, or SMTP reply code, of the last attempt. */
  status?: number;
  /** Redacted. */
  error?: string;
}

/** The port the engine calls; resolves with one result per channel subscribed to the kind. */
export interface Notifier {
  notify(n: Notification): Promise<DeliveryResult[]>;
}
