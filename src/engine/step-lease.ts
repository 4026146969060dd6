/**
 * Step leases for several `brtops run` on several machines against one release (team store):
 * a runner claims the step it is about to run, renews the lease while it works, and gives it up
 * when the step is recorded. A runner that dies stops renewing; once its lease expires another
 * runner claims the step and takes it over under DESIGN rule 4 (an unfinished effect is checked,
 * re-run only when idempotent, else handed to the HUM LEAD). A runner that finds it has lost its
 * lease stops at once and appends nothing more, so two runners never work in one step.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { BrtopsError } from "../core/errors.js";
import type { Leases } from "../store/postgres/leases.js";

/** Default lease length; a dead runner's step is taken over this long after its last renewal. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export type Claim = { ok: true } | { ok: false; holder: string; expiresAt: string | null };

export interface StepLeases {
  /** Who this runner is in the lease table (host, process, a random part). */
  readonly holder: string;
  readonly ttlMs: number;
  /** Claims `step` (giving up any other lease this runner holds) and renews it until released. */
  claim(step: string): Promise<Claim>;
  /** Gives up the held lease, if any. */
  release(): Promise<void>;
  /** Throws E_LEASE_LOST once a renewal found the lease gone. */
  assertHeld(): void;
}

/** The lease length from BRTOPS_LEASE_TTL_MS (ms), else the default. */
export function leaseTtl(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.BRTOPS_LEASE_TTL_MS;
  if (raw === undefined || raw === "") return DEFAULT_LEASE_TTL_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 200) {
    throw new BrtopsError(
      "E_USAGE",
      `BRTOPS_LEASE_TTL_MS must be a whole number of milliseconds of at least 200, not "${raw}".`,
      { hint: "Unset it to use 30000, or set e.g. BRTOPS_LEASE_TTL_MS=10000." },
    );
  }
  return n;
}

/** Leases of one runner on one release; `onLost` is told when a renewal fails. */
export function createStepLeases(
  store: Leases,
  release: string,
  who: string,
  ttlMs: number,
  onLost: (step: string) => void,
): StepLeases {
  const holder = `${who}@${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let held: string | null = null;
  let lost: string | null = null;
  let timer: NodeJS.Timeout | null = null;

  const stopRenewing = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };

  const renew = async (step: string) => {
    if (held !== step) return;
    let ok = false;
    try {
      ok = await store.renewLease(release, step, holder, ttlMs);
    } catch {
      // A database hiccup is not a lost lease: the next renewal (a third of the TTL later) retries.
      return;
    }
    if (!ok && held === step) {
      lost = step;
      held = null;
      stopRenewing();
      onLost(step);
    }
  };

  const leases: StepLeases = {
    holder,
    ttlMs,
    async claim(step) {
      if (held === step) return { ok: true };
      await leases.release();
      if (!(await store.claimLease(release, step, holder, ttlMs))) {
        const h = await store.leaseHolder(release, step);
        // Freed between the two queries: the caller simply tries again.
        return { ok: false, holder: h?.holder ?? "another runner", expiresAt: h?.expiresAt ?? null };
      }
      held = step;
      lost = null;
      timer = setInterval(() => void renew(step), Math.max(50, Math.floor(ttlMs / 3)));
      timer.unref();
      return { ok: true };
    },
    async release() {
      stopRenewing();
      const step = held;
      held = null;
      if (step) await store.releaseLease(release, step, holder).catch(() => false);
    },
    assertHeld() {
      if (lost) {
        throw new BrtopsError(
          "E_LEASE_LOST",
          `This runner lost its lease on step ${lost} of release ${release} (it was not renewed in time), so another runner may have taken the step over.`,
          {
            hint: "Nothing more was recorded by this runner. Follow the release with `brtops status`; run `brtops run` again if no runner is active.",
          },
        );
      }
    },
  };
  return leases;
}
