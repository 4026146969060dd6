import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedactor } from "../../src/core/redact.js";
import { runAction, runCheck, type ActionContext } from "../../src/deploy/run-action.js";

let server: Server;
let base: string;
const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let dir: string;
const TOKEN = "deploy-hook-secret-123456";
let ctx: ActionContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "brtops-action-"));
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url?.startsWith("/created")) res.statusCode = 201;
      else if (req.url?.startsWith("/broken")) res.statusCode = 503;
      res.end(`echo ${String(req.headers["x-token"] ?? "")}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  ctx = {
    root: dir,
    vars: { version: "2.1.0", previous: "2.0.3", environment: "production" },
    redact: createRedactor([TOKEN]),
    env: { DEPLOY_TOKEN: TOKEN },
  };
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe("runAction", () => {
  it("runs a command from an argument array with placeholders substituted, in the project root", async () => {
    const r = await runAction(
      "show",
      {
        run: [
          process.execPath,
          "-e",
          "console.log(process.argv.slice(1).join('|'), process.cwd())",
          "{version}",
          "{previous}",
          "{environment}",
          "$(echo no-shell)",
        ],
      },
      ctx,
    );
    expect(r.ok).toBe(true);
    expect(r.output).toBe(`2.1.0|2.0.3|production|$(echo no-shell) ${dir}`);
    expect(r.detail).toMatch(/^exit 0 in \d+ ms$/);
  });

  it("fails on a non-zero exit, on a timeout and on a missing program, without throwing", async () => {
    const exit = await runAction("x", { run: [process.execPath, "-e", "process.exit(7)"] }, ctx);
    expect(exit).toMatchObject({ ok: false, exitCode: 7 });
    const slow = await runAction(
      "x",
      { run: [process.execPath, "-e", "setTimeout(() => {}, 10000)"], timeout: 0.2 },
      ctx,
    );
    expect(slow.ok).toBe(false);
    expect(slow.detail).toMatch(/^timed out after/);
    const missing = await runAction("x", { run: ["/nonexistent/brtops-tool"] }, ctx);
    expect(missing.ok).toBe(false);
    expect(missing.detail).toMatch(/could not start .*ENOENT/);
  });

  it("redacts secrets from a command's output", async () => {
    const r = await runAction(
      "leak",
      { run: [process.execPath, "-e", "console.log('token is ' + process.env.DEPLOY_TOKEN)"] },
      ctx,
    );
    expect(r.output).toBe("token is [REDACTED]");
  });

  it("sends an HTTP request with substituted url, headers and JSON body", async () => {
    const r = await runAction(
      "hook",
      {
        http: {
          url: `${base}/created/{environment}`,
          method: "POST",
          headers: { "x-version": "{version}" },
          body: { version: "{version}", from: "{previous}" },
          expectStatus: 201,
        },
      },
      ctx,
    );
    expect(r).toMatchObject({ ok: true, status: 201, target: `POST ${base}/created/production` });
    const last = seen.at(-1)!;
    expect(last.headers["x-version"]).toBe("2.1.0");
    expect(last.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(last.body)).toEqual({ version: "2.1.0", from: "2.0.3" });
  });

  it("fails on an unexpected status and redacts a secret echoed in the body", async () => {
    const r = await runAction(
      "hook",
      { http: { url: `${base}/broken`, method: "GET", headers: { "x-token": TOKEN } } },
      ctx,
    );
    expect(r).toMatchObject({ ok: false, status: 503 });
    expect(r.detail).toMatch(/HTTP 503 in \d+ ms \(expected 2xx\)/);
    expect(r.output).toBe("echo [REDACTED]");
  });

  it("waits, and a wait is cut short by the signal", async () => {
    expect((await runAction("soak", { wait: 0.01 }, ctx)).detail).toBe("waited 0.01 s");
    const ac = new AbortController();
    const p = runAction("soak", { wait: 30 }, { ...ctx, signal: ac.signal });
    ac.abort();
    expect((await p).ok).toBe(false);
  });

  it("asks the named role to confirm, and fails when nobody can be asked", async () => {
    const asked: string[] = [];
    const yes = await runAction(
      "gate",
      { confirm: { role: "hum-lead", prompt: "Switch traffic to {version}?" } },
      { ...ctx, confirm: async (q) => (asked.push(`${q.step}/${q.role}/${q.prompt}`), true) },
    );
    expect(yes).toMatchObject({ ok: true, detail: "confirmed by hum-lead" });
    expect(asked).toEqual(["gate/hum-lead/Switch traffic to 2.1.0?"]);
    const no = await runAction(
      "gate",
      { confirm: { role: "ops@example.com", prompt: "go?" } },
      { ...ctx, confirm: async () => false },
    );
    expect(no).toMatchObject({ ok: false, detail: "declined by ops@example.com" });
    const nobody = await runAction("gate", { confirm: { role: "hum-lead", prompt: "go?" } }, ctx);
    expect(nobody.ok).toBe(false);
  });

  it("runs an idempotency check: exit 0 means the effect is in place", async () => {
    expect(
      await runCheck([process.execPath, "-e", "process.exit(process.argv[1] === '2.1.0' ? 0 : 1)", "{version}"], ctx),
    ).toBe(true);
    expect(await runCheck([process.execPath, "-e", "process.exit(1)"], ctx)).toBe(false);
  });
});
