/** Contained paths, the pure part: what a reader says of a file it did not read because it leads out of the repository. */

/** The reason recorded for a file that resolves outside the repository (a finding names it: READINESS_FILE_OUTSIDE). */
export const OUTSIDE_REASON = "a symbolic link to outside the repository: not read";

/** True when `p` is `base` or below it (both absolute, resolved, with `sep` as separator). Example: `isInside("/r", "/r/docs")` → true, `isInside("/r", "/rx")` → false. */
export function isInside(base: string, p: string, sep = "/"): boolean {
  return p === base || p.startsWith(base.endsWith(sep) ? base : base + sep);
}
