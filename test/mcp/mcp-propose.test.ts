/**
 * COLLAB through MCP: the AI LEAD's `propose` tool records a proposal at the GO gate; only a HUM
 * LEAD's `accept` turns it into one decision naming both. The tool decides nothing itself.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, CLI, HUM, brtops, sampleProject, approveGates } from "../support/cli.js";

type ToolOut = { isError?: boolean; content: { type: string; text: string }[] };

describe("MCP propose (COLLAB)", () => {
  let root: string;
  let cleanup: () => void;
  let client: Client;

  beforeAll(async () => {
    ({ root, cleanup } = sampleProject());
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    approveGates(root, (s) => s.gate?.kind === "go-no-go");
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    env.BRTOPS_ACTOR = AI;
    client = new Client({ name: "brtops-test", version: "0.0.0" });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], cwd: root, env, stderr: "ignore" }),
    );
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    cleanup?.();
  });

  it("records the AI LEAD's proposal; the HUM LEAD's accept makes one decision naming both", async () => {
    expect(brtops(root, AI, ["status", "--json"]).json.gate.step).toBe("5.10");
    const r = (await client.callTool({
      name: "propose",
      arguments: { kind: "accept-risk", text: "the code expiry is a documented limitation" },
    })) as ToolOut;
    expect(r.isError, r.content[0]?.text).toBeFalsy();
    const out = JSON.parse(r.content[0]!.text);
    expect(out.proposals).toEqual([expect.objectContaining({ id: "P1", kind: "accept-risk", by: AI })]);
    // Nothing was decided by the tool: the gate is still open, the last decision is not the proposal's.
    expect(out.gate.step).toBe("5.10");
    expect(out.decisions.some((d: { proposal?: string }) => d.proposal === "P1")).toBe(false);
    const a = brtops(root, HUM, ["accept", "P1", "--json"]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.json.decisions.at(-1)).toMatchObject({ proposal: "P1", proposedBy: AI, by: HUM });
  });

  it("a bad kind is a tool error and records nothing", async () => {
    const before = brtops(root, AI, ["status", "--json"]).json.lastSeq;
    const r = (await client.callTool({ name: "propose", arguments: { kind: "approve", text: "x" } })) as ToolOut;
    expect(r.isError).toBe(true);
    expect(brtops(root, AI, ["status", "--json"]).json.lastSeq).toBe(before);
  });
});
