/** GET /api/runner and GET /api/releases/:version/runner: what the server's runner is doing, and its errors. */
import type { Hono } from "hono";
import { selectRelease, type Project } from "../engine/project.js";
import type { AppEnv } from "./http.js";
import { RUNNER_ACTOR, type ServerRunner } from "./runner.js";

/** The runner's status when the server was started with --no-runner. */
function disabled() {
  return {
    enabled: false,
    actor: RUNNER_ACTOR.id,
    releases: [],
    errors: [],
    hint: "This server records decisions only (brtops serve --no-runner): `brtops run` carries them out.",
  };
}

/** Installs the runner's status routes; `runner` null when the server runs none. */
export function installRunnerRoutes(app: Hono<AppEnv>, project: Project, runner: ServerRunner | null): void {
  app.get("/api/runner", (c) => c.json(runner ? runner.status() : disabled()));

  app.get("/api/releases/:version/runner", async (c) => {
    // "1.1.0" names the run the other routes select ("1.1.0@production" when that is the open one).
    const session = await selectRelease(project.store, c.req.param("version"), { allowFinished: true });
    return c.json({
      release: session.release,
      enabled: runner !== null,
      status: runner?.releaseStatus(session.release) ?? null,
    });
  });
}
