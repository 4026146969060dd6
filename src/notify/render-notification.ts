/** Renders a notification as plain text (e-mail) and as a Slack incoming-webhook message. */
import type { Notification } from "./notification.js";

/** One line naming where the notification comes from: release, environment, phase, step, kind. */
export function contextLine(n: Notification): string {
  return [
    `release ${n.release}`,
    n.environment ? `environment ${n.environment}` : "",
    n.phase !== undefined ? `phase ${n.phase}` : "",
    n.step ? `step ${n.step}` : "",
    n.kind,
  ]
    .filter(Boolean)
    .join(" · ");
}

/** Subject line of the e-mail; no line breaks can reach the header. */
export function emailSubject(n: Notification): string {
  const env = n.environment ? ` → ${n.environment}` : "";
  return `[brtops] ${n.release}${env}: ${n.title}`.replace(/[\r\n]+/g, " ").slice(0, 200);
}

/** Plain-text body of the e-mail. */
export function plainText(n: Notification): string {
  const lines = [n.title, "", n.text, "", `Release:     ${n.release}`];
  if (n.environment) lines.push(`Environment: ${n.environment}`);
  if (n.phase !== undefined) lines.push(`Phase:       ${n.phase}`);
  if (n.step) lines.push(`Step:        ${n.step}`);
  lines.push(`Event:       ${n.kind}`, `At:          ${n.at}`);
  if (n.to && n.to.length > 0) lines.push(`For:         ${n.to.join(", ")}`);
  if (n.url) lines.push(`Link:        ${n.url}`);
  if (n.data && Object.keys(n.data).length > 0) lines.push("", "Details:", JSON.stringify(n.data, null, 2));
  lines.push("", "-- sent by brtops");
  return lines.join("\n");
}

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

// Slack mrkdwn treats these three as control characters; everything else is literal.
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
// A section block's text is limited to 3000 characters.
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A Slack-compatible incoming-webhook payload: `text` (the fallback, mrkdwn) and blocks. */
export function slackMessage(n: Notification): SlackMessage {
  const link = n.url ? `\n<${n.url.replace(/[|>]/g, encodeURIComponent)}|Open release ${esc(n.release)}>` : "";
  const body =
    clip(`*${esc(n.title)}*\n${n.to && n.to.length > 0 ? `For: ${esc(n.to.join(", "))}\n` : ""}${esc(n.text)}`, 2900) +
    link;
  return {
    text: body,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: body } },
      { type: "context", elements: [{ type: "mrkdwn", text: esc(contextLine(n)) }] },
    ],
  };
}
