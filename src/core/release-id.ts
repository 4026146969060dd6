/**
 * Release (run) ids: one log per run of a version on an environment. The first run of a version
 * keeps the plain version as its id ("1.1.0"), as every release before promotion did; later runs
 * name their environment ("1.1.0@production") and, from the second attempt on one environment,
 * their attempt ("1.1.0@production~2"). Ids are folder names and URL path segments: only
 * [0-9A-Za-z.+-@~]. Pure.
 */
import { normalizeVersion } from "./version-syntax.js";

export interface ReleaseRef {
  version: string;
  environment: string | null;
  attempt: number | null;
}

/** The id of a new run. `firstOfVersion`: no run of this version exists yet. */
export function releaseIdFor(version: string, environment: string, attempt: number, firstOfVersion: boolean): string {
  if (firstOfVersion && attempt === 1) return version;
  return attempt > 1 ? `${version}@${environment}~${attempt}` : `${version}@${environment}`;
}

/**
 * What a user wrote to name a release: "1.1.0", "v1.1.0", "1.1.0@production",
 * "1.1.0@production~2". Null when it names none.
 */
export function parseReleaseRef(text: string): ReleaseRef | null {
  const m = /^([^@~\s]+)(?:@([a-z0-9][a-z0-9-]*))?(?:~(\d{1,4}))?$/.exec(text.trim());
  if (!m) return null;
  const version = normalizeVersion(m[1]!);
  if (version === null) return null;
  return { version, environment: m[2] ?? null, attempt: m[3] ? Number(m[3]) : null };
}

/** The version a run id belongs to ("1.1.0@production~2" → "1.1.0"). */
export function versionOfReleaseId(id: string): string {
  return id.split(/[@~]/)[0]!;
}
