/**
 * Builds the StepContext an executor runs with. `effect` makes each world-touching action
 * two-phase (DESIGN rule 4); appends are group-committed in order, so parallel effects (a deployment
 * DAG) are safe and cost a few fsyncs per wave rather than two per step.
 */
import { BrtopsError } from "../core/errors.js";
import type { Actor, AnyDraft } from "../core/events.js";
import { mainStep } from "../core/fold.js";
import { createGit } from "../adapters/git.js";
import { createProcessRunner } from "../adapters/process-runner.js";
import { createGroupCommit } from "./group-commit.js";
import type { Project } from "./project.js";
import { ReleaseSession } from "./release-session.js";
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
    run: createProcessRunner(project.redact),
    env: project.env,
    progress: o.progress,
    signal: o.signal,
    record: append,
    async readRun(release: string) {
      const other = await ReleaseSession.open(project.store, release);
      return other.exists ? other.state : null;
    },
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
      if (rec && rec.status === "started") {
        // A crash interrupted this effect: adopt it if it is in place, re-run it only if that is safe.
        if (options.check && (await options.check())) {
          const result = options.adopt ? await options.adopt() : {};
          await append([{ type: "StepSucceeded", at: now(), actor, data: { step, result, adopted: true } }]);
          o.progress({ kind: "effect", step, message: `${label}: already in place, adopted`, status: "ok" });
          return result;
        }
        if (!options.idempotent) throw new InterruptedEffect(step);
      }
      const attempt = (rec?.attempt ?? 0) + 1;
      await append([{ type: "StepStarted", at: now(), actor, data: { step, attempt, label, effect: true } }]);
      o.progress({ kind: "effect", step, message: label, status: "start" });
      try {
        const result = await fn();
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
