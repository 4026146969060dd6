/**
 * The MCP face (stdio): an AI LEAD's tools. It can request, advance, look, ask and respond —
 * never approve, reject, decide GO/NO-GO, grant auto-proceed or certify (DESIGN rule 6). The
 * server tells the agent so in its instructions; every tool carries MCP annotations (read-only,
 * destructive, idempotent, open-world), an output schema for its structured content, and the
 * action of the action table it was generated from (`_meta["brtops/action"]`).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { roleOf } from "../core/authority.js";
import { BrtopsError, isBrtopsError } from "../core/errors.js";
import { createRedactor, secretValuesFrom } from "../core/redact.js";
import { urlPasswords } from "../core/config-secrets.js";
import { statusView } from "../core/status-view.js";
import { loadConfig } from "../config/load-config.js";
import { openProject, selectRelease, type Project } from "../engine/project.js";
import { rolesFor } from "../actions/who.js";
import { actionSpec } from "../actions/table.js";
import { contextAdvice } from "./context-advice.js";
import { BoundedStdioTransport } from "./stdio-transport.js";
import { CONTEXT_USAGE, checkToolInput, mcpTools, type ToolDeps } from "./tools.js";

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
  structuredContent?: Record<string, unknown>;
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
  // Text only: structured content must match the tool's output schema, which describes its result, not a refusal.
  return { content: [{ type: "text", text: JSON.stringify(obj) }], isError: true };
}

/** What the server tells an agent when it connects: the workflow, and what it may and may not do. */
export const MCP_INSTRUCTIONS = `brtops runs the BRTOPS RELEASE workflow: seven phases (1 request and readiness, 2 scope and
changelog, 3 testing, 4 packaging, 5 GO/NO-GO, 6 deployment, 7 validation and certification) that
take "RELEASE v{version} to {environment}" to a deployed, validated, certified release. Every step
is recorded in a hash-chained log; HUM LEADs (people) decide at the gates.

You act as the project's AI LEAD. You may: request a release (request_release), advance it
(advance: it runs the automated steps — builds, tags, deploys, notifies — until a HUM LEAD must
decide, it ends, or a step fails; it reports progress while it runs), look at it (status,
list_releases, list_environments, sitrep, deployment_status, current_report, check_scope, orient),
ask the HUM LEAD a question (ask_hum_lead), give feedback, answer feedback (respond_to_feedback),
pause, run post-deployment validation (validate), and propose a joint decision for a HUM LEAD to
accept (propose: accept-risk at the GO gate, or an incident's guidance).

You may NOT approve or reject a gate, decide GO/NO-GO, certify, grant GO RELEASE auto-proceed,
resume, abort, roll back, choose an incident's guidance, waive or exclude a feature, override the
SEV or sign off: those are a HUM LEAD's, and no tool offers them. When a release waits for a HUM
LEAD (state awaiting-hum-lead), show them the gate's report (current_report) and the commands in
\`next\`, answer their feedback, and wait; do not try to decide for them.

Tools that change a release take the step you saw (step) and refuse when the release has moved
on; dryRun checks a decision without recording it. A refusal is a tool error whose structured
content holds {error: {code, message, hint}}: read the hint. Pass contextUsage (percent) to be told
when to DEFRAG or ORIENT.`;

/**
 * The schema the SDK gets for a tool's input: it shows the tool's own JSON Schema (types, enums,
 * required) to the client, and lets every value through to the tool, which checks it with the
 * action table's schema — so a bad value gets the code and message the CLI and the API give.
 */
function advertised(shape: Record<string, z.ZodType>) {
  const props: Record<string, z.ZodType> = {};
  const required: string[] = [];
  for (const [k, s] of Object.entries(shape)) {
    const js = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    delete js.$schema;
    if (!s.safeParse(undefined).success) required.push(k);
    props[k] = z.unknown().meta(js).optional();
  }
  return z.looseObject(props).meta({ required });
}

/** The configured environments and their aliases, for the request tool's enum (none when the config cannot be read yet). */
function configuredEnvironments(cwd: string): string[] {
  try {
    const envs = loadConfig(cwd).config.environments;
    return [...new Set(Object.entries(envs).flatMap(([name, e]) => [name, ...(e.aliases ?? [])]))];
  } catch {
    return [];
  }
}

/** Builds the server (tools registered) for a project folder. */
export function createMcpServer(cwd: string, as?: string): McpServer {
  const server = new McpServer({ name: "brtops", version: "0.1.0" }, { instructions: MCP_INSTRUCTIONS });
  const withProject = async <T>(fn: (p: Project, actorId: string) => Promise<T>): Promise<T> => {
    const p = await openProject(cwd);
    try {
      return await fn(p, mcpActor(p, as));
    } finally {
      await p.close();
    }
  };
  const statusOf = async (p: Project, release?: string) =>
    statusView((await selectRelease(p.store, release, { allowFinished: true })).state, release);
  for (const t of mcpTools(configuredEnvironments(cwd))) {
    const a = t.action ? actionSpec(t.action) : undefined;
    server.registerTool(
      t.name,
      {
        title: t.annotations.title,
        description: t.description,
        inputSchema: advertised({ ...t.input, contextUsage: CONTEXT_USAGE }),
        outputSchema: t.output as z.ZodObject,
        annotations: t.annotations,
        _meta: a
          ? { "brtops/action": a.name, "brtops/authority": a.authority, "brtops/roles": rolesFor(a.authority) }
          : { "brtops/action": null },
      },
      async (input, extra) => {
        const raw = input as Record<string, unknown>;
        const usage = typeof raw.contextUsage === "number" ? raw.contextUsage : undefined;
        const advice = usage === undefined ? undefined : contextAdvice(usage);
        // Progress notifications go to a caller that asked for them (a progressToken in the request's _meta).
        const token = extra._meta?.progressToken;
        let count = 0;
        const deps: ToolDeps = {
          withProject,
          statusOf,
          progress: (message) => {
            if (token === undefined) return;
            count += 1;
            extra
              .sendNotification({
                method: "notifications/progress",
                params: { progressToken: token, progress: count, message },
              })
              .catch(() => undefined);
          },
        };
        try {
          const r = await t.run(deps, checkToolInput(t, raw));
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
