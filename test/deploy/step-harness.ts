/**
 * Runs the deployment executors outside the engine, over a real FileStore and the real fold: a
 * StepContext whose `effect` is two-phase as DESIGN rule 4 says (StepStarted before, StepSucceeded
 * or StepFailed after; a recorded success is returned; an interrupted effect is adopted when its
 * check passes, re-run when idempotent, else refused). The end-to-end tests use the engine itself.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { configSchema, type Config } from "../../src/config/schema.js";
import { authorityRecord } from "../../src/core/admit-event.js";
import { BrtopsError } from "../../src/core/errors.js";
import { draft, type Actor, type AnyDraft, type AnyEvent } from "../../src/core/events.js";
import { foldEvents } from "../../src/core/fold.js";
import { createRedactor, secretValuesFrom } from "../../src/core/redact.js";
import type { ReleaseState } from "../../src/core/release-state.js";
import { createGit } from "../../src/adapters/git.js";
import { createProcessRunner } from "../../src/adapters/process-runner.js";
import type { ProgressEvent, StepContext } from "../../src/engine/step-types.js";
import { createBatchAppender, type BatchAppender } from "../../src/deploy/batch-appender.js";
import { FileStore } from "../../src/store/store-file.js";

export interface Harness {
  store: FileStore;
  events(): AnyEvent[];
  state(): ReleaseState;
  ctx(step: string): StepContext;
  record(drafts: AnyDraft[]): Promise<void>;
  progress: ProgressEvent[];
  /** Called after each recorded event (tests react to "6.1:s2 succeeded", …). */
  onEvent: ((e: AnyEvent) => void | Promise<void>) | null;
}

const system: Actor = { id: "brtops", role: "system" };
const now = (): string => new Date().toISOString();

export async function createHarness(o: {
  root: string;
  config: Record<string, unknown>;
  version: string;
  previous: string | null;
  environment: string;
  env?: Record<string, string | undefined>;
  /** The log's name (default: the version); a second harness on the same release replays into another. */
  releaseId?: string;
  /** Events of an earlier log to start from (after ReleaseRequested), as if the process had died there. */
  replay?: readonly AnyEvent[];
}): Promise<Harness> {
  const config: Config = configSchema.parse(o.config);
  const store = new FileStore(o.root);
  const release = o.releaseId ?? o.version;
  const env = o.env ?? process.env;
  const redact = createRedactor(secretValuesFrom(env));
  let events: AnyEvent[] = [];
  let log: BatchAppender = createBatchAppender(store, release, 0);
  const progress: ProgressEvent[] = [];
  const h: Harness = {
    store,
    events: () => events,
    state: () => foldEvents(events)!,
    progress,
    onEvent: null,
    async record(drafts) {
      // Events appended by others (a test playing the HUM LEAD) may be in the log: read them first.
      const fresh = (await store.read(release)).events;
      if (fresh.length !== log.lastSeq()) log = createBatchAppender(store, release, fresh.at(-1)?.seq ?? 0);
      const stored = await log.append(drafts);
      events = (await store.read(release)).events;
      for (const e of stored) await h.onEvent?.(e);
    },
    ctx(step) {
      const state = h.state();
      const ctx: StepContext = {
        root: o.root,
        config,
        state,
        events,
        actor: system,
        now,
        redact,
        releaseDir: join(o.root, config.paths.releases, `v${o.version}`),
        git: createGit(o.root, redact),
        run: createProcessRunner(redact),
        env,
        progress: (p) => void progress.push(p),
        signal: new AbortController().signal,
        async effect(id, label, options, fn) {
          const sub = `${step}:${id}`;
          const rec = h.state().steps[sub];
          if (rec?.status === "succeeded") return rec.result ?? {};
          if (rec?.status === "started") {
            if (options.check && (await options.check())) {
              const result = options.adopt ? await options.adopt() : {};
              await h.record([
                draft("StepSucceeded", now(), system, { step: sub, result: redact.deep(result), adopted: true }),
              ]);
              return result;
            }
            if (!options.idempotent)
              throw new BrtopsError("E_INTERRUPTED", `${sub} was interrupted and cannot be re-run safely.`);
          }
          await h.record([
            draft("StepStarted", now(), system, {
              step: sub,
              attempt: (rec?.attempt ?? 0) + 1,
              label: redact(label),
              effect: true,
            }),
          ]);
          try {
            const result = await fn();
            await h.record([draft("StepSucceeded", now(), system, { step: sub, result: redact.deep(result) })]);
            return result;
          } catch (e) {
            const err =
              e instanceof BrtopsError
                ? { code: e.code, message: redact(e.message) }
                : { code: "E_STEP_FAILED", message: redact(String((e as Error).message ?? e)) };
            await h.record([draft("StepFailed", now(), system, { step: sub, error: err })]);
            throw e;
          }
        },
        record: (drafts) => h.record(drafts),
        async readRun(other: string) {
          return foldEvents((await store.read(other)).events);
        },
        async shouldStop() {
          events = (await store.read(release)).events;
          const s = h.state();
          return s.pauseRequested || s.abortRequested;
        },
      };
      return ctx;
    },
  };
  mkdirSync(join(o.root, config.paths.releases, `v${o.version}`), { recursive: true });
  await h.record([
    draft(
      "ReleaseRequested",
      now(),
      { id: "hum@example.com", role: "hum-lead" },
      // As request-release records it: the fold judges later decisions under this authority config.
      { version: o.version, environment: o.environment, previous: o.previous, authority: authorityRecord(config) },
    ),
  ]);
  const replay = (o.replay ?? [])
    .filter((e) => e.type !== "ReleaseRequested")
    .map((e) => ({ type: e.type, at: e.at, actor: e.actor, data: e.data }) as AnyDraft);
  if (replay.length) await h.record(replay);
  return h;
}

/** Records a step's outcome as the engine would: its result under the main step id. */
export async function finishStep(
  h: Harness,
  step: string,
  outcome: { result?: Record<string, unknown>; failure?: { code: string; message: string }; skipped?: string },
): Promise<void> {
  await h.record([draft("StepStarted", now(), system, { step, attempt: 1 })]);
  if (outcome.skipped) await h.record([draft("StepSkipped", now(), system, { step, reason: outcome.skipped })]);
  else if (outcome.failure)
    await h.record([
      draft("StepFailed", now(), system, {
        step,
        error: outcome.failure,
        ...(outcome.result ? { result: outcome.result } : {}),
      }),
    ]);
  else
    await h.record([
      draft("StepSucceeded", now(), system, { step, ...(outcome.result ? { result: outcome.result } : {}) }),
    ]);
}
