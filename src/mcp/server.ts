/**
 * The MCP face (stdio): an AI LEAD's tools. It can request, advance, look, ask and respond —
 * never approve, reject, decide GO/NO-GO, grant auto-proceed or certify (DESIGN rule 6).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { roleOf } from "../core/authority.js";
import { BrtopsError, isBrtopsError } from "../core/errors.js";
import { createRedactor, secretValuesFrom } from "../core/redact.js";
import { urlPasswords } from "../core/config-secrets.js";
import { statusView } from "../core/status-view.js";
import { openProject, selectRelease, type Project } from "../engine/project.js";
import { contextAdvice } from "./context-advice.js";
import { BoundedStdioTransport } from "./stdio-transport.js";
import { MCP_TOOLS, type ToolDeps } from "./tools.js";

/** The AI LEAD the server acts as: --as/BRTOPS_ACTOR when it names an AI LEAD, else the first configured. */
export function mcpActor(p: Project, as: string | undefined): string {
  const explicit = as?.trim() || p.env.BRTOPS_ACTOR?.trim();
  if (explicit && roleOf(p.config.leads, explicit) === "ai-lead") return explicit;
  const first = p.config.leads.ai[0];
  if (!first)
    throw new BrtopsError("E_NO_AI_LEAD", "No AI LEAD is configured, so the MCP server has no one to act as.", {
      hint: "Add an id under leads.ai in brtops.config.yaml.",
    });
  return first;
}

type ToolResult = {
  content: { type: "text"; text: string }[];
  structuredContent: Record<string, unknown>;
  isError?: boolean;
};

function ok(obj: Record<string, unknown>): ToolResult {
  return { content: [{ type: "text", text: JSON.stringify(obj) }], structuredContent: obj };
}

// Built once from this process's environment: an error may quote a tool's output, and it must not carry a secret to the agent.
const redactErrors = createRedactor([...secretValuesFrom(process.env), ...urlPasswords(process.env.BRTOPS_STORE)]);

function fail(e: unknown, advice: unknown): ToolResult {
  const error = redactErrors.deep(
    isBrtopsError(e) ? e.toJSON() : { code: "E_INTERNAL", message: (e as Error)?.message ?? String(e) },
  );
  const obj = { error, ...(advice ? { contextAdvice: advice } : {}) };
  return { content: [{ type: "text", text: JSON.stringify(obj) }], structuredContent: obj, isError: true };
}

/** Builds the server (tools registered) for a project folder. */
export function createMcpServer(cwd: string, as?: string): McpServer {
  const server = new McpServer({ name: "brtops", version: "0.1.0" });
  const withProject = async <T>(fn: (p: Project, actorId: string) => Promise<T>): Promise<T> => {
    const p = await openProject(cwd);
    try {
      return await fn(p, mcpActor(p, as));
    } finally {
      await p.close();
    }
  };
  const deps: ToolDeps = {
    withProject,
    statusOf: async (p, release) =>
      statusView((await selectRelease(p.store, release, { allowFinished: true })).state, release),
  };
  for (const t of MCP_TOOLS) {
    const shape = {
      ...t.input,
      contextUsage: z
        .number()
        .min(0)
        .max(100)
        .optional()
        .describe("How full your context is, in percent: the result then says whether to DEFRAG or ORIENT."),
    };
    server.registerTool(
      t.name,
      { description: t.description, inputSchema: shape },
      async (args: Record<string, unknown>) => {
        const usage = args.contextUsage as number | undefined;
        const advice = usage === undefined ? undefined : contextAdvice(usage);
        try {
          const r = await t.run(deps, args);
          return ok({ ...r, ...(advice ? { contextAdvice: advice } : {}) });
        } catch (e) {
          return fail(e, advice);
        }
      },
    );
  }
  return server;
}

/** Serves the tools over stdio until the client disconnects. */
export async function serveMcp(cwd: string, as?: string): Promise<void> {
  // stdout carries the protocol: anything else printed there would corrupt it.
  console.log = (...a: unknown[]) => console.error(...a);
  const server = createMcpServer(cwd, as);
  // Bounded: an oversize message is answered with a JSON-RPC error and the server goes on (stdio-transport.ts).
  const transport = new BoundedStdioTransport();
  transport.onclose = () => process.exit(0);
  process.stdin.on("end", () => process.exit(0));
  await server.connect(transport);
}
