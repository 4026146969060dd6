/**
 * Registry credentials: `OCI_USERNAME` / `OCI_PASSWORD` (or the variables the target names),
 * else the `auths` of the user's Docker config (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`), as `docker login` writes it. Never logged: callers get the source's
 * name for messages, the secret only to build an Authorization header.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { BrtopsError } from "../../core/errors.js";

export interface OciCredentials {
  username: string;
  password: string;
  /** Where they came from, for messages: "OCI_USERNAME/OCI_PASSWORD", "~/.docker/config.json". */
  source: string;
}

/** Keys `docker login` may have used for a registry in config.json's `auths`. */
function authKeys(registry: string): string[] {
  const hub = ["docker.io", "index.docker.io", "registry-1.docker.io"].includes(registry);
  const hosts = hub ? ["index.docker.io", "docker.io", "registry-1.docker.io"] : [registry];
  return [
    ...(hub ? ["https://index.docker.io/v1/"] : []),
    ...hosts.flatMap((h) => [h, `https://${h}`, `http://${h}`, `https://${h}/v1/`, `https://${h}/v2/`]),
  ];
}

/** The Docker config file's path for an environment. */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(env["DOCKER_CONFIG"] || join(env["HOME"] || homedir(), ".docker"), "config.json");
}

/** Credentials for `registry` from the Docker config, or null. Throws E_OCI_CREDENTIALS on an unreadable entry. */
function fromDockerConfig(env: Readonly<Record<string, string | undefined>>, registry: string): OciCredentials | null {
  const file = dockerConfigPath(env);
  let json: { auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }> };
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as typeof json;
  } catch {
    return null; // no config (or not JSON): no credentials from it
  }
  const auths = json.auths ?? {};
  for (const key of authKeys(registry)) {
    const a = auths[key];
    if (!a) continue;
    if (a.username && a.password) return { username: a.username, password: a.password, source: file };
    if (a.auth) {
      const text = Buffer.from(a.auth, "base64").toString("utf8");
      const i = text.indexOf(":");
      if (i > 0) return { username: text.slice(0, i), password: text.slice(i + 1), source: file };
    }
    throw new BrtopsError(
      "E_OCI_CREDENTIALS",
      `${file} has an entry for ${key} without a user name and password (a credential helper or identity token, which brtops does not use).`,
      {
        hint: "Set OCI_USERNAME and OCI_PASSWORD (an access token as the password) for the runner.",
      },
    );
  }
  return null;
}

/**
 * The credentials for a registry, or null when none are configured (anonymous access).
 * @example resolveOciCredentials({OCI_USERNAME: "ci", OCI_PASSWORD: "…"}, "docker.io")?.source // "OCI_USERNAME/OCI_PASSWORD"
 */
export function resolveOciCredentials(
  env: Readonly<Record<string, string | undefined>>,
  registry: string,
  names: { usernameEnv?: string | undefined; passwordEnv?: string | undefined } = {},
): OciCredentials | null {
  const u = names.usernameEnv ?? "OCI_USERNAME";
  const p = names.passwordEnv ?? "OCI_PASSWORD";
  const username = env[u];
  const password = env[p];
  if (username && password) return { username, password, source: `${u}/${p}` };
  if (username || password) {
    throw new BrtopsError("E_OCI_CREDENTIALS", `Only one of ${u} and ${p} is set: the registry needs both.`, {
      hint: `Set both ${u} and ${p}, or neither to use ${dockerConfigPath(env)}.`,
    });
  }
  return fromDockerConfig(env, registry);
}
