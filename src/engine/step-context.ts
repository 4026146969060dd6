/**
 * Builds the StepContext an executor runs with. `effect` makes each world-touching action
 * two-phase (DESIGN rule 4); appends are group-committed in order, so parallel effects (a deployment
 * DAG) are safe and cost a few fsyncs per wave rather than two per step.
 */
import { BrtopsError } from "../core/errors.js";
import type { Actor, AnyDraft, AnyEvent } from "../core/events.js";
import { mainStep } from "../core/fold.js";
import { createGit } from "../adapters/git.js";
import { AsyncLocalStorage } from "node:async_hooks";
import { createProcessRunner, type ProcessRunner } from "../adapters/process-runner.js";
import { effectProcessNote, waitForProcesses } from "./effect-processes.js";
import { createGroupCommit } from "./group-commit.js";
import type { Project } from "./project.js";
import { ReleaseSession } from "./release-session.js";
import { readRuns } from "./read-runs.js";
import type { EffectOptions, ProgressEvent, StepContext } from "./step-types.js";

/** Thrown by `effect` when a crash interrupted an effect that can be neither checked nor re-run. */
export class InterruptedEffect extends Error {
  constructor(readonly step: string) {
    super(`step ${step} was interrupted while it ran and cannot be safely repeated`);
  }
}

/** Thrown by `effect` when the effect failed (its StepFailed is already recorded). */
export class EffectFailed extends Error {
  constructor(
    readonly step: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ContextOptions {
  project: Project;
  session: ReleaseSession;
  actor: Actor;
  step: string;
  progress: (p: ProgressEvent) => void;
  signal: AbortSignal;
}

/** True when a HUM LEAD chose `guide retry` after this sub-step last started. */
function retriedByGuidance(events: readonly AnyEvent[], step: string): boolean {
  let started = -1;
  for (let i = events.length - 1; i >= 0 && started < 0; i--) {
    const e = events[i]!;
    if (e.type === "StepStarted" && e.data.step === step) started = i;
  }
  if (started < 0) return false;
  return events.slice(started + 1).some((e) => e.type === "IncidentGuidance" && e.data.choice === "retry");
}

// The sub-step an effect's `fn` runs for: the programs it starts are recorded under it.
const effectScope = new AsyncLocalStorage<string>();

export function createStepContext(o: ContextOptions): StepContext {
  const { project, session, actor } = o;
  const main = mainStep(o.step);
  // Parallel effects (a deployment DAG) share batches: one lock and one fsync per wave.
  const log = createGroupCommit((drafts) => session.appendFact(drafts.map((d) => project.redact.deep(d))));
  const append = async (drafts: AnyDraft[]): Promise<void> => {
    await log.append(drafts);
  };
  const settled = (): Promise<void> => log.settled();
  const now = project.now;
  const runner = createProcessRunner(project.redact);
  // Every program an effect starts is recorded (pid, start time, group): if this runner dies, the
  // next one finds it still running and waits for it instead of deciding too early.
  const run: ProcessRunner = (argv, options) => {
    const step = effectScope.getStore();
    if (!step) return runner(argv, options);
    return runner(argv, {
      ...options,
      onSpawn: (p) => void append([effectProcessNote({ step, ...p }, now(), actor)]).catch(() => undefined),
    });
  };
  // Before a recovering or retried effect decides: its recorded children still running are awaited.
  const awaitChildren = async (step: string, label: string): Promise<void> => {
    const done = await waitForProcesses(session.events, step, {
      signal: o.signal,
      onWait: (p) =>
        o.progress({
          kind: "effect",
          step,
          message: `${label}: waiting for process ${p.pid} (${p.argv0}), started before the interruption, to finish`,
          status: "start",
        }),
      stopRequested: async () => {
        await session.refresh();
        return session.state.abortRequested || session.state.rollbackRequested;
      },
    });
    if (!done) throw new InterruptedEffect(step);
  };
  const ctx: StepContext = {
    root: project.root,
    config: project.config,
    get state() {
      return session.state;
    },
    get events() {
      return session.events;
    },
    actor,
    now,
    redact: project.redact,
    releaseDir: project.releaseDir(session.state.version),
    git: createGit(project.root, project.redact),
    run,
    env: project.env,
    progress: o.progress,
    signal: o.signal,
    record: append,
    async readRun(release: string) {
      const other = await ReleaseSession.open(project.store, release);
      return other.exists ? other.state : null;
    },
    readRuns: () => readRuns(project.store),
    async shouldStop() {
      await settled();
      await session.refresh();
      const s = session.state;
      return s.pauseRequested || s.abortRequested || s.rollbackRequested || s.onHold;
    },
    async effect(id: string, label: string, options: EffectOptions, fn: () => Promise<Record<string, unknown>>) {
      const step = `${main}:${id}`;
      await settled();
      const rec = session.state.steps[step];
      if (rec && (rec.status === "succeeded" || rec.status === "skipped")) return rec.result ?? {};
      // Ran before and did not succeed: interrupted (still "started"), failed, or retried by a HUM
      // LEAD (the fold forgets the failed attempt, the log keeps its StepStarted).
      const interrupted = rec?.status === "started";
      const retried = !interrupted && (rec?.status === "failed" || retriedByGuidance(session.events, step));
      if (interrupted || retried) {
        // Its programs may still run (their own process groups outlive a killed runner): wait for
        // them, then adopt the effect if it is in place; re-run an interrupted one only if that is safe.
        await awaitChildren(step, label);
        if (options.check && (await options.check())) {
          const result = options.adopt ? await options.adopt() : {};
          await append([{ type: "StepSucceeded", at: now(), actor, data: { step, result, adopted: true } }]);
          o.progress({ kind: "effect", step, message: `${label}: already in place, adopted`, status: "ok" });
          return result;
        }
        if (interrupted && !options.idempotent) throw new InterruptedEffect(step);
      }
      const attempt = (rec?.attempt ?? 0) + 1;
      await append([{ type: "StepStarted", at: now(), actor, data: { step, attempt, label, effect: true } }]);
      o.progress({ kind: "effect", step, message: label, status: "start" });
      try {
        const result = await effectScope.run(step, fn);
        await append([{ type: "StepSucceeded", at: now(), actor, data: { step, result } }]);
        o.progress({ kind: "effect", step, message: label, status: "ok" });
        return result;
      } catch (e) {
        const code = e instanceof BrtopsError ? String(e.code) : "E_STEP_FAILED";
        const message = project.redact(e instanceof Error ? e.message : String(e));
        await append([{ type: "StepFailed", at: now(), actor, data: { step, error: { code, message } } }]);
        o.progress({ kind: "effect", step, message: `${label}: ${message}`, status: "fail" });
        throw new EffectFailed(step, code, message);
      }
    },
  };
  return ctx;
}
