/** openStore picks the store from its spec; the file path never loads pg; connection errors hide the password. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, resolveStoreSpec, storeKind } from "../../src/store/open-store.js";
import { FileStore } from "../../src/store/store-file.js";
import { PostgresStore } from "../../src/store/store-postgres.js";
import { postgresSkipped } from "../support/postgres.js";
import { note, usePostgres } from "./store-helpers.js";

const here = fileURLToPath(new URL(".", import.meta.url));
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "brtops-open-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("openStore without a server", () => {
  it("opens the file store for no spec, empty spec or 'file'", async () => {
    for (const spec of [undefined, "", "file", "  file "]) {
      const store = await openStore(tmp, spec);
      expect(store).toBeInstanceOf(FileStore);
      expect((store as FileStore).dir).toBe(join(tmp, ".brtops", "releases"));
    }
  });

  it("lets BRTOPS_STORE override the config's store", () => {
    expect(resolveStoreSpec("file", { BRTOPS_STORE: "postgres://h/db" })).toBe("postgres://h/db");
    expect(resolveStoreSpec("postgres://h/db", {})).toBe("postgres://h/db");
    expect(resolveStoreSpec("postgres://h/db", { BRTOPS_STORE: "  " })).toBe("postgres://h/db");
    expect(resolveStoreSpec(undefined, {})).toBeUndefined();
    expect(storeKind("postgresql://h/db")).toBe("postgres");
    expect(storeKind("POSTGRES://h/db")).toBe("postgres");
  });

  it("refuses an unknown store spec with E_CONFIG_INVALID, the password hidden", async () => {
    const err = await openStore(tmp, "mysql://root:hunter2-secret@db/x").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "E_CONFIG_INVALID" });
    expect((err as Error).message).toContain("mysql://root:[REDACTED]@db/x");
    expect((err as Error).message).not.toContain("hunter2");
  });

  it("fails with E_STORE naming the server but not the password when nothing listens", async () => {
    const port = await closedPort();
    for (const pw of ["pw", "s3cret-p%40ss"]) {
      const err = await openStore(tmp, `postgres://brtops:${pw}@127.0.0.1:${port}/db`).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "E_STORE", hint: expect.stringContaining("PGPASSWORD") });
      const text = JSON.stringify(err) + (err as Error).message;
      expect(text).toContain(`postgres://brtops:[REDACTED]@127.0.0.1:${port}/db`);
      expect(text).not.toContain(`:${pw}@`);
      expect(text).not.toContain("s3cret");
    }
  });

  it("never loads pg for the file store (a bundle that cannot resolve pg still works)", async () => {
    const out = join(tmp, "bundle");
    await build({
      entryPoints: [join(here, "../../src/store/open-store.ts")],
      bundle: true,
      splitting: true,
      platform: "node",
      format: "esm",
      outdir: out,
      external: ["pg"],
      logLevel: "silent",
    });
    const run = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(here, "fixtures/open-store-child.mjs"), join(out, "open-store.js"), ...args],
        { cwd: tmp },
      );
      return JSON.parse(stdout) as Record<string, unknown>;
    };
    expect(await run(join(tmp, "proj"))).toEqual({ ok: true, kind: "FileStore", seq: 1 });
    const pgRun = await run(join(tmp, "proj"), "postgres://u:secretpass@127.0.0.1:1/db");
    expect(pgRun).toMatchObject({ ok: false, code: "E_STORE", message: expect.stringContaining('"pg" package') });
  });
});

describe.skipIf(postgresSkipped())("openStore with a PostgreSQL server", () => {
  const server = usePostgres();

  it("opens a PostgresStore for postgres:// and postgresql:// URLs", async () => {
    const db = await server().freshDatabase();
    try {
      const a = await openStore(tmp, db.url);
      expect(a).toBeInstanceOf(PostgresStore);
      await a.append("1.0.0", 0, [note("via postgres://")]);
      const b = await openStore(tmp, db.url.replace(/^postgres:/, "postgresql:"));
      expect((await b.read("1.0.0")).events).toHaveLength(1);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await db.drop();
    }
  });

  it("fails with E_STORE and a redacted URL for a wrong password or a database that does not exist", async () => {
    const url = new URL(server().url);
    url.password = "top-secret-pw";
    url.pathname = "/no_such_db";
    const err = await openStore(tmp, url.toString()).catch((e: unknown) => e);
    // A trusting server finds no database (3D000); one that checks passwords refuses this one (28P01).
    expect(err).toMatchObject({ code: "E_STORE", details: { pgCode: expect.stringMatching(/^(3D000|28P01)$/) } });
    expect((err as Error).message).toContain("[REDACTED]");
    expect((err as Error).message).not.toContain("top-secret-pw");
  });
});
