/**
 * Group commit: appends asked for while one is being written are queued and written together as
 * one batch (one lock and one fsync on the file store), in the order they were asked for. Each
 * caller resumes only once its own events are durable. Parallel deploy steps then cost a few
 * fsyncs per wave instead of two per step.
 */
import type { AnyDraft, AnyEvent } from "../core/events.js";

export interface GroupCommit {
  /** Resolves with the stored events once they are durable; rejects as their batch did. */
  append(drafts: readonly AnyDraft[]): Promise<AnyEvent[]>;
  /** Resolves when nothing asked for so far is still being written. */
  settled(): Promise<void>;
  /** Batches written so far. */
  batches(): number;
}

/** Example: `const log = createGroupCommit((d) => session.appendFact(d)); await log.append([draft])`. */
export function createGroupCommit(write: (drafts: AnyDraft[]) => Promise<AnyEvent[]>): GroupCommit {
  let queue: { drafts: readonly AnyDraft[]; resolve: (e: AnyEvent[]) => void; reject: (e: unknown) => void }[] = [];
  let pumping = false;
  let flushed: Promise<void> = Promise.resolve();
  let batches = 0;

  const pump = async (): Promise<void> => {
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        const events = await write(group.flatMap((g) => [...g.drafts]));
        batches += 1;
        let i = 0;
        for (const g of group) {
          g.resolve(events.slice(i, i + g.drafts.length));
          i += g.drafts.length;
        }
      } catch (e) {
        for (const g of group) g.reject(e);
      }
    }
    // Cleared in the same turn the queue was found empty, so a later append always starts a pump.
    pumping = false;
  };

  return {
    append(drafts) {
      if (drafts.length === 0) return Promise.resolve([]);
      return new Promise<AnyEvent[]>((resolve, reject) => {
        queue.push({ drafts, resolve, reject });
        if (!pumping) {
          pumping = true;
          // Wait out this event-loop turn: steps whose timers fired together join one batch.
          flushed = new Promise<void>((r) => setImmediate(r)).then(pump);
        }
      });
    },
    settled: () => flushed,
    batches: () => batches,
  };
}
