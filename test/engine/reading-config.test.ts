/** The reading commands' config settings: cached for the file store, keyed by the config file, never holding a store URL. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readingConfig } from "../../src/engine/reading-config.js";

describe("readingConfig", () => {
  let root: string;
  const cache = () => join(root, ".brtops", "config-cache.json");
  const config = (text: string) => writeFileSync(join(root, "brtops.config.yaml"), text);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "brtops-reading-config-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("parses once, then answers from the cache until the config file changes", async () => {
    config("paths:\n  releases: docs/releases\n");
    expect(await readingConfig(root)).toEqual({ store: undefined, releases: "docs/releases" });
    expect(JSON.parse(readFileSync(cache(), "utf8"))).toMatchObject({ releases: "docs/releases" });
    // A cache entry that says something else under the same stamp is believed: it proves the cache is read.
    const entry = JSON.parse(readFileSync(cache(), "utf8")) as Record<string, unknown>;
    writeFileSync(cache(), JSON.stringify({ ...entry, releases: "from/the/cache" }));
    expect((await readingConfig(root))?.releases).toBe("from/the/cache");
    // Any edit of the config (a new size here) is a miss.
    config("paths:\n  releases: docs/other-releases\n");
    expect((await readingConfig(root))?.releases).toBe("docs/other-releases");
  });

  it("never writes a configured store URL (it may carry a password) and reads it from the config every time", async () => {
    config("store: postgres://brtops:s3cret-pw@db.example.com/brtops\n");
    expect(await readingConfig(root)).toEqual({
      store: "postgres://brtops:s3cret-pw@db.example.com/brtops",
      releases: "docs/01_application/6-releases",
    });
    expect(existsSync(cache())).toBe(false);
  });

  it("ignores a damaged cache, and answers null for a config that is not YAML", async () => {
    config("paths: {releases: a/b}\n");
    await readingConfig(root);
    writeFileSync(cache(), "{not json");
    expect((await readingConfig(root))?.releases).toBe("a/b");
    config("paths: [unclosed\n");
    expect(await readingConfig(root)).toBeNull();
  });
});
