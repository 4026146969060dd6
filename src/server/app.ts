/** The HTTP face of brtops: releases, their status, decisions and a live status stream. */
import { Hono, type Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";
import type { z } from "zod";
import { BrtopsError, httpStatusFor, isBrtopsError } from "../core/errors.js";
import { statusView } from "../core/status-view.js";
import type { ReleaseState } from "../core/release-state.js";
import * as d from "../engine/decisions.js";
import { listReleases, selectRelease, type Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import { AnswerBody, ApproveBody, FeedbackBody, RejectBody } from "./bodies.js";
import { LoginBody } from "./bodies.js";
import { createToken, identityForToken } from "./tokens.js";
import { verifyUser } from "./users.js";

/** The session cookie POST /api/login sets; it carries a token like those of `brtops token create`. */
export const SESSION_COOKIE = "brtops_session";

type Env = { Variables: { actorId: string } };

export interface AppOptions {
  /** How often the event stream re-reads the log when the store cannot be watched (ms). */
  pollMs?: number;
}

function errorBody(e: BrtopsError) {
  return { error: { code: e.code, message: e.message, hint: e.hint ?? null } };
}

async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new BrtopsError("E_BAD_REQUEST", "The request body is not valid JSON.", { hint: "Send a JSON object with Content-Type: application/json." });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    throw new BrtopsError("E_BAD_REQUEST", `The request body is invalid: ${msg}.`, { hint: "See `brtops serve --help` for the fields each endpoint takes." });
  }
  return r.data;
}

/** Creates the API app for a project; call `app.fetch` or `app.request` on it. */
export function createApp(project: Project, options: AppOptions = {}): Hono<Env> {
  const app = new Hono<Env>();
  const pollMs = options.pollMs ?? 500;

  app.onError((err, c) => {
    const e = isBrtopsError(err) ? err : new BrtopsError("E_INTERNAL", "The server failed to handle the request.", { hint: "See the server's log." });
    if (!isBrtopsError(err)) console.error(project.redact(String((err as Error)?.stack ?? err)));
    return c.json(errorBody(e), httpStatusFor(e.code) as 400);
  });

  app.post("/api/login", async (c) => {
    const body = await readBody(c, LoginBody);
    if (!(await verifyUser(project.root, body.id, body.password))) {
      return c.json(errorBody(new BrtopsError("E_NO_IDENTITY", "Unknown user or wrong password.", { hint: "Set a password with `brtops user add ID`." })), 401);
    }
    const token = createToken(project.root, body.id, project.now());
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/api" });
    return c.json({ id: body.id, loggedIn: true });
  });

  app.use("/api/*", async (c, next) => {
    if (c.req.path === "/api/login") return next();
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const presented = m ? m[1]! : getCookie(c, SESSION_COOKIE);
    const id = presented ? identityForToken(project.root, presented) : null;
    if (!id) {
      return c.json(errorBody(new BrtopsError("E_NO_IDENTITY", "Missing or invalid credentials.", { hint: "Send Authorization: Bearer <token>; create one with `brtops token create ID`." })), 401);
    }
    c.set("actorId", id);
    await next();
  });

  const session = (c: Context<Env>) => selectRelease(project.store, c.req.param("version"));

  app.get("/api/releases", async (c) => {
    const all = await listReleases(project.store);
    return c.json({ releases: all.map((r) => r.summary) });
  });

  app.get("/api/releases/:version", async (c) => {
    const s = await session(c);
    return c.json(statusView(s.state, s.state.version));
  });

  const decision = <S extends z.ZodType>(path: string, schema: S, run: (s: ReleaseSession, base: d.DecisionInput, body: z.infer<S>) => Promise<ReleaseState>) =>
    app.post(`/api/releases/:version/${path}`, async (c) => {
      const s = await session(c);
      const body = await readBody(c, schema);
      const b = body as { step?: string; note?: string };
      const base: d.DecisionInput = { actorId: c.get("actorId"), ...(b.step ? { step: b.step } : {}), ...(b.note ? { note: b.note } : {}) };
      const state = await run(s, base, body);
      return c.json({ recorded: true, ...statusView(state, state.version) });
    });

  decision("approve", ApproveBody, (s, base, b) => d.approve(project, s, { ...base, ...(b.waive ? { waive: b.waive } : {}) }));
  decision("reject", RejectBody, (s, base, b) => d.reject(project, s, { ...base, reason: b.reason, ...(b.returnTo !== undefined ? { returnTo: b.returnTo } : {}) }));
  decision("feedback", FeedbackBody, (s, base, b) => d.giveFeedback(project, s, { ...base, text: b.text }));
  decision("answer", AnswerBody, (s, base, b) => d.answerQuestion(project, s, { ...base, id: b.id, text: b.text }));

  app.get("/api/releases/:version/events", async (c) => {
    const s = await session(c);
    return streamSSE(c, async (stream) => {
      let sent = -1;
      let wake: (() => void) | null = null;
      const poke = () => wake?.();
      const unwatch = project.store.watch?.(() => poke()) ?? (() => {});
      const timer = setInterval(poke, pollMs);
      stream.onAbort(() => poke());
      try {
        while (!stream.aborted && !stream.closed) {
          await s.refresh();
          if (s.lastSeq !== sent) {
            sent = s.lastSeq;
            await stream.writeSSE({ event: "status", id: String(sent), data: JSON.stringify(statusView(s.state, s.state.version)) });
          }
          await new Promise<void>((r) => (wake = r));
          wake = null;
        }
      } finally {
        clearInterval(timer);
        unwatch();
      }
    });
  });

  return app;
}
