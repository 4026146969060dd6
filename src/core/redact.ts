/**
 * One redactor for every output, log line, document, error and event: secret values taken from
 * the environment, well-known token shapes, and credentials inside URLs. Pure: the caller hands
 * in the secret values (see adapters/env-secrets.ts).
 */
export const REDACTED = "[REDACTED]";

/** Environment variable names whose values are secrets. */
export const SECRET_NAME = /(token|secret|passw(or)?d|passphrase|api[_-]?key|private[_-]?key|(^|_)key$|auth|credential|cookie|session)/i;

const TOKEN_SHAPES: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub classic, OAuth, user-to-server, server-to-server, refresh
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bnpm_[A-Za-z0-9]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bsk-[A-Za-z0-9_-]{20,}\b/g,
  /\bbrt_[A-Za-z0-9_-]{20,}\b/g, // brtops API tokens
  /(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g,
];
// scheme://user:password@host → scheme://user:[REDACTED]@host
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi;
const URL_TOKEN_PARAM = /([?&](?:access_token|token|auth|key|password|secret)=)[^&\s#]+/gi;
const NPMRC_AUTH = /(_authToken\s*=\s*)\S+/g;

export interface Redactor {
  (text: string): string;
  deep<T>(value: T): T;
}

/** Builds a redactor for these secret values (values shorter than 6 characters are ignored: too many false hits). */
export function createRedactor(secretValues: readonly string[] = []): Redactor {
  const values = [...new Set(secretValues.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length);
  const fn = ((text: string): string => {
    if (typeof text !== "string" || text.length === 0) return text;
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    for (const re of TOKEN_SHAPES) out = out.replace(re, (m) => (m.startsWith("Bearer") || m.startsWith("Basic") ? `${m.split(/\s+/)[0]} ${REDACTED}` : REDACTED));
    out = out.replace(URL_CREDENTIALS, `$1:${REDACTED}@`);
    out = out.replace(URL_TOKEN_PARAM, `$1${REDACTED}`);
    out = out.replace(NPMRC_AUTH, `$1${REDACTED}`);
    return out;
  }) as Redactor;
  fn.deep = <T>(value: T): T => deepMap(value, fn) as T;
  return fn;
}

function deepMap(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => deepMap(v, fn));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepMap(v, fn);
    return out;
  }
  return value;
}

/** Secret values among environment variables, by name. */
export function secretValuesFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v && SECRET_NAME.test(k)) out.push(v);
  return out;
}
