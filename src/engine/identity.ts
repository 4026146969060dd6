/** The acting identity: --as, then BRTOPS_ACTOR, then git's user.email. */
import { execFileSync } from "node:child_process";
import { BrtopsError } from "../core/errors.js";

export function resolveIdentity(
  cwd: string,
  as: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const explicit = as?.trim() || env.BRTOPS_ACTOR?.trim();
  if (explicit) return explicit;
  try {
    const email = execFileSync("git", ["config", "user.email"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (email) return email;
  } catch {
    /* not a git repository, or no email configured */
  }
  throw new BrtopsError("E_NO_IDENTITY", "brtops cannot tell who you are.", {
    hint: "Pass --as YOUR-ID, set BRTOPS_ACTOR, or set git's user.email.",
  });
}
