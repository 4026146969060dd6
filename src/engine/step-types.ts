/**
 * The contract between the engine and the step executors. An executor does the work of one
 * spec step (e.g. "2.2 Generate changelog") and returns what it found; the engine records it.
 * Executors with effects on the world wrap each effect in `ctx.effect(...)` so that it is
 * two-phase (StepStarted before, StepSucceeded/StepFailed after — DESIGN rule 4).
 */
import type { Config } from "../config/schema.js";
import type { Actor, AnyDraft, AnyEvent, Finding, GateKind } from "../core/events.js";
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
  effect(id: string, label: string, options: EffectOptions, fn: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>>;
  /** Appends events now (e.g. progress notes); returns when durable. */
  record(drafts: AnyDraft[]): Promise<void>;
  /** Another run's state (e.g. the run a promotion takes its approved package from); null when unknown. */
  readRun(release: string): Promise<ReleaseState | null>;
  /** Between sub-steps: true when a PAUSE or ABORT was requested (re-reads the log). */
  shouldStop(): Promise<boolean>;
}

export interface GateRequest {
  kind: GateKind;
  title: string;
  report: string;
  findings: Finding[];
  /** Where the release goes on approval; default: the step after this one. */
  onApprove?: string;
}

export interface StepOutcome {
  /** What the step found, recorded in StepSucceeded.result (keep it JSON and bounded). */
  result?: Record<string, unknown>;
  /** Findings the HUM LEAD must see at the phase's gate (collected into the gate report). */
  findings?: Finding[];
  /** Further events to record with the step's success (e.g. SevAssessed). */
  events?: AnyDraft[];
  /** Stop for a person after this step (a readiness gate, a deviation gate). */
  gate?: GateRequest;
  /** The step failed: recorded as StepFailed, then an incident or automatic rollback. */
  failure?: { code: string; message: string };
  /** The step does not apply (e.g. 6.8 for a non-GitHub target). */
  skipped?: string;
  /** The step was interrupted by a pause between its effects; it resumes on the next run. */
  paused?: boolean;
}

export type StepExecutor = (ctx: StepContext) => Promise<StepOutcome>;
