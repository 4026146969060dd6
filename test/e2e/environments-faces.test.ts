/**
 * The ledger is one object on every face: `brtops environments --json`, GET /api/environments and
 * the MCP tool `environments` return the same thing, after a real certified release.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { createToken } from "../../src/server/tokens.js";
import { AI, CLI, brtops, sampleProject, approveGates } from "../support/cli.js";

describe("the ledger on every face", () => {
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let client: Client;

  beforeAll(async () => {
    p = sampleProject({
      envExtra: '  qa:\n    deploy:\n      - {name: ship, run: [./scripts/deploy.sh, "{version}"]}\n',
    });
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    approveGates(p.root, (s) => s.state === "certified");
    expect(brtops(p.root, AI, ["status", "--json", "--release", "1.1.0"]).json.state).toBe("certified");
    project = await openProject(p.root);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    env.BRTOPS_ACTOR = AI;
    client = new Client({ name: "brtops-test", version: "0.0.0" });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], cwd: p.root, env, stderr: "ignore" }),
    );
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await project?.close();
    p?.cleanup();
  });

  it("CLI, API and MCP return the same environments object", async () => {
    const cli = brtops(p.root, AI, ["environments", "--json"]);
    expect(cli.code, cli.stderr).toBe(0);
    const ledger = cli.json;
    const local = ledger.environments.find((e: { name: string }) => e.name === "local");
    expect(local).toMatchObject({ version: "1.1.0", release: "1.1.0", state: "certified" });
    expect(local.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(local).sort()).toEqual([
      "artifacts",
      "commit",
      "history",
      "name",
      "release",
      "since",
      "state",
      "version",
    ]);
    // A configured environment nothing ran on is listed, empty.
    expect(ledger.environments.find((e: { name: string }) => e.name === "qa")).toMatchObject({
      version: null,
      release: null,
      history: [],
    });

    const app = createApp(project, { pollMs: 100 });
    const token = createToken(p.root, AI, project.now());
    const api = await app.request("/api/environments", { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual(ledger);
    expect((await app.request("/api/environments")).status).toBe(401);

    const mcp = (await client.callTool({ name: "environments", arguments: {} })) as {
      isError?: boolean;
      structuredContent?: unknown;
      content: { text: string }[];
    };
    expect(mcp.isError).toBeFalsy();
    expect(JSON.parse(mcp.content[0]!.text)).toEqual(ledger);

    // The text table names the environment, the version and the run.
    const text = brtops(p.root, AI, ["environments"]).stdout;
    expect(text).toMatch(/local\s+v1\.1\.0\s+\S+\s+1\.1\.0\s+certified/);
  });
});
