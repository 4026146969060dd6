/** The ledger of what runs where, read from every run's log: for `brtops environments`, the API and MCP. */
import { buildLedger, type Ledger } from "../core/ledger.js";
import { promotableVersions, type Promotable } from "../core/promotable.js";
import type { Store } from "../store/store.js";
import { readRuns } from "./read-runs.js";

/** The ledger and the promotions possible now (core/promotable decides them). */
export type EnvironmentsView = Ledger & { promotable: Promotable[] };

/**
 * `{environments: [...], promotable: [...]}`, the one object every face returns. `configured`:
 * environments listed even before a release; `promotion`: the configured promotion order.
 */
export async function readLedger(
  store: Store,
  configured: readonly string[] = [],
  promotion: readonly string[] = [],
): Promise<EnvironmentsView> {
  const runs = await readRuns(store);
  return { ...buildLedger(runs, configured), promotable: promotableVersions(runs, promotion) };
}
