/**
 * Orders for text that a record or a document shows: both depend on nothing but the strings, so
 * the same log renders the same documents on every machine (`String.prototype.localeCompare`
 * follows the process's locale and ICU data, and its first call loads a collator: ~9 ms). Pure.
 */

/** By UTF-16 code units: ISO 8601 timestamps, ids and versions' written forms. Example: `["b", "a"].sort(byCodeUnit)`. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Alphabetical for names people read (scopes, features): case aside first, then by code unit ("api" and "API" next to each other, "API" first). */
export function alphabetical(a: string, b: string): number {
  return byCodeUnit(a.toLowerCase(), b.toLowerCase()) || byCodeUnit(a, b);
}
