/** Every run in the store, folded: what the ledger, the project's release history and requests read. */
import type { ReleaseState } from "../core/release-state.js";
import type { Store } from "../store/store.js";
import { ReleaseSession } from "./release-session.js";

/** The state of every run in the store, in the store's order. */
export async function readRuns(store: Store): Promise<ReleaseState[]> {
  const refs = await store.list();
  const out: ReleaseState[] = [];
  for (const ref of refs) {
    const session = await ReleaseSession.open(store, ref.release);
    if (session.exists) out.push(session.state);
  }
  return out;
}
