/**
 * The contract between the engine and the step executors. An executor does the work of one
 * spec step (e.g. "2.2 Generate changelog") and returns what it found; the engine records it.
 * Executors with effects on the world wrap each effect in `ctx.effect(...)` so that it is
 * two-phase (StepStarted before, StepSucceeded/StepFailed after — DESIGN rule 4).
 */
import type { Config } from "../config/schema.js";
import type { Actor, AnyDraft, AnyEvent } from "../core/events.js";
import type { StepOutcome } from "../core/step-outcome.js";
import type { Verdict } from "../core/verdict.js";
import type { Redactor } from "../core/redact.js";
import type { ReleaseState } from "../core/release-state.js";
import type { Git } from "../adapters/git.js";
import type { ProcessRunner } from "../adapters/process-runner.js";

export interface EffectOptions {
  /** Safe to run again after a crash interrupted it. */
  idempotent?: boolean;
  /** After a crash: is the effect already in place? true → adopted without running again. */
  check?: () => Promise<boolean>;
  /** Runs when the effect is adopted instead of run, to produce its result. */
  adopt?: () => Promise<Record<string, unknown>>;
}

export interface ProgressEvent {
  kind: "step" | "effect" | "output" | "info" | "health";
  step: string;
  message: string;
  status?: "start" | "ok" | "fail" | "skip";
  /** A finished step's verdict: faces show its mark (core/verdict VERDICT_MARKS) rather than the status's. */
  verdict?: Verdict;
  done?: number;
  total?: number;
}

export interface StepContext {
  root: string;
  config: Config;
  /** State before this step ran (read-only). */
  state: ReleaseState;
  events: readonly AnyEvent[];
  actor: Actor;
  now(): string;
  redact: Redactor;
  /** Absolute path of docs/01_application/6-releases/v{version}/. */
  releaseDir: string;
  git: Git;
  run: ProcessRunner;
  env: Readonly<Record<string, string | undefined>>;
  progress(p: ProgressEvent): void;
  signal: AbortSignal;
  /**
   * Runs one effect as a recorded sub-step `${step}:${id}`. Already succeeded in this pass → its
   * recorded result is returned without running. Throws StepEffectFailed when fn throws.
   */
  effect(
    id: string,
    label: string,
    options: EffectOptions,
    fn: () => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>>;
  /** Appends events now (e.g. progress notes); returns when durable. */
  record(drafts: AnyDraft[]): Promise<void>;
  /** Another run's state (e.g. the run a promotion takes its approved package from); null when unknown. */
  readRun(release: string): Promise<ReleaseState | null>;
  /** Every run in the store, folded (the ledger's input: e.g. the digest the previous version deployed here). Absent outside the engine. */
  readRuns?(): Promise<ReleaseState[]>;
  /** Between sub-steps: true when a PAUSE or ABORT was requested (re-reads the log). */
  shouldStop(): Promise<boolean>;
}

/** What an executor returns, and the rule that records it, live in core (core/step-outcome). */
export type { GateRequest, StepOutcome } from "../core/step-outcome.js";

export type StepExecutor = (ctx: StepContext) => Promise<StepOutcome>;
