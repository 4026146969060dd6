/**
 * State = a fold over the events (DESIGN rule 1). Pure and total: every event type is handled
 * (exhaustively: a new event type that `apply` forgets does not compile), and an unknown one (from
 * a newer brtops) is ignored rather than fatal.
 */
import type { AnyEvent, StoredEvent } from "./events.js";
import { approvalsRequired, nextPhase, phaseDef, phaseSequence } from "./workflow.js";
import { resultVerdict } from "./step-outcome.js";
import { admitEvent } from "./admit-event.js";
import { roundHash } from "./gate-round.js";
import { TERMINAL_STATES, type ReleaseState, type StateName, type StepRecord } from "./release-state.js";

export function foldEvents(events: readonly AnyEvent[], from?: ReleaseState): ReleaseState | null {
  let s: ReleaseState | null = from ? copyState(from) : null;
  for (const e of events) s = apply(s, e);
  if (s) s.state = deriveStateName(s);
  return s;
}

/**
 * A copy `apply` may change without touching `s`: every container it writes into is copied; what
 * it only ever replaces (step records, the incident, results) is shared. Cheaper than a deep copy
 * for releases with thousands of recorded sub-steps, which a session folds after every append.
 */
function copyState(s: ReleaseState): ReleaseState {
  return {
    ...s,
    sevFactors: [...s.sevFactors],
    plan: [...s.plan],
    gate: s.gate ? { ...s.gate, approvals: [...s.gate.approvals], amendments: [...s.gate.amendments] } : null,
    rounds: { ...s.rounds },
    steps: { ...s.steps },
    feedback: s.feedback.map((f) => ({ ...f })),
    questions: s.questions.map((q) => ({ ...q })),
    decisions: [...s.decisions],
    proposals: s.proposals.map((p) => ({ ...p })),
    approvedAt: { ...s.approvedAt },
    documents: { ...s.documents },
    waivers: [...s.waivers],
    deviations: [...s.deviations],
    iterations: { ...s.iterations },
  };
}

/** The main step of a sub-step id ("6.1:ship" → "6.1"). */
export function mainStep(step: string): string {
  const i = step.indexOf(":");
  return i === -1 ? step : step.slice(0, i);
}

export function phaseOf(step: string): number {
  return Number(step.split(".")[0]);
}

/** The step after `step` in its phase, or the first step of the next planned phase, or null at the end. */
export function stepAfter(plan: readonly number[], step: string): string | null {
  const phase = phaseOf(step);
  const seq = phaseSequence(phase);
  const i = seq.indexOf(step);
  if (i !== -1 && i + 1 < seq.length) return seq[i + 1]!;
  const np = nextPhase(plan, phase);
  return np === null ? null : phaseSequence(np)[0]!;
}

export function firstStepOf(phase: number): string {
  return phaseSequence(phase)[0]!;
}

