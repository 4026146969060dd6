/**
 * POST /api/releases: requesting a release from the dashboard or an agent, as `brtops release`
 * and `brtops "RELEASE v1.1.0 to Staging"` do — the same engine (request-release), so the same
 * authority, the same planning (a new release, a promotion of an approved package, another
 * attempt) and the same refusals with the same codes (E_ENVIRONMENT_BUSY, E_PROMOTION_ORDER, …).
 * Promoting a certified version to the next environment (GET /api/environments' `promotable`) is
 * this request with that version and environment.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { buildEnvironmentCatalog } from "../core/environments.js";
import { BrtopsError } from "../core/errors.js";
import { statusView } from "../core/status-view.js";
import { parseTrigger } from "../core/trigger-grammar.js";
import type { Project } from "../engine/project.js";
import { requestRelease, type ReleaseRequest } from "../engine/request-release.js";
import { parseActionInput } from "../actions/input.js";
import { actionSpec } from "../actions/table.js";
import { readBody, type AppEnv } from "./http.js";
import { ServerLimits } from "./limits.js";

const field = z.string().min(1).max(ServerLimits.identity);

/** `{phrase}` or `{version, environment}`, and a HUM LEAD's `overridePromotion` reason. */
export const RequestBody = z.strictObject({
  phrase: z.string().min(1).max(1000).optional(),
  version: field.optional(),
  environment: field.optional(),
  overridePromotion: z.string().max(2000).optional(),
});

/** What the request names: from the phrase (only a RELEASE phrase), else from version and environment. */
function requested(
  project: Project,
  body: z.infer<typeof RequestBody>,
): { version: string; environment: string; autoProceed?: true } {
  const { phrase, version, environment } = body;
  if (phrase !== undefined) {
    if (version !== undefined || environment !== undefined)
      throw new BrtopsError("E_BAD_REQUEST", "Send either a phrase or a version and an environment, not both.", {
        hint: 'POST /api/releases {"phrase": "RELEASE v1.1.0 to Staging"} or {"version": "1.1.0", "environment": "staging"}.',
      });
    const t = parseTrigger(phrase, buildEnvironmentCatalog(project.config.environments));
    if (t.command !== "release")
      throw new BrtopsError(
        "E_BAD_REQUEST",
        `"${t.form}" is not a release request; POST /api/releases takes "RELEASE v{version} to {target}".`,
        {
          hint: "Other phrases are decisions on a release: use its POST /api/releases/:version/… routes.",
          details: { command: t.command, form: t.form },
        },
      );
    const v = t.version ?? t.versionType;
    if (!v || !t.environment)
      throw new BrtopsError("E_USAGE", `The phrase names no ${v ? "environment" : "version"}.`, {
        hint: 'Write it as "RELEASE v1.1.0 to Staging".',
      });
    // "GO RELEASE v1.1.0 to Staging": the request and the GO RELEASE grant (engine/go-release).
    return { version: v, environment: t.environment, ...(t.autoProceed ? { autoProceed: t.autoProceed } : {}) };
  }
  if (version === undefined || environment === undefined)
    throw new BrtopsError(
      "E_BAD_REQUEST",
      `The request body names no ${version === undefined ? "version" : "environment"}.`,
      {
        hint: 'POST /api/releases {"version": "1.1.0", "environment": "staging"} or {"phrase": "RELEASE v1.1.0 to Staging"}.',
      },
    );
  return { version, environment };
}

/**
 * Installs POST /api/releases. Answers 201 once ReleaseRequested is recorded, with the new run's
 * status; `started(release)` is then told (the server's runner takes it to its first gate).
 * `runs`: whether anything will carry the release on (false: the answer names `brtops run`).
 */
export function installRequestRoutes(
  app: Hono<AppEnv>,
  project: Project,
  started: (release: string) => void,
  runs: boolean,
): void {
  app.post("/api/releases", async (c) => {
    const body = await readBody(c, RequestBody);
    const { autoProceed, ...what } = requested(project, body);
    // The request action's options, checked by the action table's schema as `brtops release` and the MCP tool check them.
    parseActionInput(actionSpec("request")!, {
      ...what,
      ...(body.overridePromotion !== undefined ? { overridePromotion: body.overridePromotion } : {}),
    });
    const req: ReleaseRequest = {
      ...what,
      actorId: c.get("actorId"),
      ...(body.phrase !== undefined ? { trigger: body.phrase } : {}),
      ...(body.overridePromotion !== undefined ? { overridePromotion: body.overridePromotion } : {}),
    };
    const session = autoProceed
      ? (await (await import("../engine/go-release.js")).goRelease(project, req)).session
      : await requestRelease(project, req);
    started(session.release);
    const s = session.state;
    const then = runs ? null : `brtops run --release ${session.release}`;
    c.header("Location", `/api/releases/${encodeURIComponent(session.release)}`);
    return c.json(
      {
        recorded: true,
        said: `Release v${s.version} to ${s.environment} requested by ${req.actorId}${s.promotion ? `: promoting the package approved as ${s.promotion.from}` : ""}. ${runs ? "The server's runner takes it to its first gate." : `Nothing runs it on this server (--no-runner): run \`${then}\`.`}`,
        then,
        ...statusView(s, session.release),
      },
      201,
    );
  });
}
