/**
 * Who is asking: sign-in (rate-limited), sign-out, `GET /api/me`, and the credentials check of every
 * other /api route. Cookie sessions must also prove a state change came from the dashboard (CSRF);
 * bearer tokens (agents, CI) are not sent by browsers on their own, so they need no CSRF token.
 */
import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "@hono/node-server/conninfo";
import { Actions, authorize, roleOf, type Action } from "../core/authority.js";
import { BrtopsError } from "../core/errors.js";
import type { Project } from "../engine/project.js";
import { LoginBody } from "./bodies.js";
import { CSRF_FIELD, CSRF_HEADER, csrfMatches, csrfTokenFor, loadServerSecret } from "./csrf.js";
import { errorBody, isJsonRequest, readBody, type AppEnv, type CredentialKind } from "./http.js";
import { FailureLimiter, type RateLimitOptions } from "./rate-limit.js";
import { createSessionToken, identityForToken, revokeToken } from "./tokens.js";
import { verifyUser } from "./users.js";
import { passkeysOf } from "../engine/signing-keys.js";

/** The session cookie POST /api/login sets; it carries a token like those of `brtops token create`. */
export const SESSION_COOKIE = "brtops_session";
/** How long a browser session lasts (12 hours). */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface AuthOptions {
  /** Failed sign-in limits (default: 5 per identity and per client address per 15 minutes). */
  rateLimit?: RateLimitOptions;
  sessionTtlMs?: number;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Every action of the authority matrix but reading: `can` in /api/me tells the dashboard which controls to offer. */
const DECISIONS: readonly Action[] = Object.values(Actions).filter((a) => a !== "read");

// The socket's address: X-Forwarded-For is not trusted, since any client can set it.
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process requests (app.request) have no socket
  }
}

const isHttps = (c: Context): boolean =>
  new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";

async function formField(c: Context): Promise<string | undefined> {
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(c.req.header("content-type") ?? ""))
    return undefined;
  const v = (await c.req.parseBody())[CSRF_FIELD];
  return typeof v === "string" ? v : undefined;
}

function csrfRefusal(c: Context, why: string) {
  const e = new BrtopsError("E_CSRF", `${why} A signed-in browser must send its CSRF token with every change.`, {
    hint: `Reload the dashboard (it sends the token from GET /api/me as the ${CSRF_HEADER} header), or use a bearer token: brtops token create ID.`,
  });
  return c.json(errorBody(e), 403);
}

/** Installs /api/login, the credentials check of /api/*, /api/logout and /api/me. */
export function installAuth(app: Hono<AppEnv>, project: Project, options: AuthOptions = {}): void {
  const limiter = new FailureLimiter(options.rateLimit);
  const ttlMs = options.sessionTtlMs ?? SESSION_TTL_MS;
  let secret: Buffer | null = null;
  const serverSecret = () => (secret ??= loadServerSecret(project.root));
  const cookieOptions = (c: Context) =>
    ({ httpOnly: true, sameSite: "Strict", path: "/api", secure: isHttps(c) }) as const;

  const whoIs = (id: string, via: CredentialKind, credential: string) => {
    const can: Record<string, boolean> = {};
    for (const a of DECISIONS) {
      try {
        authorize(project.config.leads, id, a);
        can[a] = true;
      } catch {
        can[a] = false;
      }
    }
    // passkeys: how many of this person's are in brtops.keys.json (the dashboard signs decisions with one).
    return {
      id,
      role: roleOf(project.config.leads, id),
      via,
      csrfToken: via === "cookie" ? csrfTokenFor(serverSecret(), credential) : null,
      can,
      passkeys: passkeysOf(project.root, id).length,
    };
  };

  app.post("/api/login", async (c) => {
    // Only JSON: a cross-site HTML form cannot send it, so no one can sign a victim in as themselves.
    if (!isJsonRequest(c))
      throw new BrtopsError(
        "E_BAD_REQUEST",
        "Sign in with a JSON body {id, password} and Content-Type: application/json.",
        { hint: "The dashboard at / does this for you." },
      );
    const body = await readBody(c, LoginBody);
    const keys = [`id:${body.id.trim().toLowerCase()}`, `addr:${clientAddress(c)}`] as const;
    const wait = limiter.retryAfter(keys);
    if (wait > 0) {
      c.header("Retry-After", String(wait));
      const e = new BrtopsError(
        "E_RATE_LIMITED",
        `Too many failed sign-ins for this identity or from this address; try again in ${Math.ceil(wait / 60)} minute(s).`,
        {
          hint: `At most ${limiter.max} failed attempts per identity and per address within ${Math.round(limiter.windowMs / 60000)} minutes. Reset a forgotten password with \`brtops user add ID\`.`,
        },
      );
      return c.json(errorBody(e), 429);
    }
    const forgive = limiter.record(keys);
    if (!(await verifyUser(project.root, body.id, body.password))) {
      return c.json(
        errorBody(
          new BrtopsError("E_NO_IDENTITY", "Unknown user or wrong password.", {
            hint: "Set a password with `brtops user add ID`.",
          }),
        ),
        401,
      );
    }
    forgive();
    limiter.clear(keys[0]);
    const token = createSessionToken(project.root, body.id, project.now(), ttlMs);
    setCookie(c, SESSION_COOKIE, token, { ...cookieOptions(c), maxAge: Math.floor(ttlMs / 1000) });
    return c.json({ loggedIn: true, ...whoIs(body.id, "cookie", token) });
  });

  app.use("/api/*", async (c, next) => {
    if (c.req.path === "/api/login") return next();
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    const via: CredentialKind = m ? "bearer" : "cookie";
    const presented = m ? m[1]! : getCookie(c, SESSION_COOKIE);
    const id = presented ? identityForToken(project.root, presented, project.now()) : null;
    if (!id || !presented) {
      return c.json(
        errorBody(
          new BrtopsError("E_NO_IDENTITY", "Missing or invalid credentials.", {
            hint: "Sign in at / , or send Authorization: Bearer <token>; create one with `brtops token create ID`.",
          }),
        ),
        401,
      );
    }
    if (via === "cookie" && !SAFE_METHODS.has(c.req.method)) {
      if (c.req.header("sec-fetch-site") === "cross-site")
        return csrfRefusal(c, "This request came from another site.");
      const sent = c.req.header(CSRF_HEADER) ?? (await formField(c));
      if (!sent)
        return csrfRefusal(c, `The CSRF token is missing (header ${CSRF_HEADER} or form field ${CSRF_FIELD}).`);
      if (!csrfMatches(serverSecret(), presented, sent))
        return csrfRefusal(c, "The CSRF token does not belong to this session.");
    }
    c.set("actorId", id);
    c.set("via", via);
    c.set("credential", presented);
    await next();
  });

  app.post("/api/logout", (c) => {
    if (c.get("via") !== "cookie") {
      throw new BrtopsError(
        "E_USAGE",
        "POST /api/logout ends a browser session; this request came with a bearer token.",
        { hint: "A bearer token stays valid until it is removed from .brtops/tokens.json." },
      );
    }
    revokeToken(project.root, c.get("credential"));
    deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    return c.json({ loggedOut: true });
  });

  app.get("/api/me", (c) => c.json(whoIs(c.get("actorId"), c.get("via"), c.get("credential"))));
}