function apply(prev: ReleaseState | null, e: AnyEvent): ReleaseState {
  if (e.type === "ReleaseRequested") return { ...initial(e), lastSeq: e.seq, lastHash: e.hash, lastAt: e.at };
  if (!prev) throw new Error(`event ${e.seq} (${e.type}) comes before ReleaseRequested`);
  const s = prev;
  // An event authority could not have accepted then is refused (E_LOG_TAMPERED), not folded.
  admitEvent(s, e);
  s.lastSeq = e.seq;
  s.lastHash = e.hash;
  s.lastAt = e.at;
  switch (e.type) {
    case "VersionResolved":
      s.version = e.data.version;
      // What ran on the environment before (the ledger) is not the project's previous release.
      if (s.previousSource !== "ledger") s.previous = e.data.previous;
      break;
    case "SevAssessed":
      s.sev = e.data.sev;
      s.plan = [...e.data.phases];
      s.sevFactors = e.data.factors;
      // A SEV raised while a gate is open raises what that gate needs (SEV-0: two HUM LEADs).
      if (s.gate) s.gate.requiredApprovals = Math.max(s.gate.requiredApprovals, approvalsRequired(e.data.sev));
      if (e.data.overriddenBy)
        s.decisions.push({
          seq: e.seq,
          at: e.at,
          actor: e.actor,
          type: "sev-override",
          phase: s.phase,
          step: s.step,
          note: e.data.reason ?? "",
        });
      break;
    case "StepStarted": {
      const rec: StepRecord = {
        step: e.data.step,
        status: "started",
        attempt: e.data.attempt,
        effect: e.data.effect ?? false,
        startedSeq: e.seq,
        startedAt: e.at,
        ...(e.data.label ? { label: e.data.label } : {}),
      };
      s.steps[e.data.step] = rec;
      s.inFlight = rec;
      if (!e.data.step.includes(":")) {
        s.step = e.data.step;
        s.phase = phaseOf(e.data.step);
      }
      break;
    }
    case "StepSucceeded": {
      const rec = s.steps[e.data.step];
      s.steps[e.data.step] = {
        ...(rec ?? blankRecord(e.data.step, e)),
        status: "succeeded",
        verdict: e.data.verdict ?? resultVerdict(e.data.result),
        finishedAt: e.at,
        ...(e.data.result ? { result: e.data.result } : {}),
        ...(e.data.adopted ? { adopted: true } : {}),
      };
      if (s.inFlight?.step === e.data.step) s.inFlight = null;
      // Something a rollback undoes is out there: a deploy sub-step, or the GitHub release (6.8) of a GitHub-only target.
      if (e.data.step.startsWith("6.1:") || e.data.step.startsWith("6.8:")) s.deployed = true;
      if (e.data.step === "6.1") s.deployedAt = e.at;
      if (!e.data.step.includes(":")) moveTo(s, stepAfter(s.plan, e.data.step));
      break;
    }
    case "StepSkipped": {
      s.steps[e.data.step] = {
        ...blankRecord(e.data.step, e),
        status: "skipped",
        verdict: e.data.verdict ?? "skipped",
        reason: e.data.reason,
        finishedAt: e.at,
      };
      if (s.inFlight?.step === e.data.step) s.inFlight = null;
      if (!e.data.step.includes(":")) moveTo(s, stepAfter(s.plan, e.data.step));
      break;
    }
    case "StepFailed": {
      const rec = s.steps[e.data.step];
      s.steps[e.data.step] = {
        ...(rec ?? blankRecord(e.data.step, e)),
        status: "failed",
        verdict: "fail",
        finishedAt: e.at,
        error: e.data.error,
        ...(e.data.result ? { result: e.data.result } : {}),
      };
      if (s.inFlight?.step === e.data.step) s.inFlight = null;
      break;
    }
    case "PhaseSkipped":
      break;
    case "GateOpened": {
      const round = (s.rounds[e.data.step] ?? 0) + 1;
      s.rounds[e.data.step] = round;
      s.gate = {
        phase: e.data.phase,
        step: e.data.step,
        kind: e.data.kind,
        title: e.data.title,
        report: e.data.report,
        findings: e.data.findings,
        requiredApprovals: e.data.requiredApprovals,
        openedSeq: e.seq,
        openedAt: e.at,
        approvals: [],
        ...(e.data.fingerprint ? { fingerprint: e.data.fingerprint } : {}),
        round,
        roundHash: roundHash(e.data),
        amendments: [],
      };
      s.gateOnApprove = e.data.onApprove;
      s.step = e.data.step;
      s.phase = e.data.phase;
      break;
    }
    case "GateApproved": {
      const g = s.gate;
      if (!g) break;
      g.approvals.push({
        actor: e.actor,
        at: e.at,
        seq: e.seq,
        authority: e.data.authority,
        ...(e.data.grantedBy ? { grantedBy: e.data.grantedBy } : {}),
        ...(e.data.note ? { note: e.data.note } : {}),
      });
      const type = g.kind === "go-no-go" ? "go" : g.kind === "certification" ? "certify" : "approve";
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type,
        phase: g.phase,
        step: g.step,
        authority: e.data.authority,
        ...(e.data.note ? { note: e.data.note } : {}),
        ...(e.data.selfApproval ? { selfApproval: true } : {}),
        ...(e.data.proposal ? { proposal: e.data.proposal } : {}),
      });
      if (e.data.proposal) acceptProposal(s, e.data.proposal.id, e.actor);
      if (e.data.final) {
        if (g.kind === "approval" || g.kind === "go-no-go" || g.kind === "certification") s.approvedAt[g.phase] = e.seq;
        s.gate = null;
        moveTo(s, s.gateOnApprove ?? stepAfter(s.plan, g.step));
        s.gateOnApprove = undefined;
      }
      break;
    }
    case "GateRejected": {
      const g = s.gate;
      const type = g?.kind === "go-no-go" ? "no-go" : "reject";
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type,
        phase: e.data.phase,
        step: e.data.step,
        note: e.data.reason,
        returnTo: e.data.returnTo,
      });
      s.gate = null;
      s.gateOnApprove = undefined;
      // A new pass through the phases from returnTo: earlier results no longer count.
      for (const id of Object.keys(s.steps)) if (phaseOf(id) >= e.data.returnTo) delete s.steps[id];
      for (const p of Object.keys(s.approvedAt).map(Number)) if (p >= e.data.returnTo) delete s.approvedAt[p];
      s.iterations[e.data.returnTo] = (s.iterations[e.data.returnTo] ?? 1) + 1;
      moveTo(s, firstStepOf(e.data.returnTo));
      break;
    }
    case "FeedbackGiven":
      s.feedback.push({
        id: e.data.id,
        seq: e.seq,
        actor: e.actor,
        at: e.at,
        phase: e.data.phase,
        step: e.data.step,
        text: e.data.text,
      });
      break;
    case "FeedbackAddressed": {
      const f = s.feedback.find((x) => x.id === e.data.id);
      if (f) f.response = e.data.response;
      break;
    }
    case "QuestionAsked":
      s.questions.push({
        id: e.data.id,
        seq: e.seq,
        actor: e.actor,
        at: e.at,
        phase: e.data.phase,
        step: e.data.step,
        text: e.data.text,
      });
      break;
    case "QuestionAnswered": {
      const q = s.questions.find((x) => x.id === e.data.id);
      if (q) q.answer = { text: e.data.text, actor: e.actor, at: e.at, seq: e.seq };
      // An answer at an open gate changes its report: a new round, which an earlier decision no longer names.
      const g = s.gate;
      if (g) {
        g.round = (s.rounds[g.step] ?? g.round) + 1;
        s.rounds[g.step] = g.round;
        g.amendments.push({ seq: e.seq, question: e.data.id, answer: e.data.text });
        g.roundHash = roundHash({ ...g, amendments: g.amendments });
      }
      break;
    }
    case "AutoProceedGranted":
      s.autoProceed = { by: e.actor, at: e.at, seq: e.seq };
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: "auto-proceed",
        phase: s.phase,
        step: s.step,
        ...(e.data.note ? { note: e.data.note } : {}),
      });
      break;
    case "PauseRequested":
      s.pauseRequested = true;
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: "pause",
        phase: s.phase,
        step: s.step,
        ...(e.data.reason ? { note: e.data.reason } : {}),
      });
      break;
    case "PauseReached":
      break;
    case "Resumed":
      s.pauseRequested = false;
      s.onHold = false;
      s.hold = null;
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: "resume",
        phase: s.phase,
        step: s.step,
        ...(e.data.note ? { note: e.data.note } : {}),
      });
      break;
    case "AbortRequested":
      s.abortRequested = true;
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: "abort",
        phase: s.phase,
        step: s.step,
        ...(e.data.reason ? { note: e.data.reason } : {}),
        ...(e.data.authority ? { authority: e.data.authority } : {}),
      });
      break;
    case "RollbackRequested":
      s.rollbackRequested = true;
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: "rollback",
        phase: s.phase,
        step: s.step,
        ...(e.data.reason ? { note: e.data.reason } : {}),
        ...(e.data.authority ? { authority: e.data.authority } : {}),
      });
      break;
    case "RollbackCompleted":
      // Rolling back settles whatever incident led to it.
      s.incident = null;
      s.rollbackRequested = false;
      s.deployed = false;
      if (!s.abortRequested) s.finishedAt = e.at;
      s.rolledBack = true;
      s.rolledBackAt = e.at;
      s.rolledBackTo = e.data.to;
      break;
    case "IncidentOpened":
      s.incident = {
        step: e.data.step,
        error: e.data.error,
        openedSeq: e.seq,
        openedAt: e.at,
        interrupted: e.data.interrupted ?? false,
      };
      break;
    case "IncidentGuidance": {
      const inc = s.incident;
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: "incident",
        phase: s.phase,
        step: e.data.step,
        choice: e.data.choice,
        ...(e.data.note ? { note: e.data.note } : {}),
        ...(e.data.authority ? { authority: e.data.authority } : {}),
        ...(e.data.proposal ? { proposal: e.data.proposal } : {}),
      });
      if (e.data.proposal) acceptProposal(s, e.data.proposal.id, e.actor);
      s.incident = null;
      if (!inc) break;
      const main = mainStep(inc.step);
      const failedSubs = Object.values(s.steps).filter(
        (r) => r.step.startsWith(`${main}:`) && (r.status === "failed" || r.status === "started"),
      );
      if (s.inFlight && mainStep(s.inFlight.step) === main) s.inFlight = null;
      if (e.data.choice === "rollback") {
        s.rollbackRequested = true;
      } else if (e.data.choice === "continue") {
        const reason = `continued past a failure by ${e.actor.id}`;
        for (const r of failedSubs)
          s.steps[r.step] = { ...r, status: "skipped", verdict: "skipped", reason, finishedAt: e.at };
        if (failedSubs.length === 0) {
          s.steps[main] = {
            ...(s.steps[main] ?? blankRecord(main, e)),
            status: "skipped",
            verdict: "skipped",
            reason,
            finishedAt: e.at,
          };
          moveTo(s, stepAfter(s.plan, main));
        } else {
          delete s.steps[main];
          moveTo(s, main);
        }
      } else {
        // retry: the failed (or interrupted) step runs again; its finished sub-steps are kept
        for (const r of failedSubs) delete s.steps[r.step];
        delete s.steps[main];
        moveTo(s, main);
      }
      break;
    }
    case "DocumentsWritten": {
      if (e.data.upTo === undefined) {
        s.documents[e.data.phase] = { seq: e.seq, files: e.data.files };
        break;
      }
      // A record write (phase 0): every document written so far as things happened, latest first kept.
      const written = e.data.files;
      const before = (s.documents[0]?.files ?? []).filter((f) => !written.some((w) => w.name === f.name));
      s.documents[0] = { seq: e.seq, files: [...before, ...written] };
      break;
    }
    case "FeatureWaived":
      s.waivers.push({ feature: e.data.feature, reason: e.data.reason, mode: e.data.mode, actor: e.actor, at: e.at });
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: e.data.mode,
        phase: s.phase,
        step: s.step,
        note: `${e.data.feature}: ${e.data.reason}`,
      });
      // A readiness gate waits on the features: re-check them with the waiver in force.
      if (s.gate?.kind === "readiness") {
        s.gate = null;
        s.gateOnApprove = undefined;
        moveTo(s, "1.2");
      }
      break;
    case "PackageFixed":
      s.package = e.data;
      break;
    case "Certified":
      s.certifiedAt = e.at;
      s.finishedAt = e.at;
      break;
    case "Aborted":
      s.aborted = true;
      s.finishedAt = e.at;
      break;
    case "ProposalMade":
      s.proposals.push({
        id: e.data.id,
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        kind: e.data.kind,
        step: e.data.step,
        on: e.data.on,
        text: e.data.text,
        ...(e.data.choice ? { choice: e.data.choice } : {}),
        status: "open",
      });
      break;
    case "ProposalAccepted":
      acceptProposal(s, e.data.id, e.actor);
      s.decisions.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: "accept-risk",
        phase: s.phase,
        step: e.data.step,
        proposal: e.data.proposal,
        ...(e.data.note ? { note: e.data.note } : {}),
      });
      break;
    case "Escalated":
      if (s.incident && s.incident.openedSeq === e.data.incident)
        s.incident = { ...s.incident, escalated: { seq: e.seq, at: e.at, to: e.data.to } };
      break;
    case "ConfigRecorded":
      s.authority = e.data.authority;
      break;
    case "Note":
      // A sign-off that changes a report already made (5.2, 3.4) has that step run again: its gate
      // closes and opens again with the new report, as a new round (decisions.signOff decides when).
      if (typeof e.data.data?.reopens === "string") reopenFrom(s, e.data.data.reopens);
      if (e.data.kind === "app-store") {
        const d = e.data.data ?? {};
        const phased = d["phasedRelease"] ?? s.appStore?.phasedRelease ?? null;
        s.appStore = {
          state: typeof d["state"] === "string" ? d["state"] : (s.appStore?.state ?? "unknown"),
          text: e.data.text,
          at: e.at,
          phasedRelease: typeof phased === "string" ? phased : null,
        };
      }
      if (e.data.kind === "hold") {
        s.onHold = true;
        s.hold = { reason: e.data.text, at: e.at };
      }
      if (e.data.kind === "hold" || e.data.kind === "deviation") {
        const d = e.data.data as { class?: unknown; percent?: unknown } | undefined;
        s.deviations.push({
          seq: e.seq,
          at: e.at,
          kind: e.data.kind,
          text: e.data.text,
          ...(typeof d?.class === "string" ? { class: d.class } : {}),
          ...(typeof d?.percent === "number" ? { percent: d.percent } : {}),
        });
      }
      break;
    default: {
      // Every event type is handled above (the compiler checks it here); at run time an event of
      // a newer brtops reaches this and is ignored rather than fatal.
      const unhandled: never = e;
      void unhandled;
      break;
    }
  }
  return s;
}

