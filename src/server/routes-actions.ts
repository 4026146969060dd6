/**
 * The HTTP face of the action table: a `POST /api/releases/:version/<action>` route per decision,
 * its JSON body checked by the action's one schema (the CLI's options, in camelCase), carried out
 * through actions/perform; and GET /api/actions, the table as this server offers it (each action's
 * route, who may take it, its options), so a client lists the actions from the server itself.
 */
import type { Context, Hono } from "hono";
import { PasskeyAssertion } from "./bodies.js";
import { statusView } from "../core/status-view.js";
import { BrtopsError } from "../core/errors.js";
import { parseActionInput } from "../actions/input.js";
import { optionViews, offeredActions } from "../actions/offered.js";
import { performDecision } from "../actions/perform.js";
import { ACTIONS, httpRoute, mcpName } from "../actions/table.js";
import { rolesFor, whoMay } from "../actions/who.js";
import { approvalPolicy } from "../core/authority.js";
import type { Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import type { AppEnv } from "./http.js";
import { isBodyTooLarge } from "./limits.js";
import { signerOfBody } from "./routes-passkeys.js";
import { carriedOut } from "./routes-manage.js";

type Session = (c: Context<AppEnv>) => Promise<ReleaseSession>;

/** The JSON body, or {} when there is none; not JSON: E_BAD_REQUEST. */
async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    if (isBodyTooLarge(e)) throw e;
    throw new BrtopsError("E_BAD_REQUEST", "The request body is not valid JSON.", {
      hint: "Send a JSON object with Content-Type: application/json.",
    });
  }
}

/** Every action of the table with its faces: its route here, its command, its MCP tool, who may take it, its options. */
export function actionsListing() {
  return ACTIONS.map((a) => ({
    name: a.name,
    title: a.title,
    kind: a.kind,
    summary: a.summary,
    authority: a.authority,
    roles: rolesFor(a.authority),
    who: whoMay(a.authority),
    hints: a.hints,
    http: httpRoute(a),
    mcp: rolesFor(a.authority)?.includes("ai-lead") === false ? null : mcpName(a),
    options: optionViews(a),
  }));
}

/** Installs the decision routes of the action table and GET /api/actions. */
export function installActionRoutes(app: Hono<AppEnv>, project: Project, session: Session): void {
  app.get("/api/actions", (c) => c.json({ actions: actionsListing() }));

  for (const a of ACTIONS) {
    if (a.kind !== "decision") continue;
    const route = httpRoute(a);
    if (!route) continue;
    app.post(route.path, async (c) => {
      const s = await session(c);
      // A gate decision may carry the decider's passkey assertion over it (routes-passkeys).
      const input = parseActionInput(a, await jsonBody(c), a.signs ? { passkey: PasskeyAssertion.optional() } : {});
      const signer = signerOfBody(input).signer;
      const done = await performDecision(project, a, s, c.get("actorId"), input, signer);
      const v = statusView(done.state, done.state.version);
      if (done.dryRun) return c.json({ dryRun: true, recorded: false, said: done.said, ...v });
      return c.json({
        recorded: true,
        ...carriedOut({ said: done.said, runs: done.runs }, done.state.version, c.get("runnerActive") === true),
        ...v,
      });
    });
  }
}

/** The release's status JSON with the actions the caller may take on it now (and their options). */
export function withActions(json: string, project: Project, actorId: string, session: ReleaseSession): string {
  const actions = offeredActions(
    project.config.leads,
    actorId,
    session.state,
    approvalPolicy(project.config.leads, project.config.authority),
  );
  return `${json.slice(0, json.lastIndexOf("}"))},"actions":${JSON.stringify(actions)}}`;
}
