/** Release ids become folder names: only a checked, traversal-free form is ever used in a path. */
import { BrtopsError } from "../core/errors.js";

// A version, optionally "@environment" and "~attempt" (src/core/release-id.ts).
const SAFE = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,127}(?:@[a-z0-9][a-z0-9-]{0,62})?(?:~[0-9]{1,4})?$/;

export function assertSafeReleaseId(release: string): string {
  if (!SAFE.test(release) || release.includes("..")) {
    throw new BrtopsError("E_VERSION_INVALID", `"${release}" is not a release version brtops can store.`, {
      hint: "Use a version like 2.1.0, 2.1.0-rc.1 or 1.1.000, optionally with its environment: 2.1.0@production.",
    });
  }
  return release;
}
