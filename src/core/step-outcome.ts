/**
 * The rule that turns what a step executor returned into the events the engine records, with the
 * step's verdict. Pure: the engine runs the executor, calls `outcomeDrafts`, and appends what it
 * returns. Example: `stepVerdict({result: {summary: "1 of 1 health check(s) failing", passed: false}})` → "fail".
 */
import type { Actor, AnyDraft, Finding, GateKind, Sev } from "./events.js";
import type { StepResult } from "./step-results.js";
import { Verdicts, type Verdict } from "./verdict.js";
import { approvalsRequired } from "./workflow.js";

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
  result?: StepResult;
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

const num = (v: unknown): number => (typeof v === "number" ? v : 0);

/**
 * The verdict of a recorded result. The executors report facts (`passed`, `failed`, `ok`,
 * `notConfigured`, `notApplicable`, findings, a recommendation); this decides what they mean.
 * Checked in order: not applicable, not configured, then the worst of fail / warn, else pass.
 */
export function resultVerdict(result: StepResult | undefined, findings: readonly Finding[] = []): Verdict {
  const r = result ?? {};
  if (r.notApplicable === true) return Verdicts.notApplicable;
  if (r.notConfigured === true) return Verdicts.notConfigured;
  const all = [...findings, ...(Array.isArray(r.findings) ? r.findings : [])];
  const failed =
    all.some((f) => f.severity === "critical") ||
    r.passed === false ||
    r.ok === false ||
    r.healthy === false ||
    num(r.failed) > 0 ||
    (Array.isArray(r.rejected) && r.rejected.length > 0) ||
    r.recommendation === "NO_GO" ||
    r.readiness === "NOT_READY";
  if (failed) return Verdicts.fail;
  const warned =
    all.some((f) => f.severity === "warning") ||
    r.recommendation === "CONDITIONAL_GO" ||
    r.readiness === "CONDITIONAL" ||
    r.readiness === "NO_FEATURES" ||
    r.complete === false ||
    num(r.notConfiguredChecks) > 0 ||
    num((r.profile as { unmitigatedHigh?: unknown } | undefined)?.unmitigatedHigh) > 0;
  return warned ? Verdicts.warn : Verdicts.pass;
}

/** The verdict of an executor's outcome. A failure fails; a skipped step is skipped; else its result decides. */
export function stepVerdict(o: StepOutcome): Verdict {
  if (o.failure) return Verdicts.fail;
  if (o.skipped !== undefined) return Verdicts.skipped;
  return resultVerdict(o.result, o.findings ?? []);
}

export interface OutcomeInput {
  step: string;
  phase: number;
  title: string;
  outcome: StepOutcome;
  at: string;
  actor: Actor;
  sev: Sev | null;
  /** Where a finishing readiness gate sends the release (the step after this one). */
  next: string | null;
}

export interface OutcomeDecision {
  drafts: AnyDraft[];
  /** "failed": the engine opens an incident next; "stopped": nothing recorded (a pause); "ok" otherwise. */
  status: "ok" | "failed" | "stopped";
  verdict: Verdict | null;
  /** What the runner shows. */
  message: string;
}

/** The events one executor outcome becomes, and what to show. Pure. */
export function outcomeDrafts(i: OutcomeInput): OutcomeDecision {
  const { step, outcome: o, at, actor } = i;
  const extra = o.events ?? [];
  if (o.paused) return { drafts: [], status: "stopped", verdict: null, message: "paused between sub-steps" };
  const verdict = stepVerdict(o);
  if (o.failure) {
    return {
      drafts: [
        {
          type: "StepFailed",
          at,
          actor,
          data: { step, error: o.failure, verdict, ...(o.result ? { result: o.result } : {}) },
        },
        ...extra,
      ],
      status: "failed",
      verdict,
      message: o.failure.message,
    };
  }
  if (o.skipped !== undefined) {
    return {
      drafts: [{ type: "StepSkipped", at, actor, data: { step, reason: o.skipped, verdict } }, ...extra],
      status: "ok",
      verdict,
      message: `skipped: ${o.skipped}`,
    };
  }
  const result: StepResult = {
    ...(o.result ?? {}),
    ...(o.findings && !o.result?.findings ? { findings: o.findings } : {}),
  };
  const summary = typeof result.summary === "string" ? result.summary : "";
  if (o.gate) {
    // The step stops for a person (a readiness or deviation gate, a confirmation); it is not
    // finished yet unless the gate is about what it found.
    const g = o.gate;
    const finishes = g.kind === "readiness";
    const drafts: AnyDraft[] = finishes ? [{ type: "StepSucceeded", at, actor, data: { step, result, verdict } }] : [];
    drafts.push(...extra, {
      type: "GateOpened",
      at,
      actor,
      data: {
        phase: i.phase,
        step,
        kind: g.kind,
        title: g.title,
        report: g.report,
        findings: g.findings,
        requiredApprovals: approvalsRequired(i.sev),
        onApprove: g.onApprove ?? (finishes ? (i.next ?? step) : step),
      },
    });
    return { drafts, status: "ok", verdict: finishes ? verdict : null, message: `waiting for a HUM LEAD: ${g.title}` };
  }
  return {
    drafts: [{ type: "StepSucceeded", at, actor, data: { step, result, verdict } }, ...extra],
    status: "ok",
    verdict,
    message: summary ? `${i.title} — ${summary}` : i.title,
  };
}
