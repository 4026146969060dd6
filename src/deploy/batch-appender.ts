/**
 * Group commit straight onto a store (no session): for tools and harnesses that write one
 * release's log with a known last seq. The engine's step context uses the same group commit
 * through its session.
 */
import type { AnyDraft, AnyEvent } from "../core/events.js";
import { createGroupCommit } from "../engine/group-commit.js";
import type { Store } from "../store/store.js";

export interface BatchAppender {
  /** Resolves with the stored events once they are durable. */
  append(drafts: readonly AnyDraft[]): Promise<AnyEvent[]>;
  /** The last seq written through this appender. */
  lastSeq(): number;
  /** Batches written so far (each one store append). */
  batches(): number;
}

/** Example: `const log = createBatchAppender(store, "v2.1.0", state.lastSeq); await log.append([draft(...)])`. */
export function createBatchAppender(store: Store, release: string, lastSeq: number): BatchAppender {
  let seq = lastSeq;
  let failed: unknown = null;
  const group = createGroupCommit(async (drafts) => {
    // A conflict means another writer appended: every later append fails the same way.
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the error the failed batch caught, thrown again
    if (failed) throw failed;
    try {
      const events = await store.append(release, seq, drafts);
      seq = events.at(-1)?.seq ?? seq;
      return events;
    } catch (e) {
      failed = e;
      throw e;
    }
  });
  return { append: (d) => group.append(d), lastSeq: () => seq, batches: () => group.batches() };
}
