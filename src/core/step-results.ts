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

/** 2.3: the scope against the previous release. */
export interface ScopeResult extends StepResult {
  commits?: number;
  files?: number;
  byCategory?: Record<string, { files: number; [key: string]: unknown }>;
  features?: unknown[];
}

/** 4.3: the orchestration plan with each step's expected duration. */
export interface OrchestrationResult extends StepResult {
  steps?: { name: string; expectedMs: number | null }[];
}

/** 6.1: the deployment. */
export interface DeploymentResult extends StepResult {
  environment?: string;
  commit?: string | null;
  completed?: string[];
  failed?: { step: string; code?: string; message: string }[];
  durationMs?: number;
  healthDuring?: { check: string; status: string; samples?: number; failures: number; lastDetail?: string }[];
}

/** 6.2: health monitoring after the deployment. */
export interface MonitorResult extends StepResult {
  checks?: { check: string; status: string; failures: number; samples: number; p95Ms: number | null }[];
}

/** 6.8: the GitHub release. */
export interface GitHubReleaseResult extends StepResult {
  url?: string;
  tag?: string;
}

/** A tag effect (6.8:tag, 6.10:tag): the commit it points at. */
export interface TagResult extends StepResult {
  commit?: string;
  action?: string;
}

/** Step id → the shape of what it records. Steps read back only for display record the common fields. */
export interface StepResults {
  "1.2": FeaturesResult;
  "2.1": VersioningResult;
  "2.2": StepResult & { changelog?: unknown; releaseNotes?: unknown; scopes?: string[] };
  "2.3": ScopeResult;
  "3.4": StepResult;
  "4.1": StepResult;
  "4.2": StepResult;
  "4.4": StepResult;
  "5.2": StepResult;
  "6.3": StepResult;
  "6.4": StepResult;
  "2.4": ArtifactsResult;
  "4.3": OrchestrationResult;
  "6.1": DeploymentResult;
  "6.2": MonitorResult;
  "6.8": GitHubReleaseResult;
  "6.8:tag": TagResult;
  "6.10:tag": TagResult;
  "6.10:push": TagResult;
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
export function stepResult<K extends keyof StepResults>(
  s: Pick<ReleaseState, "steps">,
  id: K,
): StepResults[K] | undefined {
  // The log holds what the executor of `id` returned, whose type is StepResults[id].
  return s.steps[id]?.result as StepResults[K] | undefined;
}
