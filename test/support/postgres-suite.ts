/**
 * A describe block's PostgreSQL, for tests that each want their own database: one server for the
 * block (started before all, stopped after all) and, per test, a fresh database dropped after it.
 * Kept apart from postgres.ts because it registers vitest hooks (the benches import postgres.ts).
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { startPostgres, type PgDatabase, type PgServer } from "./postgres.js";

export interface PostgresPerTest {
  /**
   * A fresh database for this test. `cleanup` (the test's project) runs after the test, before the
   * database is dropped. Example: `const db = await pg.database(p.cleanup)`, then `BRTOPS_STORE: db.url`.
   */
  database(cleanup?: () => void): Promise<PgDatabase>;
}

/**
 * Call at the top of a describe. `stopFirst` runs after each test before anything is removed:
 * what still uses the project or the database (servers, runners) stops there.
 */
export function postgresPerTest(stopFirst?: () => void | Promise<void>): PostgresPerTest {
  let pg: PgServer | undefined;
  let db: PgDatabase | undefined;
  let cleanup: (() => void) | undefined;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterEach(async () => {
    await stopFirst?.();
    cleanup?.();
    cleanup = undefined;
    await db?.drop();
    db = undefined;
  });
  afterAll(async () => {
    await pg?.stop();
  });
  return {
    database: async (c) => {
      cleanup = c;
      if (!pg) throw new Error("postgresPerTest: the server is not started (call it inside a describe)");
      db = await pg.freshDatabase();
      return db;
    },
  };
}
