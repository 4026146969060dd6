import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, CLI, HUM, brtops, sampleProject } from "../support/cli.js";

describe("brtops serve / token / user", () => {
  let p: { root: string; cleanup: () => void };
  let server: ChildProcess | undefined;

  beforeAll(() => {
    p = sampleProject();
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"]).json?.step).toBe("2.10");
  }, 120_000);

  afterAll(() => {
    if (server?.pid && server.exitCode === null) server.kill("SIGTERM");
    p?.cleanup();
  });

  it("token create --json prints a brt_ token once and stores only its hash", () => {
    const r = brtops(p.root, HUM, ["token", "create", HUM, "--json"]);
    expect(r.code).toBe(0);
    expect(r.json.token).toMatch(/^brt_[A-Za-z0-9_-]{40,}$/);
    const stored = readFileSync(join(p.root, ".brtops", "tokens.json"), "utf8");
    expect(stored).toContain(HUM);
    expect(stored).not.toContain(r.json.token);
  });

  it("token without an identity is a usage error", () => {
    const r = brtops(p.root, HUM, ["token", "create"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/token create ID/);
  });

  it("user add reads the password from stdin and stores an scrypt hash", () => {
    const r = spawnSync(process.execPath, [CLI, "user", "add", HUM, "--json"], {
      cwd: p.root,
      input: "s3cret-password\n",
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const stored = readFileSync(join(p.root, ".brtops", "users.json"), "utf8");
    expect(stored).toContain(HUM);
    expect(stored).not.toContain("s3cret-password");
    const short = spawnSync(process.execPath, [CLI, "user", "add", AI], {
      cwd: p.root,
      input: "short\n",
      encoding: "utf8",
    });
    expect(short.status).not.toBe(0);
  });

  it("serve --port 0 answers over HTTP with a bearer token", async () => {
    const token = brtops(p.root, HUM, ["token", "create", HUM, "--json"]).json.token as string;
    server = spawn(process.execPath, [CLI, "serve", "--port", "0", "--json"], { cwd: p.root });
    const url = await new Promise<string>((res, rej) => {
      let out = "";
      server!.stdout!.on("data", (c) => {
        out += c;
        const line = out.split("\n").find((l) => l.includes('"listening"'));
        if (line) res(JSON.parse(line).url);
      });
      server!.on("exit", (code) => rej(new Error(`serve exited ${code}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/api/releases/1.1.0`)).status).toBe(401);
    const r = await fetch(`${url}/api/releases/1.1.0`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect((await r.json()).step).toBe("2.10");
    // A dashboard left open holds a live event stream; stopping the server must not wait for it.
    const stream = new AbortController();
    const sse = await fetch(`${url}/api/releases/1.1.0/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: stream.signal,
    });
    expect(sse.status).toBe(200);
    const reader = sse.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("event: status");
    const exited = new Promise<number | null>((res) => server!.once("exit", (code) => res(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    stream.abort();
  });

  it("serve refuses a bad --port", () => {
    const r = brtops(p.root, HUM, ["serve", "--port", "nope"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--port/);
  });
});
