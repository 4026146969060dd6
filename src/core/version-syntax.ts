/**
 * What a release version may look like: MAJOR.MINOR.PATCH with an optional pre-release and build,
 * zero-padded parts allowed (BRTOPS projects tag v1.1.000, which strict SemVer rejects).
 * A leading "v" is accepted and dropped.
 */
import { BrtopsError } from "./errors.js";
import { quoteInput, shortenInput } from "./safe-text.js";

const IDENT = "[0-9A-Za-z-]+";
/** The longest version accepted (as npm's semver): a longer "version" is refused, not echoed everywhere. */
export const MAX_VERSION_LENGTH = 256;

export const VERSION_RE = new RegExp(
  `^(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`,
);

/**
 * Words that stand for the next version instead of naming it: a bump (major, minor, patch), or a
 * pre-release of the next patch (hotfix) or of the next minor (rc, beta). intel/version-validate
 * says which version each one means.
 */
export const VERSION_TYPES = ["major", "minor", "patch", "hotfix", "rc", "beta"] as const;
export type VersionType = (typeof VERSION_TYPES)[number];

/** "v2.1.0" → "2.1.0"; null when it is not a version. */
export function normalizeVersion(text: string): string | null {
  if (text.length > MAX_VERSION_LENGTH + 64) return null; // leading and trailing blanks aside
  const t = text.trim().replace(/^v(?=\d)/i, "");
  return t.length <= MAX_VERSION_LENGTH && VERSION_RE.test(t) ? t : null;
}

export function parseVersionOrThrow(text: string): string {
  const v = normalizeVersion(text);
  if (v === null) {
    throw new BrtopsError("E_VERSION_INVALID", `${quoteInput(text)} is not a release version.`, {
      hint: "Write MAJOR.MINOR.PATCH with an optional pre-release: 2.1.0, v2.1.0, 1.5.2-hotfix, 3.0.0-beta, 2.0.0-rc.1, 1.1.000 — or a version type: major, minor, patch.",
      details: { given: shortenInput(text) },
    });
  }
  return v;
}
