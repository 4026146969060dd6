/** Finding artifact files by path, folder or glob, and hashing them (I/O). */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { globRegExp, normalisePath } from "../core/scope-fingerprint.js";
import { contained } from "../adapters/fs-contained.js";

const MAX_FILES = 10_000;
const GLOB_CHARS = /[*?{]/;

/** Absolute files a pattern names inside root, sorted; a folder names every file below it. */
export async function expandArtifact(root: string, pattern: string): Promise<string[]> {
  const p = normalisePath(pattern);
  const base = resolve(root);
  if (!GLOB_CHARS.test(p)) {
    const abs = resolve(base, p);
    if (abs !== base && !abs.startsWith(base + sep)) return [];
    // A committed symbolic link out of the repository is not an artifact of it.
    if (contained(base, abs).kind !== "inside") return [];
    const st = await stat(abs).catch(() => null);
    if (!st) return [];
    if (st.isFile()) return [abs];
    return st.isDirectory() ? (await walk(abs)).sort() : [];
  }
  const segments = p.split("/");
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  const start = resolve(base, segments.slice(0, firstGlob).join("/") || ".");
  if (start !== base && !start.startsWith(base + sep)) return [];
  if (contained(base, start).kind !== "inside") return [];
  const re = globRegExp(p);
  const files = await walk(start);
  return files
    .filter((f) =>
      re.test(
        f
          .slice(base.length + 1)
          .split(sep)
          .join("/"),
      ),
    )
    .sort();
}

async function walk(dir: string, depth = 0, acc: string[] = []): Promise<string[]> {
  if (depth > 32 || acc.length >= MAX_FILES) return acc;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.name === ".git" || (e.name === "node_modules" && depth > 0)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, depth + 1, acc);
    else if (e.isFile()) acc.push(p);
    if (acc.length >= MAX_FILES) break;
  }
  return acc;
}

/** Size and sha256 of a file, streamed. */
export function hashFile(path: string): Promise<{ size: number; sha256: string }> {
  return new Promise((resolveHash, reject) => {
    const h = createHash("sha256");
    let size = 0;
    createReadStream(path)
      .on("data", (c: Buffer | string) => {
        const b = typeof c === "string" ? Buffer.from(c) : c;
        size += b.length;
        h.update(b);
      })
      .on("error", reject)
      .on("end", () => resolveHash({ size, sha256: h.digest("hex") }));
  });
}
