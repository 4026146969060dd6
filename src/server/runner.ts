/**
 * The server's runner: it carries out what people decide in the browser or over the API, exactly
 * as `brtops run` would — the same engine (runRelease), so the same file lock or step leases and
 * two-phase effects; one or more servers and CLI runners can share a store.
 *
 * It wakes on facts, never on a timer alone: a decision appended through this server wakes it at
 * once (`wake`), appends by other processes arrive through the store's watch (the file store's
 * file watcher, PostgreSQL's LISTEN/NOTIFY), and a modest poll catches what a watcher can miss.
 * On each wake it folds the release and acts only when core's nextAction says an automated action
 * is next (a step to run or recover, a rollback, an abort to finish, an incident to open);
 * a gate, an incident or a pause waits for a person.
 *
 * Errors are never swallowed: each is kept in the runner's status (GET /api/runner), reported to
 * `onError`, and the release is tried again after a back-off or when its log moves. Closing lets
 * the step in hand finish, then gives up leases and locks (runRelease's own clean-up).
 */
import { hostname } from "node:os";
import { isBrtopsError } from "../core/errors.js";
import type { Actor } from "../core/events.js";
import { isTerminal } from "../core/fold.js";
import { nextAction, type NextAction } from "../core/next-action.js";
import type { Project } from "../engine/project.js";
import { ReleaseSession } from "../engine/release-session.js";
import { runRelease, type RunOutcome } from "../engine/run-release.js";
import type { ProgressEvent } from "../engine/step-types.js";

/** Who the server's runner acts as in the log: brtops itself, as for its other automatic decisions. */
export const RUNNER_ACTOR: Actor = { id: "brtops", role: "system" };

/** idle: nothing automated is next; running: a run is in hand; busy: another process runs it; error: the last try failed. */
export type RunnerReleaseState = "idle" | "running" | "busy" | "error" | "finished";

export interface RunnerError {
  release: string;
  code: string;
  message: string;
  hint: string | null;
  at: string;
}

export interface RunnerReleaseStatus {
  release: string;
  state: RunnerReleaseState;
  since: string;
  /** The step and message the run last reported (e.g. "waiting: … is running this step"). */
  step: string | null;
  message: string | null;
  /** Why the last run stopped (awaiting a person, done, failed into an incident, stopped between steps). */
  stopped: RunOutcome["stopped"] | null;
  error: RunnerError | null;
  /** Runs this server started for the release. */
  runs: number;
}

/** The object of GET /api/runner. */
export interface RunnerStatus {
  enabled: boolean;
  actor: string;
  host: string;
  pid: number;
  /** How appends by other processes reach it: the store's notifications (and a slow poll), or the poll alone. */
  watching: "store" | "poll";
  pollMs: number;
  stopping: boolean;
  releases: RunnerReleaseStatus[];
  /** The latest errors, oldest first (at most 50). */
  errors: RunnerError[];
}

export interface ServerRunnerOptions {
  /** How often the store is checked for changes a watcher may have missed (ms; default 5000 with a watcher, else 1000). */
  pollMs?: number;
  /** Told of every error the runner meets (it is also kept in the status). */
  onError?: (e: RunnerError) => void;
  /** Told of each run started and stopped, and of the run's progress. */
  onProgress?: (release: string, p: ProgressEvent) => void;
  /**
   * How long a release another process just requested is left to that process (ms, default 10000):
   * `brtops release` records the request and then runs it; taking it first would leave the person
   * who typed it with "another runner is advancing it" (10 s: a loaded machine is slow to start that run).
   */
  requestGraceMs?: number;
}

interface Track {
  release: string;
  session: ReleaseSession | null;
  /** The log position last judged. */
  seenSeq: number;
  active: Promise<void> | null;
  again: boolean;
  /** A busy or failed release is looked at again by the poll from this time (ms). */
  retryAt: number;
  failures: number;
  /** Requested through this server (POST /api/releases): no grace for another process's runner. */
  own: boolean;
  status: RunnerReleaseStatus;
}

const MAX_ERRORS = 50;
const MAX_BACKOFF_MS = 300_000;

/** An action the runner carries out itself; the others wait for a person or are the end. */
export function isAutomated(a: NextAction): boolean {
  return a.type !== "done" && a.type !== "await";
}

export class ServerRunner {
  private readonly tracks = new Map<string, Track>();
  private readonly errors: RunnerError[] = [];
  private readonly pollMs: number;
  private readonly graceMs: number;
  private readonly watching: "store" | "poll";
  private unwatch: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private scanAgain = false;
  private stopping = false;
  private readonly listeners = new Set<(release: string, p: ProgressEvent) => void>();

