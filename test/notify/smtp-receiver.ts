/** A real SMTP server (smtp-server) on 127.0.0.1, port 0, that keeps every message it accepts. */
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

export interface SmtpReceiver {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * `rcptReply(n)` may reject the n-th RCPT TO with an SMTP code (e.g. 451 transient, 550 final).
 * With `login`, the server demands that user and password.
 */
export async function startSmtp(
  opts: { login?: { user: string; pass: string }; rcptReply?: (n: number) => number | undefined } = {},
): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  let rcpts = 0;
  const options: SMTPServerOptions = {
    // Plain SMTP on loopback: no certificate to trust in the test.
    disabledCommands: opts.login ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    allowInsecureAuth: true,
    authOptional: !opts.login,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.login && auth.username === opts.login.user && auth.password === opts.login.pass)
        return cb(null, { user: auth.username });
      const err = Object.assign(new Error("Invalid username or password"), { responseCode: 535 });
      return cb(err);
    },
    onRcptTo(_address, _session, cb) {
      const code = opts.rcptReply?.(rcpts++);
      if (code === undefined) return cb();
      return cb(
        Object.assign(new Error(code >= 500 ? "mailbox unavailable" : "try again later"), { responseCode: code }),
      );
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const user = typeof session.user === "string" ? session.user : undefined;
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          ...(user ? { user } : {}),
        });
        cb();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Decodes a raw message enough to assert on it: unfolded headers with RFC 2047 words decoded, and the body. */
export function decodeMail(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  let body = raw.slice(split + 4);
  const cte = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  if (cte === "quoted-printable") body = decodeQp(body);
  else if (cte === "base64") body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return { headers, body: body.replace(/\r\n/g, "\n") };
}

function decodeWords(s: string): string {
  return s
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) =>
      enc.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : decodeQp(text.replace(/_/g, " ")),
    );
}

function decodeQp(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, "");
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
