/**
 * The two settings a reading command (status, sitrep…) needs from brtops.config.yaml: the store
 * and the releases folder. Parsing YAML means loading and compiling the whole yaml library, which
 * was a fifth of `brtops status`; so for a project on the file store the two values are kept in
 * `.brtops/config-cache.json`, keyed by the config file's inode, size and modification time (any
 * edit is a miss). A configured store URL is never cached: it may carry a password, and it names
 * a database whose connection costs more than the parse anyway.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE } from "../config/find-root.js";

export interface ReadingConfig {
  /** The configured store (a URL), or undefined for the file store. */
  store: string | undefined;
  /** The releases folder, relative to the root. */
  releases: string;
}

const CACHE = "config-cache.json";
const VERSION = 1;
const DEFAULT_RELEASES = "docs/01_application/6-releases";

function stampOf(file: string): string | null {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : null;
}

/**
 * The settings, or null when the config cannot be parsed (the caller then takes the validating path, which explains why).
 * `remember: false` leaves the cache as it is: a guess made before a request is checked (prefetch-request) writes
 * nothing, so a refused request leaves the project untouched.
 */
export async function readingConfig(root: string, o: { remember?: boolean } = {}): Promise<ReadingConfig | null> {
  const file = join(root, CONFIG_FILE);
  const cacheFile = join(root, ".brtops", CACHE);
  const stamp = stampOf(file);
  try {
    const c = JSON.parse(readFileSync(cacheFile, "utf8")) as { v?: number; stamp?: string; releases?: unknown };
    if (stamp && c.v === VERSION && c.stamp === stamp && typeof c.releases === "string")
      return { store: undefined, releases: c.releases };
  } catch {
    /* no cache yet, or not ours: parse below */
  }
  const { parseYaml, readYamlFile } = await import("../config/parse-yaml.js");
  let raw: { store?: unknown; paths?: { releases?: unknown } };
  try {
    // The same limits as the validating read, which explains a refusal.
    raw = parseYaml(readYamlFile(file), file).raw ?? {};
  } catch {
    return null;
  }
  const releases = typeof raw.paths?.releases === "string" ? raw.paths.releases : DEFAULT_RELEASES;
  const store = typeof raw.store === "string" ? raw.store : undefined;
  // The stamp was taken before the read: an edit racing it leaves a stamp that no longer matches.
  if (o.remember !== false && store === undefined && stamp) remember(root, cacheFile, { v: VERSION, stamp, releases });
  return { store, releases };
}

function remember(root: string, cacheFile: string, entry: object): void {
  try {
    mkdirSync(join(root, ".brtops"), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, cacheFile);
  } catch {
    /* a read-only checkout: the next reader parses again */
  }
}
