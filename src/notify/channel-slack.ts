/** Slack incoming webhook (or any Slack-compatible receiver such as Mattermost): POST `{text, blocks}`. */
import type { AttemptOutcome } from "./delivery-retry.js";
import { postOnce } from "./http-post.js";
import type { Notification } from "./notification.js";
import { slackMessage } from "./render-notification.js";

export interface SlackTarget {
  url: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Returns the attempt function posting this notification to the Slack webhook. */
export function slackAttempt(n: Notification, target: SlackTarget): () => Promise<AttemptOutcome> {
  const body = JSON.stringify(slackMessage(n));
  const headers = { "content-type": "application/json", "user-agent": "brtops-notifier" };
  return () => postOnce(target.fetch, { url: target.url, body, headers, timeoutMs: target.timeoutMs });
}
