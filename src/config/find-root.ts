/** Where a project's root is: the nearest folder upwards holding brtops.config.yaml. Light: no schema. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_FILE = "brtops.config.yaml";

/** The project root: the nearest folder upwards holding brtops.config.yaml (or `.brtops/`). */
export function findRoot(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
