/**
 * Reading release versions from git tags, BRTOPS style included. Pure.
 *
 * Ordering, as documented for users:
 *  - A tag is a version when, after an optional "v"/"V", it is MAJOR.MINOR.PATCH with optional
 *    pre-release and build (src/core/version-syntax.ts); zero-padded parts are allowed
 *    (v1.1.000, v1.0.004, v1.1.004-rc). Every other tag (latest, release-2024, pkg@1.0.0) is ignored.
 *  - Parts compare as numbers: 1.1.000 == 1.1.0 and 1.0.004 == 1.0.4. Two spellings of one number
 *    are one release, listed with all its tags. Its primary tag (the one messages name first) is
 *    the zero-padded spelling when there is one, then the lexically greatest.
 *  - Pre-releases follow SemVer precedence after normalising (leading zeros dropped, also from
 *    numeric pre-release identifiers): 1.1.4-rc < 1.1.4, 1.1.4-rc.1 < 1.1.4-rc.2. Build metadata
 *    is ignored for ordering.
 */
import compare from "semver/functions/compare.js";
import valid from "semver/functions/valid.js";
import { VERSION_RE } from "../core/version-syntax.js";

export interface TagVersion {
  tag: string;
  /** As written in the tag, without the "v": "1.1.000". */
  written: string;
  /** Normalised SemVer: "1.1.0". */
  semver: string;
  /** Some part has leading zeros. */
  padded: boolean;
  prerelease: boolean;
}

/** One release: one version number, however many tags spell it. */
export interface TaggedRelease {
  /** Normalised SemVer ("1.1.0"). */
  version: string;
  /** The tag messages name ("v1.1.000"). */
  tag: string;
  /** Every tag of this version, sorted. */
  tags: string[];
  /** The primary tag's spelling without "v" ("1.1.000"). */
  written: string;
  prerelease: boolean;
  /** Set when brtops certified this version: the run and the commit it was released from. */
  certified?: { release: string; commit: string | null };
  /** Certified by brtops but never tagged (`tag` is then the tag it would have). */
  untagged?: boolean;
}

/** The version a tag names, or null. Example: `parseTagVersion("v1.1.004-rc")` → `{semver: "1.1.4-rc", written: "1.1.004-rc", padded: true, …}`. */
export function parseTagVersion(tag: string): TagVersion | null {
  const written = tag.trim().replace(/^[vV](?=\d)/, "");
  const m = VERSION_RE.exec(written);
  if (!m) return null;
  const pre = m[4];
  const norm = `${Number(m[1])}.${Number(m[2])}.${Number(m[3])}${
    pre
      ? `-${pre
          .split(".")
          .map((id) => (/^\d+$/.test(id) ? String(Number(id)) : id))
          .join(".")}`
      : ""
  }`;
  if (!valid(norm)) return null;
  const padded = [m[1]!, m[2]!, m[3]!].some((p) => p.length > 1 && p.startsWith("0"));
  return { tag, written: written.replace(/\+.*$/, ""), semver: norm, padded, prerelease: pre !== undefined };
}

/** Normalised SemVer of a version as a user may write it ("v1.1.000" → "1.1.0"); null when it is not one. */
export function toSemver(version: string): string | null {
  return parseTagVersion(version)?.semver ?? null;
}

/** Numeric SemVer comparison of two written versions (either spelling); throws on a non-version. */
export function compareVersions(a: string, b: string): number {
  const x = toSemver(a);
  const y = toSemver(b);
  if (x === null || y === null) throw new Error(`not a version: ${x === null ? a : b}`);
  return compare(x, y);
}

/** Releases named by these tags, oldest first. Example: `releasesFromTags(["v1.1.0", "v1.1.000", "latest"])` → one release, tags ["v1.1.0", "v1.1.000"]. */
export function releasesFromTags(tags: readonly string[]): TaggedRelease[] {
  const byVersion = new Map<string, TagVersion[]>();
  for (const t of tags) {
    const v = parseTagVersion(t);
    if (!v) continue;
    const list = byVersion.get(v.semver);
    if (list) list.push(v);
    else byVersion.set(v.semver, [v]);
  }
  const out: TaggedRelease[] = [];
  for (const [version, list] of byVersion) {
    const primary = [...list].sort((a, b) =>
      a.padded !== b.padded ? (a.padded ? -1 : 1) : a.tag < b.tag ? 1 : a.tag > b.tag ? -1 : 0,
    )[0]!;
    out.push({
      version,
      tag: primary.tag,
      tags: list.map((l) => l.tag).sort(),
      written: primary.written,
      prerelease: primary.prerelease,
    });
  }
  return out.sort((a, b) => compare(a.version, b.version));
}

/**
 * The project's releases: its tags, and the versions brtops certified (with the commit each was
 * released from), merged by version, oldest first. Example: a certified 1.1.0 with no tag is
 * listed after v1.0.0, `untagged: true`.
 */
export function mergeReleases(
  tagged: readonly TaggedRelease[],
  certified: readonly { version: string; release: string; commit: string | null }[],
): TaggedRelease[] {
  const byVersion = new Map(tagged.map((r) => [r.version, { ...r }]));
  for (const c of certified) {
    const v = parseTagVersion(c.version);
    if (!v) continue;
    const known = byVersion.get(v.semver);
    if (known) known.certified = { release: c.release, commit: c.commit };
    else
      byVersion.set(v.semver, {
        version: v.semver,
        tag: `v${v.written}`,
        tags: [],
        written: v.written,
        prerelease: v.prerelease,
        certified: { release: c.release, commit: c.commit },
        untagged: true,
      });
  }
  return [...byVersion.values()].sort((a, b) => compare(a.version, b.version));
}

/** "v1.1.000" or "v1.1.000 (also tagged v1.1.0)" or "v1.2.0 (certified by brtops, not tagged)". */
export function describeRelease(r: TaggedRelease): string {
  if (r.untagged)
    return `v${r.written} (certified by brtops as release ${r.certified?.release ?? r.written}, not tagged)`;
  const others = r.tags.filter((t) => t !== r.tag);
  return others.length ? `${r.tag} (also tagged ${others.join(", ")})` : r.tag;
}
