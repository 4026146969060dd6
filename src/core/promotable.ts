/**
 * Which promotions a release request would accept now, along the configured `promotion:` order:
 * the one place that decides what the environments board offers ("promote v1.1.0 to production").
 * Pure: a fold over the runs' states, like the ledger. The request itself is still judged by
 * intel/plan-request; this only never offers what it would refuse.
 *
 * A version V is offered from environment A to the next environment B of the order when:
 *  - a run of V on A is certified (and was not rolled back since: its state is still certified);
 *  - no run of V is open anywhere (its package is not being approved or deployed elsewhere);
 *  - B has no open release (one release per environment at a time);
 *  - V does not run on B now, and B's current deployment is older than V's certification on A
 *    (an older certified version is not offered over a newer deployment: that is a rollback).
 */
import { buildLedger, environmentRecord } from "./ledger.js";
import { TERMINAL_STATES, type ReleaseState } from "./release-state.js";
import { byCodeUnit } from "./text-order.js";

/** A promotion the environments board may offer: POST /api/releases {version, environment: to}. */
export interface Promotable {
  version: string;
  /** The environment the version was certified on. */
  from: string;
  /** The next environment in the promotion order. */
  to: string;
  /** The certified run whose approved package would be deployed. */
  release: string;
  /** When it was certified on `from`. */
  certifiedAt: string;
}

const open = (r: ReleaseState): boolean => !TERMINAL_STATES.includes(r.state);

/**
 * The promotions possible now, newest certification first within each step of the order.
 * @example promotableVersions(runs, ["staging", "production"]) // [{version: "1.1.0", from: "staging", to: "production", …}]
 */
export function promotableVersions(runs: readonly ReleaseState[], order: readonly string[]): Promotable[] {
  if (order.length < 2) return [];
  const ledger = buildLedger(runs);
  const openVersions = new Set(runs.filter(open).map((r) => r.version));
  const out: Promotable[] = [];
  for (let i = 1; i < order.length; i++) {
    const from = order[i - 1]!;
    const to = order[i]!;
    if (runs.some((r) => r.environment === to && open(r))) continue;
    const there = environmentRecord(ledger, to);
    // The latest certification of each version on `from`.
    const certified = new Map<string, ReleaseState>();
    for (const r of runs) {
      if (r.environment !== from || r.state !== "certified" || !r.certifiedAt) continue;
      const seen = certified.get(r.version);
      if (!seen || seen.certifiedAt! < r.certifiedAt) certified.set(r.version, r);
    }
    const offered = [...certified.values()]
      .filter((r) => !openVersions.has(r.version))
      .filter((r) => there.version !== r.version)
      .filter((r) => there.since === null || there.since < r.certifiedAt!)
      .sort((a, b) => byCodeUnit(b.certifiedAt!, a.certifiedAt!));
    for (const r of offered)
      out.push({ version: r.version, from, to, release: r.release, certifiedAt: r.certifiedAt! });
  }
  return out;
}
