/** E-mail over SMTP (nodemailer): plain text, one message to all recipients of the channel. */
import { createTransport, type Transporter } from "nodemailer";
import type { AttemptOutcome } from "./delivery-retry.js";

export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  timeoutMs: number;
}

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** One transport per channel; unpooled, so nothing stays open between notifications. */
export function smtpTransport(target: SmtpTarget): Transporter {
  return createTransport({
    host: target.host,
    port: target.port,
    secure: target.secure,
    ...(target.auth ? { auth: target.auth } : {}),
    connectionTimeout: target.timeoutMs,
    greetingTimeout: target.timeoutMs,
    socketTimeout: target.timeoutMs,
  });
}

/** Returns the attempt function for this message. SMTP 4xx replies and lost connections are retried; 5xx are final. */
export function emailAttempt(transport: Transporter, message: EmailMessage): () => Promise<AttemptOutcome> {
  return async () => {
    try {
      const info = (await transport.sendMail(message)) as { response?: string };
      const code = Number(/^\d{3}/.exec(info.response ?? "")?.[0] ?? 250);
      return { ok: true, status: code, retryable: false };
    } catch (e) {
      const err = e as { code?: string; responseCode?: number; response?: string; message?: string };
      const status = typeof err.responseCode === "number" ? err.responseCode : undefined;
      // Without a reply code the connection itself failed (refused, reset, timed out): worth another try,
      // unless nodemailer rejected the message or the login before talking to anyone.
      const retryable = status !== undefined ? status >= 400 && status < 500 : !["EAUTH", "EENVELOPE", "EMESSAGE", "EDNS"].includes(err.code ?? "");
      const detail = (err.response ?? err.message ?? String(e)).replace(/\s+/g, " ").slice(0, 200);
      return { ok: false, retryable, error: `SMTP ${err.code ?? "error"}: ${detail}`, ...(status === undefined ? {} : { status }) };
    }
  };
}
