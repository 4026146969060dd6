/**
 * The team store: every release's event log in PostgreSQL, for several people and runners on
 * several machines. An append is one transaction: lock the release's head row, check the expected
 * seq, insert the chained events, move the head, NOTIFY. The primary key (release, seq) is the
 * last line of defence: a writer that loses any race gets E_CONFLICT and nothing is written.
 */
import { Pool } from "pg";
import type { PoolClient, PoolConfig } from "pg";
import { BrtopsError } from "../core/errors.js";
import type { AnyDraft, AnyEvent } from "../core/events.js";
import { chain, GENESIS } from "./event-chain.js";
import { pgLeases } from "./postgres/leases.js";
import type { Leases } from "./postgres/leases.js";
import { migrate } from "./postgres/migrations.js";
import { NOTIFY_CHANNEL, NotifyListener } from "./postgres/notify-listener.js";
import { isConflict, storeError } from "./postgres/pg-errors.js";
import { assertSafeReleaseId } from "./release-name.js";
import type { ReadResult, ReleaseRef, Store } from "./store.js";

export type { Leases } from "./postgres/leases.js";
export { hasLeases } from "./postgres/leases.js";

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before E_STORE (default 10 s). */
  connectTimeoutMs?: number;
}

function conflict(release: string, expected: number, actual: number | undefined): BrtopsError {
  const where = actual === undefined ? "it has moved on" : `its log is at event ${actual}`;
  return new BrtopsError(
    "E_CONFLICT",
    `Release ${release} changed while you were deciding: ${where}, not ${expected}.`,
    {
      hint: "Look at the release again (brtops status) and repeat your command if it still applies.",
      details: { expected, ...(actual === undefined ? {} : { actual }) },
    },
  );
}

/** Derived columns only: `text` cannot hold NUL, and the body (which keeps it, escaped) is what is read back. */
const col = (s: string): string => s.replaceAll("\u0000", "");

const INSERT_EVENTS = `
INSERT INTO brtops_events (release, seq, type, at, actor_id, actor_role, prev, hash, body)
SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`;

