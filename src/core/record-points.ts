/**
 * Failures are on record when they happen (issue 11 point 5): after some events the documents
 * they concern are written again, from the log up to that event, instead of waiting for the next
 * gate approval (which a failed release never reaches). Pure: the engine asks `recordPoint` after
 * each append and carries the answer out (engine/record-documents.ts).
 *
 * - an incident opened, guidance given, a remediation note → rollback-procedures.md (the incident
 *   record and remediation plan, spec emergency steps 5–6), and post-deployment-validation.md once
 *   deployment has started;
 * - a rollback completed, an abort → the same, and every document the run already wrote except
 *   the changelog and release notes (they describe the package, not the run), so each says how the
 *   run ended;
 * - a rejected round or a NO-GO → the documents of the rejected gate's phase; at 2.10 the package's
 *   changelog and notes, whose release record lists the rejected round (the package as it was
 *   proposed, "not approved yet");
 * - a scope deviation or a deployment hold → release-readiness-checklist.md (its "Scope
 *   deviations"), and post-deployment-validation.md once deployment has started;
 * - feedback, a response to it, an answer → the documents that show the conversation of the
 *   phase it belongs to (phase 2's: the changelog's release record).
 */
import type { AnyEvent } from "./events.js";
import type { ReleaseState } from "./release-state.js";
import { REMEDIATION_NOTE } from "./remediation.js";
import { documentsForPhase } from "./render/render-documents.js";
import { phaseDef } from "./workflow.js";

export interface RecordPoint {
  /** The last event the documents are rendered up to. */
  upTo: number;
  /** What happened, e.g. "rolled-back", "aborted", "incident", "guidance", "remediation-note", "no-go", "rejected", "deviation", "hold", "feedback", "answer". */
  reason: string;
  /** The documents to write, in the spec's order. */
  names: string[];
}

const PACKAGE_DOCUMENTS = new Set(["changelog.md", "release-notes.md"]);
const ORDER = [
  "release-readiness-checklist.md",
  "deployment-orchestration-plan.md",
  "rollback-procedures.md",
  "system-validation-report.md",
  "post-deployment-validation.md",
  "release-notes.md",
  "changelog.md",
];
const ordered = (names: Iterable<string>): string[] =>
  [...new Set(names)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));

/** The documents that show the feedback and questions of `phase` (render-common's conversationSection; phase 2's in the changelog). */
export function conversationDocuments(phase: number): string[] {
  if (phase === 2) return ["changelog.md"];
  if (phase === 6 || phase === 7) return ["post-deployment-validation.md"];
  return phase >= 3 && phase <= 5 ? [...phaseDef(phase).documents] : [];
}

/** Whether this run's deployment (6.1) ever started: from then on post-deployment-validation.md records the outcome. */
export function deploymentStarted(events: readonly AnyEvent[]): boolean {
  return events.some((e) => e.type === "StepStarted" && e.data.step === "6.1");
}

/** Names of the documents this run has written so far (any phase, any record write). */
export function writtenDocuments(s: ReleaseState): string[] {
  return Object.values(s.documents).flatMap((d) => d.files.map((f) => f.name));
}

/**
 * Which documents to write after `stored` (just appended; `s` and `events` include them), or null.
 * Example: after `RollbackCompleted` at seq 40 → `{upTo: 40, reason: "rolled-back", names: [...]}`.
 */
export function recordPoint(
  s: ReleaseState,
  events: readonly AnyEvent[],
  stored: readonly AnyEvent[],
): RecordPoint | null {
  const last = stored.at(-1);
  if (!last) return null;
  const failure = (): string[] => [
    "rollback-procedures.md",
    ...(deploymentStarted(events) ? ["post-deployment-validation.md"] : []),
  ];
  const ended = stored.find((e) => e.type === "Aborted" || e.type === "RollbackCompleted");
  if (ended) {
    const reason = ended.type === "Aborted" || stored.some((e) => e.type === "Aborted") ? "aborted" : "rolled-back";
    return {
      upTo: last.seq,
      reason,
      names: ordered([...writtenDocuments(s).filter((n) => !PACKAGE_DOCUMENTS.has(n)), ...failure()]),
    };
  }
  const rejected = stored.find((e) => e.type === "GateRejected");
  if (rejected && rejected.type === "GateRejected") {
    // At 2.10 the package's own documents: their release record says the round was rejected.
    const names = documentsForPhase(s.plan, rejected.data.phase)
      .map((d) => d.name)
      .filter((n) => rejected.data.phase === 2 || !PACKAGE_DOCUMENTS.has(n));
    if (names.length === 0) return null;
    return { upTo: last.seq, reason: rejected.data.phase === 5 ? "no-go" : "rejected", names: ordered(names) };
  }
  const note = stored.find((e) => e.type === "Note" && e.data.kind === REMEDIATION_NOTE);
  if (note) return { upTo: last.seq, reason: "remediation-note", names: ordered(failure()) };
  if (stored.some((e) => e.type === "IncidentGuidance"))
    return { upTo: last.seq, reason: "guidance", names: ordered(failure()) };
  if (stored.some((e) => e.type === "IncidentOpened"))
    return { upTo: last.seq, reason: "incident", names: ordered(failure()) };
  const scope = stored.find((e) => e.type === "Note" && (e.data.kind === "hold" || e.data.kind === "deviation"));
  if (scope && scope.type === "Note") {
    const after = deploymentStarted(events) || writtenDocuments(s).includes("post-deployment-validation.md");
    return {
      upTo: last.seq,
      reason: scope.data.kind === "hold" ? "hold" : "deviation",
      names: ordered(["release-readiness-checklist.md", ...(after ? ["post-deployment-validation.md"] : [])]),
    };
  }
  const talk = stored.find(
    (e) => e.type === "FeedbackGiven" || e.type === "FeedbackAddressed" || e.type === "QuestionAnswered",
  );
  if (talk) {
    const phase = conversationPhase(s, talk);
    const names = phase === null ? [] : conversationDocuments(phase);
    return names.length === 0
      ? null
      : { upTo: last.seq, reason: talk.type === "QuestionAnswered" ? "answer" : "feedback", names: ordered(names) };
  }
  return null;
}

/** The phase a piece of feedback, a response or an answer belongs to: the phase it (or its question) was given in. */
function conversationPhase(s: ReleaseState, e: AnyEvent): number | null {
  if (e.type === "FeedbackGiven") return e.data.phase;
  if (e.type === "FeedbackAddressed") return s.feedback.find((f) => f.id === e.data.id)?.phase ?? null;
  if (e.type === "QuestionAnswered") return s.questions.find((q) => q.id === e.data.id)?.phase ?? null;
  return null;
}