  constructor(
    private readonly project: Project,
    private readonly options: ServerRunnerOptions = {},
  ) {
    this.watching = project.store.watch ? "store" : "poll";
    this.pollMs = options.pollMs ?? (this.watching === "store" ? 5000 : 1000);
    this.graceMs = options.requestGraceMs ?? 10_000;
  }

  /** Starts watching the store and looks at every release once. */
  start(): void {
    if (this.timer || this.stopping) return;
    this.unwatch = this.project.store.watch?.((release) => this.wake(release)) ?? null;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /**
   * Looks at `release` (a run id as the store names it) now, or at every release whose log moved
   * when none is named. Returns at once; the run, if any, goes on in the background.
   */
  wake(release?: string): void {
    if (this.stopping) return;
    if (release) this.consider(release);
    else void this.scan();
  }

  /**
   * Hears every progress event of the runs (steps started and finished, effects, a step's output
   * lines, health probes — messages redacted), e.g. to stream a deployment's output to a page.
   * Returns the unsubscribe function.
   */
  onProgress(listener: (release: string, p: ProgressEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(release: string, p: ProgressEvent): void {
    this.options.onProgress?.(release, p);
    for (const l of this.listeners) {
      try {
        l(release, p);
      } catch (e) {
        this.recordError(release, e);
      }
    }
  }

  /** A release this server just requested (POST /api/releases): run it now. */
  requested(release: string): void {
    this.track(release).own = true;
    this.wake(release);
  }

  /** Resolves once every run in hand is over (tests and shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const active = [...this.tracks.values()].map((t) => t.active).filter((p): p is Promise<void> => p !== null);
      if (this.scanning) active.push(this.scanning);
      if (active.length === 0) return;
      await Promise.all(active);
    }
  }

  /** The releases a run is in hand for, with the step it is on (for a shutdown message). */
  inHand(): { release: string; step: string | null }[] {
    return [...this.tracks.values()]
      .filter((t) => t.active && t.status.state === "running")
      .map((t) => ({ release: t.release, step: t.status.step }));
  }

  /**
   * Stops taking work; runs in hand stop between two steps (the step in hand finishes and is
   * recorded), and runRelease gives up their leases and locks. Resolves when they have.
   */
  async close(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unwatch?.();
    this.unwatch = null;
    await this.settled();
  }

  status(): RunnerStatus {
    return {
      enabled: true,
      actor: RUNNER_ACTOR.id,
      host: hostname(),
      pid: process.pid,
      watching: this.watching,
      pollMs: this.pollMs,
      stopping: this.stopping,
      releases: [...this.tracks.values()].map((t) => ({ ...t.status })),
      errors: [...this.errors],
    };
  }

  /** One release's status (null when the runner has not looked at it). */
  releaseStatus(release: string): RunnerReleaseStatus | null {
    const t = this.tracks.get(release);
    return t ? { ...t.status } : null;
  }

  /** Lists the store and looks at each release whose log moved, or whose retry time came. Coalesced. */
  private scan(): Promise<void> {
    if (this.scanning) {
      this.scanAgain = true;
      return this.scanning;
    }
    const run = (async () => {
      do {
        this.scanAgain = false;
        try {
          const now = Date.now();
          for (const ref of await this.project.store.list()) {
            const t = this.tracks.get(ref.release);
            if (!t || ref.lastSeq !== t.seenSeq || (t.retryAt > 0 && now >= t.retryAt)) this.consider(ref.release);
          }
        } catch (e) {
          this.recordError("*", e);
        }
      } while (this.scanAgain && !this.stopping);
    })().finally(() => {
      this.scanning = null;
    });
    this.scanning = run;
    return run;
  }

  private track(release: string): Track {
    let t = this.tracks.get(release);
    if (!t) {
      t = {
        release,
        session: null,
        seenSeq: -1,
        active: null,
        again: false,
        retryAt: 0,
        failures: 0,
        own: false,
        status: {
          release,
          state: "idle",
          since: new Date().toISOString(),
          step: null,
          message: null,
          stopped: null,
          error: null,
          runs: 0,
        },
      };
      this.tracks.set(release, t);
    }
    return t;
  }

  /** One look at a time per release: a wake during a run is looked at again once it ends. */
  private consider(release: string): void {
    if (this.stopping) return;
    const t = this.track(release);
    if (t.active) {
      t.again = true;
      return;
    }
    t.active = (async () => {
      do {
        t.again = false;
        await this.checkAndRun(t);
      } while (t.again && !this.stopping);
    })().finally(() => {
      t.active = null;
    });
  }

  private setState(t: Track, state: RunnerReleaseState, patch: Partial<RunnerReleaseStatus> = {}): void {
    const since = t.status.state === state ? t.status.since : new Date().toISOString();
    t.status = { ...t.status, ...patch, state, since };
  }

  /** Folds the release; runs it when an automated action is next. Every error is recorded here. */
  private async checkAndRun(t: Track): Promise<void> {
    const { project } = this;
    try {
      if (t.session) await t.session.refresh();
      else t.session = await ReleaseSession.open(project.store, t.release);
      if (!t.session.exists) return; // being created: its first append wakes us again
      t.seenSeq = t.session.lastSeq;
      const s = t.session.state;
      if (isTerminal(s)) {
        // Nothing more will happen to it: its folded log is not kept in memory.
        t.session = null;
        t.retryAt = 0;
        this.setState(t, "finished", { step: null, message: null, error: null });
        return;
      }
      if (!isAutomated(nextAction(s))) {
        t.retryAt = 0;
        this.setState(t, "idle"); // a last error stays in `error` until a run succeeds
        return;
      }
      if (this.stopping) return;
      // Only the request is there, made by another process moments ago: its own runner is about to start.
      const last = t.session.events.at(-1)!;
      // (Bounded by the grace itself: another machine's clock ahead of ours never holds it longer.)
      const graceEnds = Math.min(Date.parse(last.at), Date.now()) + this.graceMs;
      if (!t.own && t.session.lastSeq === 1 && Date.now() < graceEnds) {
        t.retryAt = graceEnds;
        this.setState(t, "idle", { message: "requested by another process: left to its runner for a moment" });
        return;
      }
      this.setState(t, "running", { runs: t.status.runs + 1, error: null, stopped: null });
      this.tell(t.release, { kind: "info", step: s.step, message: "run started", status: "start" });
      const outcome = await runRelease(project, t.session, RUNNER_ACTOR, {
        progress: (p) => {
          const shown = { ...p, message: project.redact(p.message) };
          t.status = { ...t.status, step: p.step, message: shown.message };
          this.tell(t.release, shown);
        },
        stopRequested: () => this.stopping,
      });
      t.seenSeq = t.session.lastSeq;
      t.failures = 0;
      t.retryAt = 0;
      this.setState(t, "idle", { stopped: outcome.stopped });
      this.tell(t.release, {
        kind: "info",
        step: t.session.state.step,
        message: `run stopped: ${outcome.stopped}`,
        status: "ok",
      });
    } catch (e) {
      if (isBrtopsError(e) && e.code === "E_LOCKED") {
        // Another process (`brtops run`, another server on this folder) is advancing it: not an error.
        // (runRelease refused before using the session: it stays, read on from where it is.)
        t.retryAt = Date.now() + this.pollMs;
        this.setState(t, "busy", { message: project.redact(e.message) });
        return;
      }
      // A session that met an error (a conflict it could not resolve, a log that fails verification)
      // is read again from the start next time.
      t.session = null;
      t.failures += 1;
      t.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** t.failures);
      const err = this.recordError(t.release, e);
      this.setState(t, "error", { error: err });
    }
  }

  private recordError(release: string, e: unknown): RunnerError {
    const redact = this.project.redact;
    const err: RunnerError = isBrtopsError(e)
      ? { release, code: String(e.code), message: redact(e.message), hint: e.hint ? redact(e.hint) : null, at: "" }
      : {
          release,
          code: "E_INTERNAL",
          message: redact(e instanceof Error ? e.message : String(e)),
          hint: "See the server's log.",
          at: "",
        };
    err.at = new Date().toISOString();
    this.errors.push(err);
    if (this.errors.length > MAX_ERRORS) this.errors.splice(0, this.errors.length - MAX_ERRORS);
    if (this.options.onError) this.options.onError(err);
    else console.error(`brtops runner: ${release}: ${err.code}: ${err.message}`);
    if (!isBrtopsError(e) && e instanceof Error && e.stack) console.error(redact(e.stack));
    return err;
  }
}

/** A runner for the project's store, started. Example: `const runner = startServerRunner(project); … await runner.close()`. */
export function startServerRunner(project: Project, options: ServerRunnerOptions = {}): ServerRunner {
  const r = new ServerRunner(project, options);
  r.start();
  return r;
}
