/** `brtops store copy --to postgres://…` moves a release to a real PostgreSQL store; the CLI then works on it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../src/store/store-file.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";
import { postgresSkipped, startPostgres, type PgServer } from "../support/postgres.js";

describe.skipIf(postgresSkipped())("store copy to PostgreSQL", () => {
  let pg: PgServer;
  let p: { root: string; cleanup: () => void };
  beforeAll(async () => {
    pg = await startPostgres();
    p = sampleProject();
  }, 120_000);
  afterAll(async () => {
    p?.cleanup();
    await pg?.stop();
  });

  it("copies with the chain intact and the release continues on the team store", async () => {
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    const copy = brtops(p.root, AI, ["store", "copy", "--to", pg.url, "--json"]);
    expect(copy.code).toBe(0);
    const env = { BRTOPS_STORE: pg.url };
    const verify = brtops(p.root, AI, ["audit", "verify", "--json"], env);
    expect(verify.code).toBe(0);
    expect(verify.json.releases[0].events).toBeGreaterThan(10);
    expect(brtops(p.root, HUM, ["approve", "--step", "2.10"], env).code).toBe(0);
    expect(brtops(p.root, AI, ["run", "--json"], env).json.step).toBe("5.10");
    // The file store still holds the release as it was when copied: the copy changed nothing there.
    const files = new FileStore(p.root);
    const left = (await files.read("1.1.0")).events;
    await files.close();
    expect(left).toHaveLength(copy.json.releases[0].events);
    expect(left.at(-1)).toMatchObject({ type: "GateOpened", data: { step: "2.10" } });
    // The release went on on the team store, and its anchor (refs/brtops/1.1.0, one per release in
    // the repository) with it: the file copy is behind the anchor and is refused, not shown as current.
    const stale = brtops(p.root, AI, ["status", "--json"]);
    expect(stale.code).toBe(1);
    expect(stale.json.error.code).toBe("E_LOG_TAMPERED");
    expect(stale.json.error.message).toContain("cut short");
  });
});
