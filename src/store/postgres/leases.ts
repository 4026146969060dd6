/**
 * Step leases for several runners sharing one release: whoever holds a (release, step) lease runs
 * that step. Times come from the database clock, so runners with skewed clocks still agree.
 */
import type { Pool } from "pg";
import { BrtopsError } from "../../core/errors.js";
import type { Store } from "../store.js";

/** Optional store capability: claim a step so only one runner executes it. */
export interface Leases {
  /** True when `holder` now holds the lease: it was free, expired, or already `holder`'s (then it is extended). */
  claimLease(release: string, step: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends `holder`'s unexpired lease; false when it expired or someone else holds it. */
  renewLease(release: string, step: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up; false when `holder` did not hold it. */
  releaseLease(release: string, step: string, holder: string): Promise<boolean>;
  /** Who holds the lease now (an expired lease is held by no one). */
  leaseHolder(release: string, step: string): Promise<{ holder: string; expiresAt: string } | null>;
}

function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw new BrtopsError("E_USAGE", `A lease lasts a positive whole number of milliseconds, not ${ttlMs}.`, {
      hint: "Pass ttlMs such as 30000.",
    });
  }
}

// The lease row is claimed FOR UPDATE SKIP LOCKED: a runner never queues behind another runner
// that is claiming or renewing the same step, it is told at once that the step is taken and moves
// on to waiting. When no row is visible (none yet, or one locked by a claimer), the insert decides:
// ON CONFLICT DO NOTHING makes exactly one of several first claimers win.
const CLAIM = `
WITH cur AS (
  SELECT holder, expires_at FROM brtops_leases WHERE release = $1 AND step = $2 FOR UPDATE SKIP LOCKED
), taken AS (
  UPDATE brtops_leases AS l
  SET holder = $3,
      acquired_at = CASE WHEN cur.holder = $3 AND cur.expires_at > clock_timestamp() THEN l.acquired_at ELSE clock_timestamp() END,
      expires_at = clock_timestamp() + $4::integer * interval '1 millisecond'
  FROM cur
  WHERE l.release = $1 AND l.step = $2 AND (cur.holder = $3 OR cur.expires_at <= clock_timestamp())
  RETURNING l.holder
), fresh AS (
  INSERT INTO brtops_leases (release, step, holder, acquired_at, expires_at)
  SELECT $1, $2, $3, clock_timestamp(), clock_timestamp() + $4::integer * interval '1 millisecond'
  WHERE NOT EXISTS (SELECT 1 FROM cur)
  ON CONFLICT (release, step) DO NOTHING
  RETURNING holder
)
SELECT holder FROM taken UNION ALL SELECT holder FROM fresh`;

const RENEW = `
UPDATE brtops_leases SET expires_at = clock_timestamp() + $4::integer * interval '1 millisecond'
WHERE release = $1 AND step = $2 AND holder = $3 AND expires_at > clock_timestamp()
RETURNING holder`;

const RELEASE = "DELETE FROM brtops_leases WHERE release = $1 AND step = $2 AND holder = $3 RETURNING holder";

const HOLDER = `
SELECT holder, to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS expires_at
FROM brtops_leases WHERE release = $1 AND step = $2 AND expires_at > clock_timestamp()`;

/** The lease statements, run on `pool`; `wrap` turns driver errors into BrtopsErrors. */
export function pgLeases(pool: Pool, wrap: (e: unknown, doing: string) => Error): Leases {
  const run = async (sql: string, params: unknown[], doing: string) => {
    try {
      return await pool.query(sql, params);
    } catch (e) {
      throw wrap(e, doing);
    }
  };
  return {
    async claimLease(release, step, holder, ttlMs) {
      checkTtl(ttlMs);
      return (await run(CLAIM, [release, step, holder, ttlMs], `claiming step ${step} of ${release}`)).rowCount === 1;
    },
    async renewLease(release, step, holder, ttlMs) {
      checkTtl(ttlMs);
      return (
        (await run(RENEW, [release, step, holder, ttlMs], `renewing the lease on step ${step} of ${release}`))
          .rowCount === 1
      );
    },
    async releaseLease(release, step, holder) {
      return (
        (await run(RELEASE, [release, step, holder], `releasing the lease on step ${step} of ${release}`)).rowCount ===
        1
      );
    },
    async leaseHolder(release, step) {
      const r = await run(HOLDER, [release, step], `reading the lease on step ${step} of ${release}`);
      const row = r.rows[0] as { holder: string; expires_at: string } | undefined;
      return row ? { holder: row.holder, expiresAt: row.expires_at } : null;
    },
  };
}

/** True when this store can hand out step leases (the PostgreSQL store can). */
export function hasLeases(store: Store): store is Store & Leases {
  return typeof (store as Partial<Leases>).claimLease === "function";
}
