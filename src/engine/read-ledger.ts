/** The ledger of what runs where, read from every run's log: for `brtops environments`, the API and MCP. */
import { buildLedger, type Ledger } from "../core/ledger.js";
import type { Store } from "../store/store.js";
import { readRuns } from "./read-runs.js";

/** `{environments: [...]}`, the one object every face returns. `configured`: environments listed even before a release. */
export async function readLedger(store: Store, configured: readonly string[] = []): Promise<Ledger> {
  return buildLedger(await readRuns(store), configured);
}
