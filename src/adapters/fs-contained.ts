/**
 * Contained file access: repository content is untrusted, and a committed symbolic link can point
 * anywhere (`release-notes.md -> /etc/passwd`, `6-releases -> /home/you`). Readers resolve a path
 * before reading it and read only what lies inside the repository; writers refuse a folder that
 * leads outside it. Symbolic links that stay inside the repository are fine. I/O.
 */
import { lstatSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { BrtopsError } from "../core/errors.js";
import { OUTSIDE_REASON, isInside } from "../core/contained-path.js";

const realRoots = new Map<string, string>();

function realRoot(root: string): string {
  const abs = resolve(root);
  let real = realRoots.get(abs);
  if (real === undefined) {
    try {
      real = realpathSync(abs);
    } catch {
      real = abs;
    }
    realRoots.set(abs, real);
  }
  return real;
}

function inside(base: string, p: string): boolean {
  return isInside(base, p, sep);
}

export type Containment = { kind: "inside"; real: string } | { kind: "outside"; real: string } | { kind: "missing" };

/** Where `path` really is (every symbolic link resolved), and whether that is inside `root`. Example: `contained(root, join(root, "docs/x.md")).kind`. */
export function contained(root: string, path: string): Containment {
  let real: string;
  try {
    real = realpathSync(resolve(root, path));
  } catch {
    return { kind: "missing" };
  }
  return inside(realRoot(root), real) ? { kind: "inside", real } : { kind: "outside", real };
}

export { OUTSIDE_REASON };

/**
 * For writers: throws E_PATH_OUTSIDE when `path` (or, while it does not exist yet, its nearest
 * existing parent) resolves outside `root`, so that nothing is written through a symbolic link
 * that leads out of the repository.
 */
export function assertContained(root: string, path: string): void {
  const abs = resolve(root, path);
  const rel = relative(resolve(root), abs);
  if (rel.startsWith("..") || resolve(rel) === rel) {
    throw new BrtopsError("E_PATH_OUTSIDE", `${abs} is outside the repository ${root}: brtops does not write there.`, {
      hint: "Set paths.releases in brtops.config.yaml to a folder inside the repository.",
    });
  }
  let p = abs;
  for (;;) {
    let exists = true;
    try {
      lstatSync(p);
    } catch {
      exists = false;
    }
    if (exists) {
      const c = contained(root, p);
      if (c.kind === "outside") {
        throw new BrtopsError(
          "E_PATH_OUTSIDE",
          `${relative(root, p) || "."} is a symbolic link to ${c.real}, outside the repository: brtops does not write through it.`,
          {
            hint: `Replace the link with a real folder inside the repository (or point paths.releases at one), then run the command again.`,
            details: { path: p, target: c.real },
          },
        );
      }
      return;
    }
    const up = dirname(p);
    if (up === p) return;
    p = up;
  }
}

/** `join` for writers: the joined path, after assertContained. */
export function containedJoin(root: string, ...parts: string[]): string {
  const p = join(root, ...parts);
  assertContained(root, p);
  return p;
}
