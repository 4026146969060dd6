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

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

/**
 * Returns the attempt function for this message. SMTP 4xx replies and lost connections are
 * retried; 5xx are final. A retry goes only to the recipients that were deferred, so nobody who
 * already accepted the mail gets it twice.
 */
export function emailAttempt(transport: Transporter, message: EmailMessage): () => Promise<AttemptOutcome> {
  let pending = [...message.to];
  const refused: string[] = [];
  let lastCode: number | undefined;

  const afterRecipients = (rejected: SmtpError[]): AttemptOutcome => {
    const deferred = rejected.filter((e) => isTransient(e.responseCode));
    for (const e of rejected)
      if (!isTransient(e.responseCode)) refused.push(`${e.recipient ?? "?"} (${oneLine(e.response ?? e.message)})`);
    pending = deferred.map((e) => e.recipient ?? "").filter(Boolean);
    if (pending.length > 0) {
      const code = deferred[0]?.responseCode;
      return {
        ok: false,
        retryable: true,
        error: `SMTP deferred for ${pending.join(", ")}: ${oneLine(deferred[0]?.response)}`,
        ...(code ? { status: code } : {}),
      };
    }
    if (refused.length > 0) {
      const code = rejected.find((e) => !isTransient(e.responseCode))?.responseCode ?? lastCode;
      return {
        ok: false,
        retryable: false,
        error: `SMTP refused for ${refused.join("; ")}`,
        ...(code ? { status: code } : {}),
      };
    }
    return { ok: true, retryable: false, status: lastCode ?? 250 };
  };

  return async () => {
    try {
      const info = (await transport.sendMail({ ...message, to: pending })) as {
        response?: string;
        rejectedErrors?: SmtpError[];
      };
      lastCode = Number(/^\d{3}/.exec(info.response ?? "")?.[0] ?? 250);
      return afterRecipients(info.rejectedErrors ?? []);
    } catch (e) {
      const err = e as SmtpError;
      if (err.rejectedErrors && err.rejectedErrors.length > 0) return afterRecipients(err.rejectedErrors);
      const status = typeof err.responseCode === "number" ? err.responseCode : undefined;
      // Without a reply code the connection itself failed (refused, reset, timed out): worth another
      // try, unless nodemailer rejected the message or the login before talking to anyone.
      const retryable =
        status !== undefined
          ? isTransient(status)
          : !["EAUTH", "EENVELOPE", "EMESSAGE", "EDNS"].includes(err.code ?? "");
      return {
        ok: false,
        retryable,
        error: `SMTP ${err.code ?? "error"}: ${oneLine(err.response ?? err.message ?? String(e))}`,
        ...(status === undefined ? {} : { status }),
      };
    }
  };
}

function isTransient(code: number | undefined): boolean {
  return typeof code === "number" && code >= 400 && code < 500;
}

function oneLine(s: string | undefined): string {
  return (s ?? "").replace(/\s+/g, " ").trim().slice(0, 200);
}
