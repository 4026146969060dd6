/**
 * The PostgreSQL store's schema, as a versioned list. Every opener runs `migrate`: one transaction
 * under an advisory lock, so several brtops processes starting at once apply each step exactly once.
 */
import type { PoolClient } from "pg";
import { BrtopsError } from "../../core/errors.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The bytes of "brtops" as a number: any fixed key works, this one is easy to recognise in pg_locks. */
export const MIGRATION_LOCK_KEY = "108243719254131";

/**
 * `body` is the event exactly as appended (JSON text): reading it back gives the same values that
 * were hashed. It is text, not jsonb, because jsonb rejects "\u0000" inside strings and would
 * store numbers as numeric; the other columns are copies for querying and never read back.
 */
const EVENTS = `
CREATE TABLE brtops_releases (
  release    text PRIMARY KEY,
  last_seq   integer NOT NULL CHECK (last_seq >= 0),
  last_hash  text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE brtops_events (
  release    text NOT NULL REFERENCES brtops_releases (release),
  seq        integer NOT NULL CHECK (seq > 0),
  type       text NOT NULL,
  at         text NOT NULL,
  actor_id   text NOT NULL,
  actor_role text NOT NULL,
  prev       text NOT NULL,
  hash       text NOT NULL,
  body       text NOT NULL,
  PRIMARY KEY (release, seq)
);
CREATE INDEX brtops_events_type ON brtops_events (release, type);
`;

const LEASES = `
CREATE TABLE brtops_leases (
  release     text NOT NULL,
  step        text NOT NULL,
  holder      text NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (release, step)
);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "event log", sql: EVENTS },
  { version: 2, name: "step leases", sql: LEASES },
];

/** Applies the migrations this database lacks, in order. Returns the versions it applied. */
export async function migrate(client: PoolClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS brtops_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM brtops_migrations")).rows.map((r) => r.version),
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new BrtopsError(
        "E_STORE",
        `The PostgreSQL store's schema is at version ${newest}, newer than this brtops knows (${known}).`,
        {
          hint: "Upgrade brtops on this machine to the version the rest of the team uses.",
          details: { schemaVersion: newest, known },
        },
      );
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO brtops_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query("COMMIT");
    return applied;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}
