import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, brtops, CLI, HUM, sampleProject } from "../support/cli.js";

type ToolOut = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: any };

describe("brtops mcp (stdio)", () => {
  let root: string;
  let cleanup: () => void;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolOut> =>
    (await client.callTool({ name, arguments: args })) as ToolOut;

  beforeAll(async () => {
    ({ root, cleanup } = sampleProject());
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    env.BRTOPS_ACTOR = "";
    client = new Client({ name: "brtops-test", version: "0.0.0" });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], cwd: root, env, stderr: "ignore" }),
    );
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    cleanup?.();
  });

  it("lists the AI LEAD's tools and none that decides", async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const n of [
      "request_release",
      "advance",
      "status",
      "sitrep",
      "deployment_status",
      "current_report",
      "ask_hum_lead",
      "respond_to_feedback",
      "validate",
      "check_scope",
      "orient",
      "defrag",
    ])
      expect(names).toContain(n);
    expect(
      names.filter((n) => /approve|reject|certif|go_|no_go|^go$|auto_proceed|grant|waive|answer/i.test(n)),
    ).toEqual([]);
  });

  it("environment is an enum of the configured environments and aliases; another is refused as the CLI refuses it, nothing recorded", async () => {
    const tool = (await client.listTools()).tools.find((t) => t.name === "request_release")!;
    expect((tool.inputSchema.properties as any).environment.enum).toEqual(["local", "dev", "staging"]);
    expect(tool.inputSchema.required).toEqual(["version", "environment"]);
    const r = await call("request_release", { version: "2.1.0", environment: "mars" });
    expect(r.isError).toBe(true);
    // A refusal is a tool error carrying the code, message and hint the CLI gives (text only: the output schema describes results).
    const cli = brtops(root, AI, ["release", "2.1.0", "--to", "mars", "--json"]).json.error;
    expect(JSON.parse(r.content[0]!.text).error).toMatchObject({
      code: "E_ENVIRONMENT_UNKNOWN",
      message: cli.message,
      hint: cli.hint,
    });
    expect(r.structuredContent).toBeUndefined();
    // A value of the wrong type, and an argument no tool takes: the action table's check, as over HTTP.
    const typed = await call("request_release", { version: 2, environment: "local" });
    expect(JSON.parse(typed.content[0]!.text).error).toMatchObject({
      code: "E_BAD_REQUEST",
      message: expect.stringMatching(/version/),
    });
    const extra = await call("status", { verbose: true });
    expect(JSON.parse(extra.content[0]!.text).error).toMatchObject({
      code: "E_BAD_REQUEST",
      message: expect.stringMatching(/verbose/),
    });
    expect(brtops(root, AI, ["list", "--json"]).json.releases).toEqual([]);
  });

  it("request_release stops at the gate, which status then shows", async () => {
    const r = await call("request_release", { version: "2.1.0", environment: "staging" });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent.state).toBe("awaiting-hum-lead");
    expect(r.structuredContent.requestedBy).toBe(AI);
    const gateStep = r.structuredContent.gate.step;
    const s = await call("status");
    expect(s.structuredContent.gate.step).toBe(gateStep);
    expect(JSON.parse(s.content[0]!.text).gate.step).toBe(gateStep);
    expect(brtops(root, AI, ["status", "--json"]).json.gate.step).toBe(gateStep);
    const rep = await call("current_report");
    expect(rep.structuredContent.step).toBe(gateStep);
    expect(typeof rep.structuredContent.report).toBe("string");
  });

  it("ask_hum_lead records a question the HUM LEAD sees in status", async () => {
    const r = await call("ask_hum_lead", { text: "Can we deploy on Friday?" });
    expect(r.isError).toBeFalsy();
    const st = brtops(root, AI, ["status", "--json"]).json;
    expect(st.openQuestions).toContainEqual(expect.objectContaining({ text: "Can we deploy on Friday?", by: AI }));
  });

  it("contextUsage adds the advice: 75 % → defrag", async () => {
    const r = await call("status", { contextUsage: 75 });
    expect(r.structuredContent.contextAdvice).toMatchObject({
      action: "defrag",
      thresholds: { defrag: 70, orient: 80, emergency: 95 },
    });
    const o = await call("orient", { contextUsage: 96 });
    expect(o.structuredContent.contextAdvice.action).toBe("emergency");
    expect(o.structuredContent.ready).toBe("CONDITIONAL");
    expect(o.structuredContent.text).toContain("Ready for operations: CONDITIONAL");
    expect((await call("sitrep")).structuredContent.contextAdvice).toBeUndefined();
  });

  it("validate runs post-deployment validation and records it; unknown feedback is a coded error", async () => {
    const v = await call("validate");
    expect(v.isError).toBeFalsy();
    expect(v.structuredContent.ok).toBe(true);
    expect(v.structuredContent.results.operations.result).toBeDefined();
    const f = await call("respond_to_feedback", { id: "F99", text: "done" });
    expect(f.isError).toBe(true);
    expect(JSON.parse(f.content[0]!.text).error.code).toMatch(/^E_/);
  });

  it("defrag over MCP writes a checkpoint and the chain verifies", async () => {
    const d = await call("defrag");
    expect(d.isError).toBeFalsy();
    expect(d.structuredContent.file).toMatch(/checkpoints\/checkpoint-\d+\.md$/);
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
  });

  it("acts as the configured AI LEAD even when BRTOPS_ACTOR names a HUM LEAD", async () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    env.BRTOPS_ACTOR = HUM;
    const other = new Client({ name: "brtops-test-2", version: "0.0.0" });
    await other.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], cwd: root, env, stderr: "ignore" }),
    );
    try {
      const r = (await other.callTool({ name: "ask_hum_lead", arguments: { text: "Who is asking?" } })) as ToolOut;
      expect(r.isError).toBeFalsy();
      expect(brtops(root, AI, ["status", "--json"]).json.openQuestions).toContainEqual(
        expect.objectContaining({ text: "Who is asking?", by: AI }),
      );
      const a = (await other.callTool({ name: "advance", arguments: {} })) as ToolOut;
      expect(a.structuredContent.stopped).toBe("awaiting");
    } finally {
      await other.close();
    }
  });
});
