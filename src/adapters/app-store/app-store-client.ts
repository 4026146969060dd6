/**
 * A small client of the App Store Connect API (JSON:API over HTTPS): a bearer JWT made once and
 * made again before it expires, JSON bodies, and every error answer
 * (`{"errors": [{"status", "code", "title", "detail"}]}`) turned into a BrtopsError with a stable
 * code: 401 E_APP_STORE_AUTH, 403 E_APP_STORE_FORBIDDEN, 404 E_APP_STORE_NOT_FOUND, 409
 * E_APP_STORE_CONFLICT (Apple's ENTITY_ERROR…), anything else E_APP_STORE. Plain HTTP only to a
 * loopback host (a local server in tests).
 */
import { BrtopsError } from "../../core/errors.js";
import { appStoreToken, MAX_TOKEN_SECONDS, type AppStoreKey } from "./app-store-jwt.js";

/** One JSON:API resource. */
export interface Resource {
  type: string;
  id: string;
  attributes?: Record<string, unknown>;
  relationships?: Record<string, { data?: { type: string; id: string } | null }>;
}

export interface ApiError {
  status?: string;
  code?: string;
  title?: string;
  detail?: string;
}

export interface AppStoreClientOptions {
  apiBase: string;
  key: AppStoreKey;
  redact: (s: string) => string;
  timeoutMs?: number;
  /** Seconds since the epoch (tests may pin it). */
  now?: () => number;
}

export interface AppStoreClient {
  apiBase: string;
  /** A request; `null` body on 204. Throws BrtopsError on an error answer. */
  request(method: string, path: string, body?: unknown): Promise<{ data?: unknown; included?: unknown } | null>;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

const CODES: Record<number, string> = {
  401: "E_APP_STORE_AUTH",
  403: "E_APP_STORE_FORBIDDEN",
  404: "E_APP_STORE_NOT_FOUND",
  409: "E_APP_STORE_CONFLICT",
};

/** The error of an answer's body (the first of `errors`), for messages. */
export function firstApiError(body: unknown): ApiError | null {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 ? (errors[0] as ApiError) : null;
}

/** Example: `await createAppStoreClient({apiBase, key, redact}).request("GET", "/v1/apps?filter[bundleId]=com.acme.widget")`. */
export function createAppStoreClient(o: AppStoreClientOptions): AppStoreClient {
  const base = new URL(o.apiBase);
  if (base.protocol !== "https:" && !(base.protocol === "http:" && LOOPBACK.test(base.hostname)))
    throw new BrtopsError("E_APP_STORE_CONFIG", `appStore.apiBase ${base.origin} is not HTTPS.`, {
      hint: "Use https (plain http is accepted only for a loopback host).",
    });
  const apiBase = o.apiBase.replace(/\/+$/, "");
  const now = o.now ?? (() => Math.floor(Date.now() / 1000));
  let token: { jwt: string; madeAt: number } | null = null;
  const bearer = (): string => {
    const t = now();
    // Made again well before Apple's 20 minutes run out.
    if (!token || t - token.madeAt > MAX_TOKEN_SECONDS - 300) token = { jwt: appStoreToken(o.key, t), madeAt: t };
    return token.jwt;
  };
  return {
    apiBase,
    async request(method, path, body) {
      const where = `${method} ${path.split("?")[0]}`;
      let r: Response;
      try {
        r = await fetch(`${apiBase}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${bearer()}`,
            accept: "application/json",
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
        });
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code;
        throw new BrtopsError(
          "E_APP_STORE_UNREACHABLE",
          `App Store Connect (${base.host}) did not answer ${where}: ${cause ?? (e as Error).name}`,
          { hint: "Check that the runner can reach the API, then run `brtops run` again." },
        );
      }
      const text = await r.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (r.ok) return (json as { data?: unknown }) ?? null;
      const err = firstApiError(json);
      const said = err
        ? `${err.code ?? err.status ?? r.status}: ${err.title ?? ""}${err.detail ? ` — ${err.detail}` : ""}`
        : `HTTP ${r.status}`;
      const code = CODES[r.status] ?? "E_APP_STORE";
      const hint =
        r.status === 401
          ? "App Store Connect refused the API key: check the key id, the issuer id and the .p8 key (and that the key is not revoked)."
          : r.status === 403
            ? "The API key's role may not do this: give the key the App Manager role."
            : "See the error; fix the cause, then run `brtops run` again.";
      throw new BrtopsError(code, o.redact(`App Store Connect refused ${where} (${r.status} ${said})`), {
        hint,
        details: { status: r.status, apiCode: err?.code ?? null },
      });
    },
  };
}
