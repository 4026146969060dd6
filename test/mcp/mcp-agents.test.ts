/**
 * The MCP server shaped for agents (issue 15.6), through the SDK client over stdio: instructions
 * that say what an AI LEAD may and may not do; annotations, an output schema and the action of the
 * action table on every tool; list_releases and list_environments; progress notifications while
 * advance runs a deploy step that cannot finish until the test has received one.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "vitest";
import { AI, CLI, HUM, brtops, sampleProject } from "../support/cli.js";
import { GO_FILE, WAITING_LINE, gatedDeployProject, throughGo } from "../support/gated-deploy.js";

type ToolOut = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: any };

const open: { client: Client; cleanup: () => void }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.client.close();
    o.cleanup();
  }
});

async function connect(p: { root: string; cleanup: () => void }): Promise<Client> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.BRTOPS_ACTOR = "";
  const client = new Client({ name: "brtops-agent-test", version: "0.0.0" });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], cwd: p.root, env, stderr: "ignore" }),
  );
  open.push({ client, cleanup: p.cleanup });
  return client;
}

describe("brtops mcp for agents", () => {
  it("gives instructions: the workflow, what the AI LEAD may do and may not (approve, GO/NO-GO, certify)", async () => {
    const client = await connect(sampleProject());
    const text = client.getInstructions() ?? "";
    expect(text).toMatch(/seven phases/);
    expect(text).toMatch(/You act as the project's AI LEAD/);
    expect(text).toMatch(/You may NOT approve or reject a gate, decide GO\/NO-GO, certify/);
    expect(text).toMatch(/progress/);
    // Every tool the instructions name exists.
    const names = new Set((await client.listTools()).tools.map((t) => t.name));
    for (const n of text.match(/\b[a-z]+_[a-z_]+\b/g) ?? []) if (!n.includes("hum_")) expect(names, n).toContain(n);
  }, 60_000);

  it("annotates every tool, with an output schema; views are read-only, advance may deploy (destructive, open world)", async () => {
    const client = await connect(sampleProject());
    const tools = (await client.listTools()).tools;
    expect(tools.length).toBeGreaterThan(10);
    for (const t of tools) {
      const a = t.annotations!;
      expect(a, t.name).toBeDefined();
      for (const k of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const)
        expect(typeof a[k], `${t.name}.${k}`).toBe("boolean");
      expect(t.title ?? a.title, t.name).toBeTruthy();
      expect(t.outputSchema?.type, t.name).toBe("object");
      if (a.readOnlyHint) expect(a.destructiveHint, t.name).toBe(false);
    }
    const by = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const v of ["status", "list_releases", "list_environments", "sitrep", "deployment_status", "current_report"])
      expect(by[v]!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
    expect(by.advance!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, openWorldHint: true });
    expect(by.request_release!.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
    expect(by.ask_hum_lead!.annotations!.readOnlyHint).toBe(false);
    // Generated from the action table: the action and who may take it, as core authority says.
    expect(by.advance!._meta).toMatchObject({ "brtops/action": "run", "brtops/authority": "run" });
    expect(by.propose!._meta).toMatchObject({ "brtops/authority": "propose", "brtops/roles": ["ai-lead"] });
  }, 60_000);

  it("list_releases after two releases: both, as `brtops list --json` shows them; list_environments the ledger", async () => {
    const p = sampleProject({
      envExtra: '  qa:\n    deploy:\n      - {name: ship, run: [./scripts/deploy.sh, "{version}"]}\n',
    });
    const client = await connect(p);
    const call = async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as ToolOut;
    expect((await call("list_releases")).structuredContent).toEqual({ releases: [] });
    const one = await call("request_release", { version: "1.1.0", environment: "local" });
    expect(one.isError, one.content[0]?.text).toBeFalsy();
    const two = await call("request_release", { version: "1.2.0", environment: "qa" });
    expect(two.isError, two.content[0]?.text).toBeFalsy();
    const list = await call("list_releases");
    expect(list.isError).toBeFalsy();
    const releases = list.structuredContent.releases as { release: string; environment: string; state: string }[];
    expect(releases.map((r) => [r.release, r.environment, r.state]).sort()).toEqual([
      ["1.1.0", "local", "awaiting-hum-lead"],
      ["1.2.0", "qa", "awaiting-hum-lead"],
    ]);
    expect(list.structuredContent).toEqual(brtops(p.root, AI, ["list", "--json"]).json);
    expect(JSON.parse(list.content[0]!.text)).toEqual(list.structuredContent);
    const envs = await call("list_environments");
    expect(envs.structuredContent.environments.map((e: { name: string }) => e.name).sort()).toEqual(["local", "qa"]);
    // With two open, a tool needs the release named: the error says so, and names them.
    const which = await call("status");
    expect(which.isError).toBe(true);
    expect(JSON.parse(which.content[0]!.text).error.code).toBe("E_RELEASE_AMBIGUOUS");
    expect((await call("status", { release: "1.2.0" })).structuredContent.environment).toBe("qa");
  }, 180_000);

  it("advance sends progress notifications while a deploy step runs; the step waits for the test to receive one", async () => {
    const p = gatedDeployProject();
    throughGo(p.root);
    const client = await connect(p);
    const messages: string[] = [];
    let sawWaiting = false;
    const result = (await client.callTool({ name: "advance", arguments: {} }, undefined, {
      // Between two notifications at most (the step waits for the test, which waits for a notification).
      timeout: 120_000,
      resetTimeoutOnProgress: true,
      onprogress: (n) => {
        messages.push(n.message ?? "");
        // The deploy step says it waits: only now may it go on (it cannot finish before this file exists).
        if (!sawWaiting && n.message?.includes(WAITING_LINE)) {
          sawWaiting = true;
          expect(existsSync(join(p.root, GO_FILE))).toBe(false);
          writeFileSync(join(p.root, GO_FILE), "go\n");
        }
      },
    })) as ToolOut;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    expect(sawWaiting).toBe(true);
    expect(messages.length).toBeGreaterThan(1);
    // Progress counts up, and names the steps as they start.
    expect(messages.some((m) => /^6\.\d/.test(m))).toBe(true);
    expect(result.structuredContent.stopped).toBe("awaiting");
    expect(result.structuredContent.phase).toBeGreaterThanOrEqual(6);
    expect(brtops(p.root, HUM, ["deployment-status", "--json"]).code).toBe(0);
  }, 600_000);
});
