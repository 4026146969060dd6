/**
 * One redactor for every output, log line, document, error and event: secret values taken from
 * the environment (also in their URL-encoded and JSON-escaped forms), well-known token shapes,
 * authorization headers, private key blocks and credentials inside URLs. Pure: the caller hands
 * in the secret values (see `secretValuesFrom`).
 */
export const REDACTED = "[REDACTED]";

/** Environment variable names whose values are secrets. */
export const SECRET_NAME =
  /(token|secret|passw(or)?d|passphrase|api[_-]?key|apikey|private[_-]?key|(^|_)key$|auth(?!or)|credential|cookie|session[_-]?(id|token|key|secret))/i;
// Names that match SECRET_NAME but hold a path, a socket or a person's name, not a secret.
const NOT_SECRET_NAME = /(_SOCK|_PATH|_DIR|_FILE|_HOME)$|^(GIT_AUTHOR|GIT_COMMITTER|XDG_|DBUS_)/i;

const TOKEN_SHAPES: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub classic, OAuth, user-to-server, server-to-server, refresh
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bnpm_[A-Za-z0-9]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\bxox[abeprs]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key id
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\bsk-[A-Za-z0-9_-]{20,}\b/g,
  /\bbrt_[A-Za-z0-9_-]{20,}\b/g, // brtops API tokens
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
];
const PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;
// "Authorization: token X", "authorization":"Bearer X"; Bearer/Basic anywhere.
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/g;
const AUTH_HEADER = /(authorization["']?\s*[:=]\s*["']?)((?:bearer|basic|token)\s+)?([^\s"',}]+)/gi;
// scheme://user:password@host → scheme://user:[REDACTED]@host; scheme://token@host → scheme://[REDACTED]@host
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi;
const URL_USER_TOKEN = /\b([a-z][a-z0-9+.-]*:\/\/)([A-Za-z0-9_-]{20,})@/gi;
const URL_TOKEN_PARAM = /([?&](?:access_token|token|auth|key|password|secret|sig|signature)=)[^&\s#"']+/gi;
const NPMRC_AUTH = /((?:_authToken|_auth|_password)\s*=\s*)\S+/g;
// Every pattern above matches only text holding one of these (case aside): text with none is
// returned as it is after one scan instead of twenty (a recorded changelog has thousands of strings).
const MAY_HOLD_SECRET =
  /gh[pousr]_|github_pat_|npm_|glpat-|xox[abeprs]-|AKIA|ASIA|AIza|[sr]k_(?:live|test)_|sk-|brt_|eyJ|-----BEGIN|Bearer|Basic|authorization|:\/\/|[?&](?:access_token|token|auth|key|password|secret|sig|signature)=|_auth|_password/i;

export interface Redactor {
  (text: string): string;
  deep<T>(value: T): T;
}

function variants(v: string): string[] {
  const out = [v];
  const uri = encodeURIComponent(v);
  if (uri !== v) out.push(uri);
  const json = JSON.stringify(v).slice(1, -1);
  if (json !== v) out.push(json);
  return out;
}

/** Builds a redactor for these secret values (values shorter than 6 characters are ignored: too many false hits). Example: `createRedactor([process.env.GITHUB_TOKEN!])("token=" + t)`. */
export function createRedactor(secretValues: readonly string[] = []): Redactor {
  const values = [
    ...new Set(secretValues.filter((v) => typeof v === "string" && v.length >= 6).flatMap(variants)),
  ].sort((a, b) => b.length - a.length);
  const fn = ((text: string): string => {
    if (typeof text !== "string" || text.length === 0) return text;
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    if (!MAY_HOLD_SECRET.test(out)) return out;
    out = out.replace(PRIVATE_KEY, REDACTED);
    for (const re of TOKEN_SHAPES) out = out.replace(re, REDACTED);
    out = out.replace(AUTH_SCHEME, `$1$2${REDACTED}`);
    out = out.replace(AUTH_HEADER, (m, head: string, scheme: string | undefined, value: string) =>
      value.startsWith(REDACTED) ? m : `${head}${scheme ?? ""}${REDACTED}`,
    );
    out = out.replace(URL_CREDENTIALS, `$1:${REDACTED}@`);
    out = out.replace(URL_USER_TOKEN, `$1${REDACTED}@`);
    out = out.replace(URL_TOKEN_PARAM, `$1${REDACTED}`);
    out = out.replace(NPMRC_AUTH, `$1${REDACTED}`);
    return out;
  }) as Redactor;
  fn.deep = <T>(value: T): T => deepMap(value, fn, 0) as T;
  return fn;
}

function deepMap(value: unknown, fn: (s: string) => string, depth: number): unknown {
  if (typeof value === "string") return fn(value);
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => deepMap(v, fn, depth + 1));
  if (value instanceof Error) {
    // Errors keep their message and code, which Object.entries alone would drop.
    const out: Record<string, unknown> = { name: value.name, message: fn(value.message) };
    for (const [k, v] of Object.entries(value)) out[fn(k)] = deepMap(v, fn, depth + 1);
    return out;
  }
  if (value && typeof value === "object") {
    // By key (no [key, value] pair made per member: a recorded changelog has thousands of objects).
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src)) out[fn(k)] = deepMap(src[k], fn, depth + 1);
    return out;
  }
  return value;
}

/** Secret values among environment variables, by name. Example: `secretValuesFrom({GITHUB_TOKEN: "ghp_x…"})` → `["ghp_x…"]`. */
export function secretValuesFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v && SECRET_NAME.test(k) && !NOT_SECRET_NAME.test(k)) out.push(v);
  return out;
}
