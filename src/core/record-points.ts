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
 * - a rejected round or a NO-GO → the documents of the rejected gate's phase (phase 2's are the
 *   package's changelog and notes: none).
 */
import type { AnyEvent } from "./events.js";
import type { ReleaseState } from "./release-state.js";
import { REMEDIATION_NOTE } from "./remediation.js";
import { documentsForPhase } from "./render/render-documents.js";

export interface RecordPoint {
  /** The last event the documents are rendered up to. */
  upTo: number;
  /** What happened, e.g. "rolled-back", "aborted", "incident", "guidance", "remediation-note", "no-go", "rejected". */
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
const ordered = (names: Iterable<string>): string[] => [...new Set(names)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));

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
export function recordPoint(s: ReleaseState, events: readonly AnyEvent[], stored: readonly AnyEvent[]): RecordPoint | null {
  const last = stored.at(-1);
  if (!last) return null;
  const failure = (): string[] => ["rollback-procedures.md", ...(deploymentStarted(events) ? ["post-deployment-validation.md"] : [])];
  const ended = stored.find((e) => e.type === "Aborted" || e.type === "RollbackCompleted");
  if (ended) {
    const reason = ended.type === "Aborted" || stored.some((e) => e.type === "Aborted") ? "aborted" : "rolled-back";
    return { upTo: last.seq, reason, names: ordered([...writtenDocuments(s).filter((n) => !PACKAGE_DOCUMENTS.has(n)), ...failure()]) };
  }
  const rejected = stored.find((e) => e.type === "GateRejected");
  if (rejected && rejected.type === "GateRejected") {
    const names = documentsForPhase(s.plan, rejected.data.phase)
      .map((d) => d.name)
      .filter((n) => !PACKAGE_DOCUMENTS.has(n));
    if (names.length === 0) return null;
    return { upTo: last.seq, reason: rejected.data.phase === 5 ? "no-go" : "rejected", names: ordered(names) };
  }
  const note = stored.find((e) => e.type === "Note" && e.data.kind === REMEDIATION_NOTE);
  if (note) return { upTo: last.seq, reason: "remediation-note", names: ordered(failure()) };
  if (stored.some((e) => e.type === "IncidentGuidance")) return { upTo: last.seq, reason: "guidance", names: ordered(failure()) };
  if (stored.some((e) => e.type === "IncidentOpened")) return { upTo: last.seq, reason: "incident", names: ordered(failure()) };
  return null;
}
