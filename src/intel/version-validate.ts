/**
 * Spec 2.1: is the requested version valid, above the previous release, not yet released — and
 * which version does "RELEASE minor" mean. Pure.
 *
 *  - The previous release is the highest tagged version of all (pre-releases included, SemVer
 *    precedence: 1.1.4-rc is above 1.1.2 and below 1.1.4).
 *  - The changelog base is what "changes since the previous release" are counted from: for a
 *    final release the highest final release below it (so 1.1.4 lists everything since 1.1.2, not
 *    only what came after 1.1.4-rc); for a pre-release the highest tag of any kind below it.
 *  - A requested version equal to the previous release, or below it, is refused with
 *    E_VERSION_NOT_ABOVE_PREVIOUS; one equal to an older tag (below the previous) with
 *    E_VERSION_ALREADY_RELEASED. Both messages name the release compared with.
 *  - Zero padding is kept (documented in resolveVersionType).
 */
import compare from "semver/functions/compare.js";
import inc from "semver/functions/inc.js";
import prerelease from "semver/functions/prerelease.js";
import { BrtopsError } from "../core/errors.js";
import { parseVersionOrThrow, type VersionType } from "../core/version-syntax.js";
import { quoteInput, shortenInput } from "../core/safe-text.js";
import { describeRelease, parseTagVersion, releasesFromTags, type TaggedRelease } from "./version-order.js";

export interface VersionCheck {
  /** The requested version as written, without "v" ("1.1.005"). */
  version: string;
  /** Its normalised SemVer ("1.1.5"). */
  semver: string;
  previous: TaggedRelease | null;
  changelogBase: TaggedRelease | null;
  /** Every release found in the tags, oldest first. */
  releases: TaggedRelease[];
}

/** The highest tagged release, pre-releases included; null when there is none. */
export function previousRelease(tags: readonly string[]): TaggedRelease | null {
  return releasesFromTags(tags).at(-1) ?? null;
}

/** The release a changelog for `version` starts from (see the file comment). */
export function changelogBase(releases: readonly TaggedRelease[], version: string): TaggedRelease | null {
  const v = parseTagVersion(version);
  if (!v) return null;
  const below = releases.filter((r) => compare(r.version, v.semver) < 0);
  if (!v.prerelease) {
    const finals = below.filter((r) => !r.prerelease);
    if (finals.length) return finals.at(-1)!;
  }
  return below.at(-1) ?? null;
}

/** Validates a requested version against the tags. Example: `validateRequestedVersion("1.1.0", ["v1.1.000"])` throws E_VERSION_NOT_ABOVE_PREVIOUS naming v1.1.000. */
export function validateRequestedVersion(
  requested: string,
  tags: readonly string[],
  known?: readonly TaggedRelease[],
): VersionCheck {
  const written = parseVersionOrThrow(requested);
  const parsed = parseTagVersion(written);
  if (!parsed) {
    throw new BrtopsError("E_VERSION_INVALID", `${quoteInput(requested)} is not a release version.`, {
      hint: "Write MAJOR.MINOR.PATCH with an optional pre-release, e.g. 2.1.0 or 2.0.0-rc.1.",
      details: { given: shortenInput(requested) },
    });
  }
  // `known`: the project's releases when the caller merged in what brtops certified (mergeReleases).
  const releases = known ? [...known] : releasesFromTags(tags);
  const previous = releases.at(-1) ?? null;
  if (previous) {
    const cmp = compare(parsed.semver, previous.version);
    if (cmp <= 0) {
      const same = releases.find((r) => r.version === parsed.semver);
      if (same && same !== previous) {
        throw new BrtopsError(
          "E_VERSION_ALREADY_RELEASED",
          `v${written} was already released as ${describeRelease(same)}; the previous release is ${describeRelease(previous)}.`,
          {
            hint: `Pick a version above ${previous.tag}, e.g. ${suggest(previous)}, or a version type: major, minor, patch.`,
            details: { requested: written, tag: same.tag, previous: previous.tag },
          },
        );
      }
      const why =
        cmp === 0
          ? `is the previous release itself, ${describeRelease(previous)}`
          : `is below the previous release ${describeRelease(previous)}`;
      throw new BrtopsError(
        "E_VERSION_NOT_ABOVE_PREVIOUS",
        `v${written} is not above the previous release ${previous.tag}: it ${why}.`,
        {
          hint: `Pick a version above ${previous.tag}, e.g. ${suggest(previous)}, or a version type: major, minor, patch.`,
          details: { requested: written, previous: previous.tag, previousVersion: previous.version },
        },
      );
    }
  }
  return {
    version: written,
    semver: parsed.semver,
    previous,
    changelogBase: changelogBase(releases, written),
    releases,
  };
}

function suggest(previous: TaggedRelease): string {
  return `v${resolveVersionType("patch", previous.written)}`;
}

export { VERSION_TYPES, type VersionType } from "../core/version-syntax.js";
/** The bump each pre-release type is a pre-release of. */
const PRERELEASE_OF = { hotfix: "patch", rc: "minor", beta: "minor" } as const;
type PrereleaseType = keyof typeof PRERELEASE_OF;
const isPrereleaseType = (t: VersionType): t is PrereleaseType => t in PRERELEASE_OF;

/**
 * The next version of a type after `previous` (written form, "v" optional). Zero padding is kept:
 * a part written with leading zeros in the previous version keeps its width, so v1.1.004 →
 * patch 1.1.005, minor 1.2.000, major 2.0.000; v1.1.0 → minor 1.2.0. A pre-release previous is
 * finalised first by SemVer's rules (1.1.004-rc → patch 1.1.004). No previous release: 1.0.0,
 * 0.1.0, 0.0.1. A pre-release type numbers its pre-releases: after v1.0.0, rc → 1.1.0-rc.1,
 * beta → 1.1.0-beta.1, hotfix → 1.0.1-hotfix.1; after 1.1.0-rc.1, rc → 1.1.0-rc.2.
 */
export function resolveVersionType(type: VersionType, previous: string | null): string {
  if (isPrereleaseType(type)) {
    const same = previous === null ? null : parseTagVersion(previous);
    if (same?.prerelease && prerelease(same.semver)?.[0] === type) {
      const next = inc(same.semver, "prerelease", type, "1")!;
      const [core, ...pre] = next.split("-");
      return `${padLike(core!, same.written)}-${pre.join("-")}`;
    }
    return `${resolveVersionType(PRERELEASE_OF[type], previous)}-${type}.1`;
  }
  if (previous === null) return inc("0.0.0", type)!;
  const p = parseTagVersion(previous);
  if (!p)
    throw new BrtopsError("E_VERSION_INVALID", `The previous release "${previous}" is not a version.`, {
      details: { previous },
    });
  const next = inc(p.semver, type);
  if (!next)
    throw new BrtopsError("E_VERSION_INVALID", `Cannot compute the ${type} version after ${previous}.`, {
      details: { previous, type },
    });
  return padLike(next, p.written);
}

/** `core` ("1.2.0") with each part as wide as the same part of `written` ("1.1.004" → "1.2.000"). */
function padLike(core: string, written: string): string {
  const widths = written
    .split(/[-+]/)[0]!
    .split(".")
    .map((part) => (part.length > 1 && part.startsWith("0") ? part.length : 1));
  return core
    .split(".")
    .map((part, i) => part.padStart(widths[i] ?? 1, "0"))
    .join(".");
}