function reopenFrom(s: ReleaseState, step: string): void {
  const phase = phaseOf(step);
  if (s.approvedAt[phase] !== undefined || !s.steps[step]) return;
  const seq = phaseSequence(phase);
  const from = seq.indexOf(step);
  if (from === -1) return;
  for (const id of Object.keys(s.steps))
    if (phaseOf(id) === phase && seq.indexOf(mainStep(id)) >= from) delete s.steps[id];
  if (s.gate?.phase === phase) {
    s.gate = null;
    s.gateOnApprove = undefined;
  }
  if (s.phase > phase || (s.phase === phase && seq.indexOf(mainStep(s.step)) > from)) moveTo(s, step);
}

function acceptProposal(s: ReleaseState, id: string, by: AnyEvent["actor"]): void {
  const p = s.proposals.find((x) => x.id === id);
  if (p) {
    p.status = "accepted";
    p.acceptedBy = by;
  }
}

function moveTo(s: ReleaseState, step: string | null): void {
  if (step === null) return;
  s.step = step;
  s.phase = phaseOf(step);
  if (s.iterations[s.phase] === undefined) s.iterations[s.phase] = 1;
}

function blankRecord(step: string, e: AnyEvent): StepRecord {
  return { step, status: "started", attempt: 1, effect: false, startedSeq: e.seq, startedAt: e.at };
}

