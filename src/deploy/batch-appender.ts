/**
 * Group commit for one release's log: appends asked for while another append is being written
 * are queued and written together as one batch (one lock, one fsync), in the order they were
 * asked for. Parallel deploy steps then cost a few fsyncs per wave instead of two per step.
 * Not pure (it defers with setImmediate), hence here and not in core/.
 */
import type { AnyDraft, AnyEvent } from "../core/events.js";
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
  let writing = false;
  let batches = 0;
  let queue: { drafts: readonly AnyDraft[]; resolve: (e: AnyEvent[]) => void; reject: (e: unknown) => void }[] = [];

  const pump = async (): Promise<void> => {
    writing = true;
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        const events = await store.append(release, seq, group.flatMap((g) => g.drafts));
        batches += 1;
        seq = events.at(-1)?.seq ?? seq;
        let i = 0;
        for (const g of group) {
          g.resolve(events.slice(i, i + g.drafts.length));
          i += g.drafts.length;
        }
      } catch (e) {
        // A conflict means another writer appended: every waiting append fails the same way.
        for (const g of [...group, ...queue.splice(0)]) g.reject(e);
      }
    }
    writing = false;
  };

  return {
    append(drafts) {
      if (drafts.length === 0) return Promise.resolve([]);
      return new Promise<AnyEvent[]>((resolve, reject) => {
        queue.push({ drafts, resolve, reject });
        if (!writing) {
          writing = true;
          // Wait for the rest of this event-loop turn: steps whose timers fired together join one batch.
          setImmediate(() => void pump());
        }
      });
    },
    lastSeq: () => seq,
    batches: () => batches,
  };
}
