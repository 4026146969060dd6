/** The HTTP face of brtops: the dashboard, releases, their status, decisions and a live status stream. */
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { BrtopsError, httpStatusFor, isBrtopsError } from "../core/errors.js";
import { selectRelease, type Project } from "../engine/project.js";
import { installAuth, type AuthOptions } from "./auth.js";
import { installDashboard } from "./dashboard/routes.js";
import { installDashboardApi } from "./dashboard/api-routes.js";
import { createReleaseHub } from "./release-hub.js";
import { errorBody, type AppEnv } from "./http.js";
import { installManage } from "./routes-manage.js";
import { installActionRoutes, withActions } from "./routes-actions.js";
import { installViews } from "./routes-views.js";
import { installPasskeys } from "./routes-passkeys.js";
import { bodyLimitFor, isBodyTooLarge, limitRequests } from "./limits.js";
import { securityHeaders } from "./security-headers.js";
import { installRequestRoutes } from "./routes-request.js";
import { installRunnerRoutes } from "./runner-routes.js";
import type { ServerRunner } from "./runner.js";

export { SESSION_COOKIE } from "./auth.js";

type Env = AppEnv;

export interface AppOptions extends AuthOptions {
  /** How often the event stream re-reads the log when the store cannot be watched (ms). */
  pollMs?: number;
  /** The server's runner (`brtops serve` starts one unless --no-runner): decisions recorded here wake it. */
  runner?: ServerRunner | null;
}

/** Creates the API app for a project; call `app.fetch` or `app.request` on it. */
export function createApp(project: Project, options: AppOptions = {}): Hono<Env> {
  const app = new Hono<Env>();
  const pollMs = options.pollMs ?? 500;

  app.onError((err, c) => {
    const e = isBrtopsError(err)
      ? err
      : new BrtopsError("E_INTERNAL", "The server failed to handle the request.", { hint: "See the server's log." });
    if (!isBrtopsError(err)) console.error(project.redact(String(err?.stack ?? err)));
    // An error may quote a tool's output or a value a client sent: it passes the project's redactor like everything else.
    return c.json(project.redact.deep(errorBody(e)), (isBodyTooLarge(e) ? 413 : httpStatusFor(e.code)) as 400);
  });

  app.use("*", securityHeaders());
  // Before anything reads a body: a declared size over the route's limit is refused unread (limits.ts).
  app.use("*", limitRequests(bodyLimitFor));
  installDashboard(app);
  // Sign-in, then the credentials check (with CSRF for cookie sessions) of every other /api route.
  installAuth(app, project, options);

  const runner = options.runner ?? null;
  // A decision recorded through this server wakes its runner at once; it acts only when the fold
  // says an automated action is next (the answer does not wait for the run).
  if (runner)
    app.use("/api/releases/*", async (c, next) => {
      c.set("runnerActive", true);
      await next();
      if (c.req.method === "POST" && c.res.status < 300) runner.wake();
    });
  installRunnerRoutes(app, project, runner);

  // Decisions get a session of their own, so a conflicting append is still caught; reads share the hub's.
  const session = (c: Context<Env>) => selectRelease(project.store, c.req.param("version"));
  const hub = createReleaseHub(project.store, { pollMs });

  app.get("/api/releases", async (c) => c.json({ releases: await hub.summaries() }));
  installRequestRoutes(app, project, (release) => runner?.requested(release), runner !== null);

  app.get("/api/releases/:version", async (c) => {
    // The status, with the actions the caller may take on it now (the dashboard renders its controls from them).
    const version = c.req.param("version");
    const { json } = await hub.status(version);
    const body = withActions(json, project, c.get("actorId"), await hub.session(version));
    return c.body(body, 200, { "Content-Type": "application/json" });
  });

  // The decisions (approve, reject, feedback, answer, go, guide, pause …): generated from the action table.
  installActionRoutes(app, project, session);
  installPasskeys(app, project, session);

  installViews(app, project, (c) => hub.session(c.req.param("version") ?? ""));
  installDashboardApi(app, project, hub, runner);
  installManage(app, project, session);

  app.get("/api/releases/:version/events", async (c) => {
    // One watcher, one refresh and one encoded `event: status` frame per release, for every client.
    const feed = await hub.subscribe(c.req.param("version"));
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => feed.close());
      for await (const frame of feed) {
        await stream.write(frame);
        if (stream.aborted || stream.closed) break;
      }
    });
  });

  return app;
}
