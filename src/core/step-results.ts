/**
 * What the steps record, typed per step. A result is JSON in the log; the fields every result may
 * carry are named here (`summary`, `findings`, and the facts the verdict rule reads), and the
 * steps whose results later steps, reports and documents read back have their own shape in
 * `StepResults`. Read them with `stepResult(state, "5.1")`, never by indexing `steps[id].result`.
 */
import type { Finding } from "./events.js";
import type { ReleaseState } from "./release-state.js";

/** The fields any step's result may carry. */
export interface StepResult {
  summary?: string;
  findings?: Finding[];
  /** Nothing is configured for this check: nothing was checked (not a pass). */
  notConfigured?: boolean;
  /** The check does not apply to this release (a first deployment, a step outside the plan). */
  notApplicable?: boolean;
  [key: string]: unknown;
}

/** One check that ran: a health, performance, smoke or business check. */
export interface CheckRow {
  name: string;
  ok: boolean;
  detail: string;
  [key: string]: unknown;
}

/** 1.2: the feature report (bounded), with readiness and gate tallies. */
export interface FeaturesResult extends StepResult {
  features: unknown[];
  readiness: string;
  recommendation: string;
  gates: Record<"critical" | "standard" | "advisory", { passed: number; total: number }>;
}

/** 2.1: the version analysis; `history.head` is the commit phase 2 describes. */
export interface VersioningResult extends StepResult {
  version: string;
  previous: string | null;
  history: { head?: string; [key: string]: unknown };
}

/** 2.4: the package. */
export interface ArtifactsResult extends StepResult {
  ok?: boolean;
  builds?: unknown[];
  artifacts?: unknown[];
  manifest?: string | null;
}

/** 3.1–3.3: one kind of system test. */
export interface TestStepResult extends StepResult {
  kind: string;
  commands: number;
  passed: number;
  failed: number;
  tests: number;
  testsFailed: number;
}

/** 5.1: the final health verification. `passed` is null when it does not apply or nothing is configured. */
export interface HealthResult extends StepResult {
  passed: boolean | null;
  checks: CheckRow[];
  firstDeployment?: boolean;
}

/** 5.3: the risk profile and the feature readiness the checklist uses. */
export interface RisksResult extends StepResult {
  profile: unknown;
  features: unknown;
}

/** 5.4: the production readiness checklist. */
export interface ChecklistResult extends StepResult {
  recommendation: string;
  checklist: unknown;
}

/** 7.1–7.4: post-deployment validation checks. */
export interface ValidationResult extends StepResult {
  passed?: number;
  failed?: number;
  checks: CheckRow[];
}

/** 7.10's look at the environment before certification: health again, and the running version. */
export interface RecheckResult extends StepResult {
  health: { checked: number; failed: string[] };
  version: { expected: string; running: string | null; source: string | null; detail: string } | null;
}

/** Step id → the shape of what it records. */
export interface StepResults {
  "1.2": FeaturesResult;
  "2.1": VersioningResult;
  "2.4": ArtifactsResult;
  "3.1": TestStepResult;
  "3.2": TestStepResult;
  "3.3": TestStepResult;
  "5.1": HealthResult;
  "5.3": RisksResult;
  "5.4": ChecklistResult;
  "7.1": ValidationResult;
  "7.2": ValidationResult;
  "7.3": ValidationResult;
  "7.4": ValidationResult;
  "7.10:environment": RecheckResult;
}

/** The result a step recorded in the current pass, typed by its id (undefined before it ran). */
export function stepResult<K extends keyof StepResults>(s: Pick<ReleaseState, "steps">, id: K): StepResults[K] | undefined {
  // The log holds what the executor of `id` returned, whose type is StepResults[id].
  return s.steps[id]?.result as StepResults[K] | undefined;
}