export class PostgresStore implements Store, Leases {
  private readonly listener: NotifyListener;
  private readonly leases: Leases;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly url: string,
    config: PoolConfig,
  ) {
    this.listener = new NotifyListener(config, () => this.list());
    this.leases = pgLeases(pool, (e, doing) => storeError(e, url, doing));
  }

  /** Connects to `url` (postgres://user:pass@host:port/db) and brings its schema up to date. Throws E_STORE. */
  static async open(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const config: PoolConfig = {
      connectionString: url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      application_name: "brtops",
    };
    let pool: Pool;
    try {
      pool = new Pool(config);
    } catch (e) {
      throw storeError(e, url, "reading the store URL");
    }
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => {});
      throw storeError(e, url, "connecting and updating the schema");
    }
    return new PostgresStore(pool, url, { ...config, max: undefined });
  }

  /** A session-level advisory lock on one pooled connection, held while `fn` runs (all runners and servers share it). */
  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw storeError(e, this.url, `locking ${key}`);
    }
    try {
      await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [`brtops:${key}`]);
      try {
        return await fn();
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [`brtops:${key}`]);
      }
    } finally {
      client.release();
    }
  }

  async list(): Promise<ReleaseRef[]> {
    const r = await this.query<{ release: string; last_seq: number }>(
      `SELECT release, last_seq FROM brtops_releases WHERE last_seq > 0 ORDER BY release COLLATE "C"`,
      [],
      "listing releases",
    );
    return r.rows.map((row) => ({ release: row.release, lastSeq: row.last_seq }));
  }

  async read(release: string, fromSeq = 1): Promise<ReadResult> {
    assertSafeReleaseId(release);
    const r = await this.query<{ seq: number; body: string }>(
      "SELECT seq, body FROM brtops_events WHERE release = $1 AND seq >= $2 ORDER BY seq",
      [release, Math.max(1, Math.floor(fromSeq))],
      `reading release ${release}`,
    );
    const events: AnyEvent[] = [];
    for (const row of r.rows) {
      try {
        events.push(JSON.parse(row.body) as AnyEvent);
      } catch {
        return { events, damage: { seq: row.seq, reason: `the stored body of event ${row.seq} is not valid JSON` } };
      }
    }
    return { events };
  }

  async append(release: string, expectedLastSeq: number, drafts: readonly AnyDraft[]): Promise<AnyEvent[]> {
    assertSafeReleaseId(release);
    if (drafts.length === 0) return [];
    const client = await this.connect(`appending to release ${release}`);
    let broken = false;
    try {
      await client.query("BEGIN");
      const head = await client.query<{ last_seq: number; last_hash: string }>(
        "SELECT last_seq, last_hash FROM brtops_releases WHERE release = $1 FOR UPDATE",
        [release],
      );
      const row = head.rows[0];
      const lastSeq = row?.last_seq ?? 0;
      if (lastSeq !== expectedLastSeq) throw conflict(release, expectedLastSeq, lastSeq);
      // A concurrent first append inserts the same key: we wait for it, then fail with 23505.
      if (!row)
        await client.query("INSERT INTO brtops_releases (release, last_seq, last_hash) VALUES ($1, 0, $2)", [
          release,
          GENESIS,
        ]);
      const events = chain(release, lastSeq, row?.last_hash ?? GENESIS, drafts);
      const last = events[events.length - 1]!;
      await client.query(INSERT_EVENTS, [
        release,
        events.map((e) => e.seq),
        events.map((e) => col(e.type)),
        events.map((e) => col(String(e.at))),
        events.map((e) => col(String(e.actor?.id ?? ""))),
        events.map((e) => col(String(e.actor?.role ?? ""))),
        events.map((e) => e.prev),
        events.map((e) => e.hash),
        events.map((e) => JSON.stringify(e)),
      ]);
      await client.query(
        "UPDATE brtops_releases SET last_seq = $2, last_hash = $3, updated_at = now() WHERE release = $1",
        [release, last.seq, last.hash],
      );
      await client.query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, JSON.stringify({ release, lastSeq: last.seq })]);
      await client.query("COMMIT");
      return events;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      if (isConflict(e)) throw conflict(release, expectedLastSeq, await this.lastSeq(release).catch(() => undefined));
      throw storeError(e, this.url, `appending to release ${release}`);
    } finally {
      client.release(broken);
    }
  }

  watch(onChange: (release: string, lastSeq: number) => void): () => void {
    return this.listener.subscribe(onChange);
  }

  claimLease(release: string, step: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.leases.claimLease(release, step, holder, ttlMs);
  }

  renewLease(release: string, step: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.leases.renewLease(release, step, holder, ttlMs);
  }

  releaseLease(release: string, step: string, holder: string): Promise<boolean> {
    return this.leases.releaseLease(release, step, holder);
  }

  leaseHolder(release: string, step: string): Promise<{ holder: string; expiresAt: string } | null> {
    return this.leases.leaseHolder(release, step);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener.close();
    await this.pool.end();
  }

  private async lastSeq(release: string): Promise<number> {
    const r = await this.pool.query<{ last_seq: number }>("SELECT last_seq FROM brtops_releases WHERE release = $1", [
      release,
    ]);
    return r.rows[0]?.last_seq ?? 0;
  }

  private async connect(doing: string): Promise<PoolClient> {
    if (this.closed)
      throw new BrtopsError("E_STORE", `The PostgreSQL store is closed (${doing}).`, { hint: "Open the store again." });
    try {
      return await this.pool.connect();
    } catch (e) {
      throw storeError(e, this.url, doing);
    }
  }

  private async query<R extends object>(sql: string, params: unknown[], doing: string): Promise<{ rows: R[] }> {
    const client = await this.connect(doing);
    try {
      return await client.query<R>(sql, params);
    } catch (e) {
      throw storeError(e, this.url, doing);
    } finally {
      client.release();
    }
  }
}
