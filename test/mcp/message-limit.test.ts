/**
 * `brtops mcp` reads messages of at most 1 MiB (issue 13, point 2): a 10 MiB message is answered
 * with a JSON-RPC error and the server goes on serving. Before, it exited 0 without a word.
 */
import { spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BoundedLines } from "../../src/mcp/bounded-lines.js";
import { CLI, sampleProject } from "../support/cli.js";

const MiB = 1024 * 1024;

function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.BRTOPS_ACTOR = "";
  return env;
}

describe("brtops mcp: message size", () => {
  let root: string;
  let cleanup: () => void;

  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
  });
  afterAll(() => cleanup?.());

  it("answers a 10 MiB tool call with a JSON-RPC error, then answers the next request (SDK client)", async () => {
    const client = new Client({ name: "brtops-test", version: "0.0.0" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, "mcp"],
      cwd: root,
      env: childEnv(),
      stderr: "ignore",
    });
    let closed = false;
    transport.onclose = () => (closed = true);
    await client.connect(transport);
    try {
      const huge = client.callTool({ name: "ask_hum_lead", arguments: { text: "x".repeat(10 * MiB) } });
      await expect(huge).rejects.toMatchObject({ code: -32600 });
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain("status");
      const st = (await client.callTool({ name: "status" })) as { content: unknown[] };
      expect(st.content.length).toBeGreaterThan(0);
      expect(closed).toBe(false);
    } finally {
      await client.close();
    }
  }, 60_000);

  it("answers a 10 MiB line that is not JSON with an error of id null, and the ping after it (raw stdin)", async () => {
    const child = spawn(process.execPath, [CLI, "mcp"], {
      cwd: root,
      env: childEnv(),
      stdio: ["pipe", "pipe", "ignore"],
    });
    const lines: unknown[] = [];
    let buf = "";
    let exitCode: number | null | undefined;
    const answered = new Promise<void>((resolve, reject) => {
      child.on("exit", (code) => {
        exitCode = code;
        reject(new Error(`brtops mcp exited ${code} before answering`));
      });
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (c: string) => {
        buf += c;
        for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
          lines.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
        if (lines.some((l) => (l as { id?: unknown }).id === 7)) resolve();
      });
    });
    const chunk = "y".repeat(MiB);
    for (let i = 0; i < 10; i++) child.stdin.write(chunk);
    child.stdin.write("\n");
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 7, method: "ping" })}\n`);
    await answered;
    child.stdin.end();
    expect(lines[0]).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
    expect(lines[1]).toEqual({ jsonrpc: "2.0", id: 7, result: {} });
    expect(exitCode).toBeUndefined();
    child.kill();
  }, 60_000);
});

describe("BoundedLines", () => {
  const feed = (max: number, ...chunks: string[]) => {
    const lines = new BoundedLines(max);
    return chunks.flatMap((c) => lines.push(Buffer.from(c)));
  };

  it.each([
    ["id before the params", `{"jsonrpc":"2.0","id":12,"method":"m","params":{"q":"${"z".repeat(200)}"}}`, 12],
    [
      "id after the params (the SDK client's order)",
      `{"method":"m","params":{"id":99,"q":"${"z,}".repeat(100)}"},"jsonrpc":"2.0","id":"r-1"}`,
      "r-1",
    ],
    ["no id at all", `{"method":"m","params":{"id":5,"q":"${"z".repeat(200)}"}}`, null],
  ])("finds the top-level id of an over-long message: %s", (_what, msg, id) => {
    // Split mid-line, so the scan spans chunks.
    const out = feed(64, msg.slice(0, 30), msg.slice(30, 150), `${msg.slice(150)}\n{"a":1}\n`);
    expect(out).toEqual([
      { kind: "oversize", bytes: Buffer.byteLength(msg), id, notification: id === null },
      { kind: "line", text: '{"a":1}' },
    ]);
  });

  it("keeps lines up to the limit, across chunks, and drops a trailing CR", () => {
    expect(feed(9, "12345", "678\r\n", "\n")).toEqual([
      { kind: "line", text: "12345678" },
      { kind: "line", text: "" },
    ]);
  });
});