function initial(e: StoredEvent<"ReleaseRequested">): ReleaseState {
  return {
    release: e.release,
    version: e.data.version,
    environment: e.data.environment,
    ...(e.data.versionType ? { versionType: e.data.versionType } : {}),
    ...(e.data.trigger ? { trigger: e.data.trigger } : {}),
    previous: e.data.previous ?? null,
    previousSource: e.data.previousSource ?? (e.data.previous ? "tag" : "none"),
    base: e.data.base ?? null,
    promotion: e.data.promotion ?? null,
    package: e.data.promotion?.package ?? null,
    attempt: e.data.attempt ?? 1,
    earlier: e.data.earlier ?? [],
    requestedBy: e.actor,
    requestedAt: e.at,
    sev: null,
    sevFactors: [],
    plan: [1, 2, 3, 4, 5, 6, 7],
    phase: 1,
    step: "1.1",
    state: "running",
    gate: null,
    incident: null,
    steps: {},
    inFlight: null,
    feedback: [],
    questions: [],
    decisions: [],
    proposals: [],
    autoProceed: null,
    pauseRequested: false,
    abortRequested: false,
    rollbackRequested: false,
    onHold: false,
    hold: null,
    approvedAt: {},
    documents: {},
    waivers: [],
    deviations: [],
    iterations: { 1: 1 },
    deployed: false,
    rounds: {},
    authority: e.data.authority ?? null,
    lastSeq: e.seq,
    lastHash: e.hash,
    lastAt: e.at,
  };
}

export function deriveStateName(s: ReleaseState): StateName {
  if (s.aborted) return "aborted";
  if (s.rolledBack && !s.abortRequested) return "rolled-back";
  if (s.rollbackRequested || s.abortRequested) return "rolling-back";
  if (s.certifiedAt) return "certified";
  if (s.onHold) return "on-hold";
  if (s.pauseRequested) return "paused";
  if (s.gate || s.incident) return "awaiting-hum-lead";
  const failed = Object.values(s.steps).some((r) => r.status === "failed");
  if (failed) return "failed";
  return "running";
}

export function isTerminal(s: ReleaseState): boolean {
  return TERMINAL_STATES.includes(s.state);
}

/** The phase name for display. */
export function phaseName(phase: number): string {
  return phaseDef(phase).name;
}
