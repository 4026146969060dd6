/**
 * Server limits (issue 13, point 2): a body limit on every route, answered 413 before the body is
 * read (small before sign-in, sized per route after), bounded identities and path parts, and a
 * failed-sign-in limiter whose memory is bounded whatever identities clients send.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FailureLimiter } from "../../src/server/rate-limit.js";
import { ServerLimits } from "../../src/server/limits.js";
import { AI, CLI, HUM, brtops, sampleProject } from "../support/cli.js";

const MiB = 1024 * 1024;

/** The resident memory of a process, in bytes (Linux). */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** A request body of `mib` MiB, streamed (chunked, no Content-Length): the client never holds it whole. */
function streamedBody(mib: number): { body: Readable; sent: () => number } {
  const chunk = Buffer.alloc(MiB, 0x61);
  let sent = 0;
  const body = new Readable({
    read() {
      if (sent >= mib) return void this.push(null);
      sent++;
      this.push(chunk);
    },
  });
  return { body, sent: () => sent };
}

/**
 * POSTs a body and resolves with the answer as soon as it arrives: the server may answer 413 and
 * close the connection while the body is still being sent (node:http, unlike fetch, hands over
 * that early answer).
 */
function post(
  url: string,
  body: string | Readable,
  headers: Record<string, string> = {},
): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/json",
        ...(typeof body === "string" ? { "content-length": String(Buffer.byteLength(body)) } : {}),
        ...headers,
      },
    });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        let code: string | undefined;
        try {
          code = JSON.parse(text).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    // Once answered, a write cut short by the server closing the connection is expected.
    req.on("error", (e) => (answered ? undefined : reject(e)));
    if (typeof body === "string") req.end(body);
    else body.pipe(req);
  });
}

describe("brtops serve: request limits", () => {
  let p: { root: string; cleanup: () => void };
  let server: ChildProcess | undefined;
  let url = "";
  let token = "";

  beforeAll(async () => {
    p = sampleProject();
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"]).json?.step).toBe("2.10");
    token = brtops(p.root, HUM, ["token", "create", HUM, "--json"]).json.token;
    server = spawn(process.execPath, [CLI, "serve", "--port", "0", "--json"], {
      cwd: p.root,
      stdio: ["ignore", "pipe", "ignore"],
    });
    url = await new Promise<string>((res, rej) => {
      let out = "";
      server!.stdout!.on("data", (c) => {
        out += c;
        const line = out.split("\n").find((l) => l.includes('"listening"'));
        if (line) res(JSON.parse(line).url);
      });
      server!.on("exit", (code) => rej(new Error(`serve exited ${code}`)));
    });
  }, 120_000);

  afterAll(() => {
    if (server?.pid && server.exitCode === null) server.kill("SIGTERM");
    p?.cleanup();
  });

  it("answers a 100 MB sign-in body with 413 without holding it: the server's memory stays far below the body", async () => {
    const before = rssOf(server!.pid!);
    const big = streamedBody(100);
    const r = await post(`${url}/api/login`, big.body);
    const after = rssOf(server!.pid!);
    expect(r).toEqual({ status: 413, code: "E_BODY_TOO_LARGE" });
    // Before the limit, the whole body was read and parsed (server memory 106 → 542 MB).
    expect(after - before).toBeLessThan(24 * MiB);
    expect(big.sent()).toBeLessThan(100);
    // The server goes on serving.
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
  }, 60_000);

  it("answers a declared 100 MB body with 413 before a byte of it was sent", async () => {
    const { hostname, port } = new URL(url);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /api/login HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${100 * MiB}\r\n\r\n`,
        );
      });
      let got = "";
      socket.setEncoding("utf8");
      socket.on("data", (c: string) => {
        got += c;
        if (got.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on("error", reject);
      setTimeout(() => reject(new Error(`no answer while the body was unsent: ${JSON.stringify(got)}`)), 5000).unref();
    });
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
  });

  it("refuses a declared sign-in body over 16 KiB unread, and an identity over 256 characters", async () => {
    expect(await post(`${url}/api/login`, JSON.stringify({ id: "x".repeat(20_000), password: "p" }))).toEqual({
      status: 413,
      code: "E_BODY_TOO_LARGE",
    });
    expect(
      await post(
        `${url}/api/login`,
        JSON.stringify({ id: `${"x".repeat(ServerLimits.identity)}@example.com`, password: "p" }),
      ),
    ).toEqual({ status: 400, code: "E_BAD_REQUEST" });
  });

  it("sizes the limit per route after sign-in: a decision takes a long note, not a megabyte, declared or streamed", async () => {
    const auth = { authorization: `Bearer ${token}` };
    const feedback = `${url}/api/releases/1.1.0/feedback`;
    // 20 KB is over the sign-in limit and within a decision's.
    expect((await post(feedback, JSON.stringify({ text: "long feedback ".repeat(1500) }), auth)).status).toBe(200);
    expect(await post(feedback, JSON.stringify({ text: "x".repeat(MiB) }), auth)).toEqual({
      status: 413,
      code: "E_BODY_TOO_LARGE",
    });
    const before = rssOf(server!.pid!);
    const big = streamedBody(64);
    expect(await post(feedback, big.body, auth)).toEqual({ status: 413, code: "E_BODY_TOO_LARGE" });
    expect(rssOf(server!.pid!) - before).toBeLessThan(24 * MiB);
    // Not signed in: refused before anything reads the body.
    expect((await post(feedback, JSON.stringify({ text: "hi" }))).status).toBe(401);
  }, 60_000);

  it("refuses an overlong release id in a path, on the event stream too", async () => {
    const r = await fetch(`${url}/api/releases/${"9".repeat(5000)}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(400);
    expect((await r.json()).error.code).toBe("E_BAD_REQUEST");
  });
});

describe("the failed sign-in limiter", () => {
  it("keeps its memory bounded: many distinct huge identities neither grow its entries past the cap nor keep the identities", () => {
    const limiter = new FailureLimiter({ maxKeys: 100, now: () => 1_000_000 });
    const huge = "x".repeat(100_000);
    for (let i = 0; i < 1000; i++) limiter.record([`id:${huge}${i}`, `addr:10.0.${i >> 8}.${i & 255}`]);
    const held = limiter.held;
    expect(held.entries).toBeLessThanOrEqual(100);
    // Keys are kept as digests, never as what the client sent.
    expect(held.keyChars).toBeLessThanOrEqual(100 * 64);
  });

  it("still limits the identities it keeps", () => {
    let t = 1_000_000;
    const limiter = new FailureLimiter({ max: 3, windowMs: 60_000, maxKeys: 10, now: () => t });
    const keys = ["id:alice@example.com", "addr:10.0.0.1"] as const;
    for (let i = 0; i < 3; i++) limiter.record(keys);
    expect(limiter.retryAfter(keys)).toBe(60);
    expect(limiter.retryAfter(["id:bob@example.com"])).toBe(0);
    t += 60_001;
    expect(limiter.retryAfter(keys)).toBe(0);
  });
});
