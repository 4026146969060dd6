/**
 * The secrets a project's config holds or names, for the redactor: the store URL's password
 * (BRTOPS_STORE or `store`), the password of any URL with credentials, values under secret-looking
 * keys (an http step's `authorization` header, a step's `env: {API_TOKEN: …}`), a Slack webhook
 * URL, and the values of the environment variables the config names as secret holders (`urlEnv`,
 * `secretEnv`, `passwordEnv`, `tokenEnv`: SLACK_WEBHOOK_URL is a secret though its name says
 * nothing). Pure.
 */
import { SECRET_NAME } from "./redact.js";

const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/gi;
// Keys naming an environment variable whose value is a secret (`userEnv` names a user, not a secret).
const SECRET_ENV_KEY = /^(url|secret|password|token|key|auth)Env$/i;

function decode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** The password of a URL such as `postgres://u:p@host/db` (raw and decoded); [] when it has none. Example: `urlPasswords("postgres://a:s3cret@h/db")` → `["s3cret"]`. */
export function urlPasswords(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const m of text.matchAll(URL_WITH_PASSWORD)) out.push(m[1]!, decode(m[1]!));
  return [...new Set(out)];
}

/** Every secret value the config holds or names. Example: `configSecretValues(config, process.env, process.env.BRTOPS_STORE)`. */
export function configSecretValues(
  config: unknown,
  env: Readonly<Record<string, string | undefined>>,
  storeUrl?: string,
): string[] {
  const out = new Set<string>(urlPasswords(storeUrl));
  const walk = (value: unknown, key: string, parent: Record<string, unknown> | null, depth: number): void => {
    if (depth > 32) return;
    if (typeof value === "string") {
      for (const p of urlPasswords(value)) out.add(p);
      if (SECRET_ENV_KEY.test(key)) {
        const v = env[value];
        if (v) out.add(v);
      } else if (SECRET_NAME.test(key) && !/Env$/.test(key)) out.add(value);
      else if (key === "url" && parent?.["type"] === "slack") out.add(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) walk(v, key, parent, depth + 1);
      return;
    }
    if (value && typeof value === "object") {
      const obj = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(obj)) walk(v, k, obj, depth + 1);
    }
  };
  walk(config, "", null, 0);
  // A value with a placeholder is a template, not the secret itself.
  return [...out].filter((v) => !/\{[a-z]+\}/.test(v));
}
