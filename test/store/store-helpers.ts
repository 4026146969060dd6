/** Shared pieces of the store tests: drafts, harnesses for both stores, polling. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { Pool } from "pg";
import { draft } from "../../src/core/events.js";
import type { AnyDraft } from "../../src/core/events.js";
import { FileStore } from "../../src/store/store-file.js";
import { PostgresStore } from "../../src/store/store-postgres.js";
import type { Store } from "../../src/store/store.js";
import { startPostgres } from "../support/postgres.js";
import type { PgServer } from "../support/postgres.js";

/** Everything the conformance suite needs from one store under test. */
export interface StoreHarness {
  store: Store;
  /** Another independent handle on the same storage (its own connections or file handles). */
  openPeer(): Promise<Store>;
  /** Rewrites the stored JSON text of one event, as an attacker or a bad editor would. */
  tamper(release: string, seq: number, edit: (json: string) => string): Promise<void>;
  cleanup(): Promise<void>;
}

export const AT = "2026-05-20T10:00:00.000Z";

export function note(text: string, actorId = "ana", extra: Record<string, unknown> = {}): AnyDraft {
  return draft(
    "Note",
    AT,
    { id: actorId, role: "member" },
    { text, ...(Object.keys(extra).length ? { data: extra } : {}) },
  );
}

export function notes(n: number, prefix = "n"): AnyDraft[] {
  return Array.from({ length: n }, (_, i) => note(`${prefix}${i + 1}`));
}

/** Polls until `check` returns a value other than undefined (no timing is asserted: the limit only stops a hung test). */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  limitMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function fileHarness(): Promise<StoreHarness & { root: string }> {
  const root = mkdtempSync(join(tmpdir(), "brtops-store-"));
  const peers: Store[] = [];
  const store = new FileStore(root);
  return {
    root,
    store,
    openPeer: async () => {
      const p = new FileStore(root);
      peers.push(p);
      return p;
    },
    tamper: async (release, seq, edit) => {
      const file = store.logPath(release);
      const event = (await store.read(release, seq)).events[0];
      if (!event || event.seq !== seq) throw new Error(`no event ${seq} to tamper with`);
      const text = readFileSync(file, "utf8");
      const json = JSON.stringify(event);
      if (!text.includes(json)) throw new Error("event text not found in the log");
      writeFileSync(file, text.replace(json, edit(json)));
    },
    cleanup: async () => {
      for (const p of [store, ...peers]) await p.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Starts one PostgreSQL server for the enclosing describe block; returns a getter for it. */
export function usePostgres(): () => PgServer {
  let server: PgServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("The PostgreSQL server did not start (see the beforeAll error).");
    return server;
  };
}

/** A PostgresStore on a fresh database of `server`. */
export async function postgresHarness(server: PgServer): Promise<StoreHarness & { url: string }> {
  const db = await server.freshDatabase();
  const store = await PostgresStore.open(db.url);
  const peers: Store[] = [];
  return {
    url: db.url,
    store,
    openPeer: async () => {
      const p = await PostgresStore.open(db.url, { poolSize: 2 });
      peers.push(p);
      return p;
    },
    tamper: async (release, seq, edit) => {
      const pool = new Pool({ connectionString: db.url, max: 1 });
      try {
        const r = await pool.query<{ body: string }>("SELECT body FROM brtops_events WHERE release = $1 AND seq = $2", [
          release,
          seq,
        ]);
        const body = r.rows[0]?.body;
        if (body === undefined) throw new Error(`no event ${seq} to tamper with`);
        await pool.query("UPDATE brtops_events SET body = $3 WHERE release = $1 AND seq = $2", [
          release,
          seq,
          edit(body),
        ]);
      } finally {
        await pool.end();
      }
    },
    cleanup: async () => {
      for (const p of [store, ...peers]) await p.close();
      await db.drop();
    },
  };
}
