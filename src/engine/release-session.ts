/** One release's log in memory: read it, fold it, append to it conditionally on what was read. */
import { BrtopsError } from "../core/errors.js";
import type { AnyDraft, AnyEvent } from "../core/events.js";
import { foldEvents } from "../core/fold.js";
import type { ReleaseState } from "../core/release-state.js";
import { checkRecordedHeads, GENESIS, verifyChain } from "../store/event-chain.js";
import { anchorMismatch } from "../store/log-anchor.js";
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

  /** The hash of the last event read (the genesis hash before any). */
  get lastHash(): string {
    return this.events.at(-1)?.hash ?? GENESIS;
  }

  /**
   * Reads events appended since the last read (by anyone), verifies them as the continuation of
   * what was verified before (chain, recorded decision heads, and on the first read the log's
   * anchor), and folds them in — the fold refusing what authority could not have accepted. A log
   * that fails is never acted on: E_LOG_TAMPERED (exit 1) names the first bad event.
   */
  async refresh(): Promise<void> {
    const first = this.events.length === 0;
    // The anchor is read before the log: it is written only after the events it names are durable,
    // so a log read after it holds them. Read the other way round, a decision appended (and
    // anchored) by another process between the two reads looked like a log cut short.
    const anchor = first ? await this.store.anchors?.read(this.release) : null;
    const r = await this.store.read(this.release, this.lastSeq + 1);
    if (r.damage) {
      throw new BrtopsError(
        "E_LOG_CORRUPT",
        `The log of release ${this.release} is damaged at event ${r.damage.seq}: ${r.damage.reason}.`,
        {
          hint: "Run `brtops audit verify` for details; restore the log from a backup or version control.",
          details: r.damage,
        },
      );
    }
    if (r.events.length > 0) {
      const v = verifyChain(this.release, r.events, { seq: this.lastSeq, hash: this.lastHash });
      if (v.bad) throw tampered(this.release, v.bad);
      const from = this.events.length;
      this.events.push(...r.events);
      const head = checkRecordedHeads(this.events, from);
      if (head) throw tampered(this.release, head);
      try {
        this.folded = foldEvents(r.events, this.folded ?? undefined);
      } catch (e) {
        if (e instanceof BrtopsError && e.code === "E_LOG_TAMPERED")
          throw tampered(this.release, e.details as { seq: number; reason: string });
        throw new BrtopsError(
          "E_LOG_CORRUPT",
          `The log of release ${this.release} cannot be read: ${(e as Error).message}.`,
          {
            hint: "Run `brtops audit verify` to find the damaged event.",
            cause: e,
          },
        );
      }
    }
    if (anchor) {
      const bad = anchorMismatch(this.events, anchor);
      if (bad) throw tampered(this.release, bad);
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
    this.deferred = d
      ? {
          drafts: [...d.drafts, ...drafts],
          written: async (evs) => {
            await d.written(evs.slice(0, d.drafts.length));
            await written(evs.slice(d.drafts.length));
          },
        }
      : { drafts, written };
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
    // The store chained these after the log's tail as it is on disk: when that is not the tail this
    // session verified, the log was changed under it.
    if (stored[0] && stored[0].prev !== this.lastHash)
      throw tampered(this.release, {
        seq: stored[0].seq - 1,
        reason: "the log's last event is not the one read before (it was replaced)",
      });
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

/** The error every face shows for a log that fails verification (exit 1; `brtops audit verify` gives the details). */
export function tampered(release: string, bad: { seq: number; reason: string }): BrtopsError {
  return new BrtopsError(
    "E_LOG_TAMPERED",
    `The log of release ${release} fails verification at event ${bad.seq}: ${bad.reason}. Nothing was done.`,
    {
      hint: "Run `brtops audit verify` for details; restore the log from a backup or version control (and its anchor, refs/brtops/…, from the remote).",
      details: { release, seq: bad.seq, reason: bad.reason },
    },
  );
}
