/**
 * Registry authentication as Docker Hub and the distribution registry do it: a request answered
 * 401 carries `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`; the client asks the
 * realm for a token (GET with the service and scope, basic credentials when it has them) and
 * repeats the request with `Authorization: Bearer <token>`. A `Basic` challenge takes the
 * credentials directly. Tokens and passwords never appear in errors.
 */
import { BrtopsError } from "../../core/errors.js";
import type { OciCredentials } from "./oci-credentials.js";

export interface Challenge {
  scheme: "bearer" | "basic";
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header.
 * @example parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"') // {scheme: "bearer", params: {realm: …, service: …}}
 */
export function parseChallenge(header: string | null): Challenge | null {
  if (!header) return null;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== "bearer" && scheme !== "basic") return null;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? "").replace(/\\(.)/g, "$1");
  return { scheme, params };
}

export function basicAuth(c: OciCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}

/** A bearer token for `scope` from the challenge's realm. */
export async function fetchToken(
  challenge: Challenge,
  scope: string,
  creds: OciCredentials | null,
  o: { registry: string; timeoutMs: number },
): Promise<string> {
  const realm = challenge.params["realm"];
  if (!realm)
    throw new BrtopsError(
      "E_OCI_AUTH",
      `${o.registry} asked for a bearer token without naming where to get it (no realm).`,
      { hint: "Check the registry's URL in oci.image." },
    );
  const url = new URL(realm);
  if (
    url.protocol !== "https:" &&
    !(url.protocol === "http:" && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname))
  ) {
    throw new BrtopsError(
      "E_OCI_AUTH",
      `${o.registry} sends brtops for a token to ${url.origin}, which is neither HTTPS nor loopback: credentials are not sent there.`,
      { hint: "Use a registry whose token service is served over HTTPS." },
    );
  }
  if (challenge.params["service"]) url.searchParams.set("service", challenge.params["service"]);
  for (const s of [challenge.params["scope"], scope])
    if (s && !url.searchParams.getAll("scope").includes(s)) url.searchParams.append("scope", s);
  let r: Response;
  try {
    r = await fetch(url, {
      headers: creds ? { authorization: basicAuth(creds) } : {},
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (e) {
    throw new BrtopsError(
      "E_OCI_UNREACHABLE",
      `The token service of ${o.registry} (${url.origin}) did not answer: ${(e as Error).message}`,
      { hint: "Check the network, then run `brtops run` again." },
    );
  }
  if (r.status === 401 || r.status === 403) {
    throw new BrtopsError(
      "E_OCI_AUTH",
      `The token service of ${o.registry} refused ${creds ? `the credentials from ${creds.source}` : "anonymous access"} (HTTP ${r.status}).`,
      {
        hint: creds
          ? `Check the user name and password (or access token) in ${creds.source}.`
          : "Set OCI_USERNAME and OCI_PASSWORD, or `docker login` on the runner's machine.",
      },
    );
  }
  if (!r.ok)
    throw new BrtopsError("E_OCI_AUTH", `The token service of ${o.registry} answered HTTP ${r.status}.`, {
      hint: "Try again later; the registry's status page may say more.",
    });
  const body = (await r.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
  const token =
    typeof body.token === "string" ? body.token : typeof body.access_token === "string" ? body.access_token : null;
  if (!token)
    throw new BrtopsError("E_OCI_AUTH", `The token service of ${o.registry} answered without a token.`, {
      hint: "Check the registry's URL in oci.image.",
    });
  return token;
}
