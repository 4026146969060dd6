/** One release's log in memory: read it, fold it, append to it conditionally on what was read. */
import { BrtopsError } from "../core/errors.js";
import type { AnyDraft, AnyEvent } from "../core/events.js";
import { foldEvents } from "../core/fold.js";
import type { ReleaseState } from "../core/release-state.js";
import type { Store } from "../store/store.js";

// Each retry follows a fresh read, so only a log that keeps moving faster than one append exhausts it.
const MAX_FACT_RETRIES = 50;

export class ReleaseSession {
  events: AnyEvent[] = [];
  /** Called before every append; throws to fence off a writer that must write no more (a runner that lost its lease). */
  beforeAppend: (() => void) | undefined;
  private folded: ReleaseState | null = null;
  /** Drafts the next append writes in front of its own (see `defer`), and who hears of them once durable. */
  private deferred: { drafts: AnyDraft[]; written: (events: AnyEvent[]) => void | Promise<void> } | null = null;

  private constructor(
    readonly store: Store,
    readonly release: string,
  ) {}

  static async open(store: Store, release: string): Promise<ReleaseSession> {
    const s = new ReleaseSession(store, release);
    await s.refresh();
    return s;
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  get state(): ReleaseState {
    if (!this.folded) throw new BrtopsError("E_NO_ACTIVE_RELEASE", `Release ${this.release} has no events.`);
    return this.folded;
  }

  get exists(): boolean {
    return this.folded !== null;
  }

  /** Reads events appended since the last read (by anyone) and folds them in. */
  async refresh(): Promise<void> {
    const r = await this.store.read(this.release, this.lastSeq + 1);
    if (r.damage) {
      throw new BrtopsError("E_LOG_CORRUPT", `The log of release ${this.release} is damaged at event ${r.damage.seq}: ${r.damage.reason}.`, {
        hint: "Run `brtops audit verify` for details; restore the log from a backup or version control.",
        details: r.damage,
      });
    }
    if (r.events.length === 0) return;
    this.events.push(...r.events);
    try {
      this.folded = foldEvents(r.events, this.folded ?? undefined);
    } catch (e) {
      throw new BrtopsError("E_LOG_CORRUPT", `The log of release ${this.release} cannot be read: ${(e as Error).message}.`, {
        hint: "Run `brtops audit verify` to find the damaged event.",
        cause: e,
      });
    }
  }

  /**
   * Has the next append write `drafts` in front of its own, in the same batch: a step's StepStarted
   * goes to disk with the step's first effect or with its outcome, whichever comes first — one
   * append and one fsync where there were two, and never after anything the step itself wrote.
   * `written` hears of the events once they are durable (before the append that carried them returns).
   */
  defer(drafts: AnyDraft[], written: (events: AnyEvent[]) => void | Promise<void>): void {
    if (drafts.length === 0) return;
    const d = this.deferred;
    this.deferred = d ? { drafts: [...d.drafts, ...drafts], written: async (evs) => { await d.written(evs.slice(0, d.drafts.length)); await written(evs.slice(d.drafts.length)); } } : { drafts, written };
  }

  /** Writes what `defer` holds back, if anything. */
  async flushDeferred(): Promise<void> {
    if (this.deferred) await this.appendFact([]);
  }

  /** Forgets what `defer` holds back (the step it announced stopped before anything was written: it is run again from the start). */
  dropDeferred(): void {
    this.deferred = null;
  }

  /** Appends after the events this session has seen; E_CONFLICT when someone appended first. Returns the events of `drafts` (deferred ones go to their own listener). */
  async append(drafts: AnyDraft[]): Promise<AnyEvent[]> {
    const deferred = this.deferred;
    if (drafts.length === 0 && !deferred) return [];
    this.beforeAppend?.();
    this.deferred = null;
    let stored: AnyEvent[];
    try {
      stored = await this.store.append(this.release, this.lastSeq, deferred ? [...deferred.drafts, ...drafts] : drafts);
    } catch (e) {
      // Not written: the next append (a retry after a conflict) carries them.
      if (deferred && !this.deferred) this.deferred = deferred;
      throw e;
    }
    this.events.push(...stored);
    this.folded = foldEvents(stored, this.folded ?? undefined);
    if (!deferred) return stored;
    await deferred.written(stored.slice(0, deferred.drafts.length));
    return stored.slice(deferred.drafts.length);
  }

  /**
   * Appends events that state facts about work already done (a step started, an effect's
   * result): when someone else appended first (a HUM LEAD pausing, another runner's note), the
   * fact still holds, so read what they wrote and append after it instead of losing the result.
   */
  async appendFact(drafts: AnyDraft[]): Promise<AnyEvent[]> {
    for (let tries = 0; ; tries += 1) {
      try {
        return await this.append(drafts);
      } catch (e) {
        if (!(e instanceof BrtopsError && e.code === "E_CONFLICT") || tries >= MAX_FACT_RETRIES) throw e;
        await this.refresh();
      }
    }
  }
}
