/**
 * Decisions and conversation: every command a person (or agent) gives a release. Each checks
 * authority in core, binds to the step the decider saw (--step), and appends conditionally on the
 * log it read; when the log moved meanwhile the decision is judged again on the new state (two
 * approvals bound to one step: the first wins, the second finds the step gone → E_STEP_MISMATCH).
 */
import { authorityChanged, authorityRecord } from "../core/admit-event.js";
import { approvalPolicy, authorityOf, authorize, judgeApproval, situationOf, type Action } from "../core/authority.js";
import { bindRound, parseStepRef, roundId } from "../core/gate-round.js";
import { openProposal, proposalFor, proposalRef } from "../core/collab.js";
import { BrtopsError } from "../core/errors.js";
import type {
  AnyDraft,
  EventData,
  Finding,
  FingerprintRef,
  IncidentChoice,
  ProposalKind,
  Sev,
} from "../core/events.js";
import { isTerminal } from "../core/fold.js";
import { defaultReturnPhase } from "../core/return-phase.js";
import { buildLedger, environmentRecord } from "../core/ledger.js";
import type { ReleaseState } from "../core/release-state.js";
import { phasesForSev, sevLabel } from "../core/workflow.js";
import type { Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";
import { createEventNotifier } from "./notify-events.js";
import { measureBetween, readFingerprint, scopeMoved } from "./scope-drift.js";
import { readRuns } from "./read-runs.js";
import { writeRecordDocuments } from "./record-documents.js";
import { REMEDIATION_NOTE } from "../core/remediation.js";
import { signDecision, type DecisionSigner } from "./decision-signing.js";
import { hasPhasedRelease, setPhasedRelease } from "../deploy/app-store-phased.js";

export interface DecisionInput {
  actorId: string;
  /** The step the decider saw; refused with E_STEP_MISMATCH when the release has moved on. */
  step?: string;
  /** Check the decision as the real one is checked, and record nothing. */
  dryRun?: boolean;
  note?: string;
  /** Signs a gate decision (an SSH key, a passkey assertion): engine/decision-signing. */
  signer?: DecisionSigner;
}

/**
 * A decision names the round it was made on (`--step 2.10#2`; a bare `2.10` is round 1): at a gate,
 * another round is refused (E_STEP_MISMATCH, exit 5) showing the current one.
 */
function bindStep(s: ReleaseState, step: string | undefined): void {
  if (step === undefined) return;
  if (s.gate && !isTerminal(s))
    return bindRound(s.version, { step: s.gate.step, round: s.gate.round, hash: s.gate.roundHash }, step);
  const current = s.incident?.step ?? s.step;
  if ((parseStepRef(step)?.step ?? step) !== current) {
    throw new BrtopsError(
      "E_STEP_MISMATCH",
      `Release ${s.version} has moved on: it is at step ${current}, not ${step}.`,
      {
        hint: "Look at it again with `brtops status` and decide on what it shows now.",
        details: { expected: step, actual: current, state: s.state },
      },
    );
  }
}

function notFinished(s: ReleaseState): void {
  if (!isTerminal(s)) return;
  const again =
    s.state === "certified"
      ? `Roll it back with \`brtops rollback --env ${s.environment}\`, or release a newer version.`
      : `Request v${s.version} again as a new attempt: \`brtops release ${s.version} --to ${s.environment}\` (this run is kept and linked).`;
  throw new BrtopsError(
    "E_RELEASE_FINISHED",
    `Release ${s.release} is ${s.state}; nothing more can be decided on it.`,
    { hint: again },
  );
}

async function act(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput,
  action: Action,
  what: string,
  build: (s: ReleaseState, actor: ReturnType<typeof authorize>) => AnyDraft[],
  choice?: IncidentChoice,
): Promise<ReleaseState> {
  // A runner or another person may append between our read and our append: read again and judge
  // the decision on what is there now (a --step that no longer matches is refused then).
  for (let tries = 0; ; tries += 1) {
    await session.refresh();
    const s = session.state;
    // Authority on the state read: an emergency contact's lasts only while the release is failing.
    const actor = authorize(project.config.leads, input.actorId, action, what, situationOf(s, choice));
    bindStep(s, input.step);
    // A dry run: authority, the step and every rule of the decision are checked (build throws what
    // the real decision would), and nothing is appended.
    // Every decision records the log head it was made on (what a signature covers too).
    const head = { seq: s.lastSeq, hash: s.lastHash };
    const decide = () => build(s, actor).map((d) => ({ ...d, data: { ...d.data, head } }) as AnyDraft);
    if (input.dryRun) {
      await signDecision(project, session, s, decide(), input.signer, true);
      return s;
    }
    try {
      // Signed as it is appended (after redaction): on this log head, or refused when a signature is required and missing.
      const drafts = await signDecision(
        project,
        session,
        s,
        decide().map((d) => project.redact.deep(d)),
        input.signer,
      );
      // A changed authority config is recorded first: the fold judges the decision under it.
      const now = authorityRecord(project.config);
      const config: AnyDraft[] = authorityChanged(s.authority, now)
        ? [
            {
              type: "ConfigRecorded",
              at: project.now(),
              actor: { id: "brtops", role: "system" },
              data: { authority: now },
            },
          ]
        : [];
      const stored = (await session.append([...config, ...drafts])).slice(config.length);
      // The head after the decision is anchored outside the log (refs/brtops/<release>).
      await project.store.anchors?.write(session.release, { seq: session.state.lastSeq, hash: session.state.lastHash });
      await createEventNotifier(project, session)(stored);
      // Guidance, a NO-GO or rejected round, a remediation note: on record in the documents now.
      await writeRecordDocuments(project, session, stored, actor);
      return session.state;
    } catch (e) {
      if (!(e instanceof BrtopsError && e.code === "E_CONFLICT") || tries >= 20) throw e;
    }
  }
}

function needGate(s: ReleaseState, verb: string) {
  notFinished(s);
  if (!s.gate) {
    throw new BrtopsError(
      "E_NOT_AT_GATE",
      `Release ${s.version} is not waiting for a decision (state ${s.state}, step ${s.step}); there is nothing to ${verb}.`,
      {
        hint: s.incident
          ? "An incident is open: choose with `brtops guide retry|rollback|continue`."
          : "Advance it with `brtops run`.",
      },
    );
  }
  return s.gate;
}

export async function approve(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { waive?: string; proposal?: string },
): Promise<ReleaseState> {
  const fingerprint = await readFingerprint(project, session.state.version);
  await refuseStaleReport(project, session, input, fingerprint);
  return act(project, session, input, "approve", "approve a gate", (s, actor) => {
    const g = needGate(s, "approve");
    // COLLAB: the approval accepts the AI LEAD's risk proposal; the accepted risk is the waiver.
    const p = input.proposal ? openProposal(s, input.proposal, "accept-risk") : null;
    const waive =
      input.waive ?? (p ? `risk accepted (COLLAB ${p.id}, proposed by ${p.actor.id}): ${p.text}` : undefined);
    const critical = g.findings.filter((f) => f.severity === "critical");
    if (critical.length > 0 && !waive) {
      throw new BrtopsError(
        "E_FINDINGS_UNWAIVED",
        `Step ${g.step} has ${critical.length} critical finding(s): ${critical.map((f) => f.code).join(", ")}.`,
        {
          hint: `Approve with a recorded waiver: \`brtops approve --step ${roundId(g.step, g.round)} --waive "why it is acceptable"\`, or reject it.`,
          details: { findings: critical },
        },
      );
    }
    const verdict = judgeApproval(
      g,
      s.requestedBy.id,
      actor.id,
      approvalPolicy(project.config.leads, project.config.authority),
    );
    const note = [input.note, waive ? `waiver: ${waive}` : ""].filter(Boolean).join(" — ");
    const extra = {
      ...(verdict.selfApproval ? { selfApproval: true } : {}),
      ...(p ? { proposal: proposalRef(p) } : {}),
    };
    return [
      {
        type: "GateApproved",
        at: project.now(),
        actor,
        data: {
          phase: g.phase,
          step: g.step,
          round: roundOf(g),
          authority: "person",
          final: verdict.final,
          fingerprint,
          ...(note ? { note } : {}),
          ...extra,
        },
      },
    ];
  });
}

/**
 * A report is bound to the scope it was made on. When the project moved since the gate opened, the
 * approval is refused (E_SCOPE_CHANGED, exit 5) and the report is made again at once — the same
 * gate, a new round, with the deviation in its report and findings — so the person decides on
 * what would really ship.
 */
async function refuseStaleReport(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput,
  now: FingerprintRef,
): Promise<void> {
  await session.refresh();
  const s = session.state;
  const g = s.gate;
  if (!g?.fingerprint || !scopeMoved(g.fingerprint, now)) return;
  // Only someone who may approve learns of it this way; the others get the authority error first.
  authorize(project.config.leads, input.actorId, "approve", "approve a gate");
  const d = await measureBetween(project, g.fingerprint, now);
  const files = d.changes.files.slice(0, 20).map((f) => `  - ${f.change} ${f.path} (${f.category})`);
  const text = `Scope deviation since this report was made (event ${g.openedSeq}): ${d.percent}% system impact (${d.class}). ${d.summary}`;
  const finding: Finding = {
    severity: d.class === "MAJOR" ? "critical" : "warning",
    code: `SCOPE_CHANGED_${d.class}`,
    message: text,
    source: "scope fingerprint",
  };
  // A dry run is refused as the approval would be, and makes no new report (nothing is appended).
  if (input.dryRun)
    throw new BrtopsError("E_SCOPE_CHANGED", `${text} An approval would be refused and the report made again.`, {
      hint: "Run `brtops approve` without --dry-run to have the report made again, then read it with `brtops status`.",
    });
  const system = { id: "brtops", role: "system" } as const;
  const stored = await session.append([
    {
      type: "Note",
      at: project.now(),
      actor: system,
      data: {
        kind: "deviation",
        text,
        data: {
          percent: d.percent,
          class: d.class,
          files: d.changes.files.slice(0, 50),
          gate: g.step,
          round: g.openedSeq,
        },
      },
    },
    {
      type: "GateOpened",
      at: project.now(),
      actor: system,
      data: {
        phase: g.phase,
        step: g.step,
        kind: g.kind,
        title: g.title,
        report: [
          g.report.replace(/\n\n── Scope changed[\s\S]*$/, ""),
          "",
          "── Scope changed since the report was made ──",
          text,
          ...files,
        ].join("\n"),
        findings: [...g.findings.filter((f) => !f.code.startsWith("SCOPE_CHANGED_")), finding],
        requiredApprovals: g.requiredApprovals,
        onApprove: s.gateOnApprove ?? g.step,
        fingerprint: now,
        refreshed: { from: g.openedSeq, class: d.class, percent: d.percent },
      },
    },
  ]);
  // The deviation is on record in the documents now, though the approval is refused.
  await writeRecordDocuments(project, session, stored, system);
  throw new BrtopsError(
    "E_SCOPE_CHANGED",
    `The project changed since the report of ${g.step} was made (${d.percent}% system impact, ${d.class}): the approval was not recorded.`,
    {
      hint: `The report was made again with the deviation in it: read it (\`brtops status\`), then decide again (\`brtops approve --step ${roundId(g.step, g.round + 1)}\`).`,
      details: {
        step: g.step,
        class: d.class,
        percent: d.percent,
        files: d.changes.files.slice(0, 20).map((f) => f.path),
      },
    },
  );
}

/** The phase a rejection returns to when the decider does not say (core/return-phase). */
const defaultReturn = defaultReturnPhase;

export async function reject(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { reason: string; returnTo?: number },
): Promise<ReleaseState> {
  if (!input.reason?.trim())
    throw new BrtopsError("E_USAGE", "A rejection needs a reason.", { hint: 'Pass --reason "what must change".' });
  return act(project, session, input, "reject", "reject a gate", (s, actor) => {
    const g = needGate(s, "reject");
    const returnTo = input.returnTo ?? defaultReturn(s);
    if (!Number.isInteger(returnTo) || returnTo < 1 || returnTo > g.phase || !s.plan.includes(returnTo)) {
      throw new BrtopsError(
        "E_USAGE",
        `Cannot return to phase ${input.returnTo}: choose a phase of this release's plan (${s.plan.filter((p) => p <= g.phase).join(", ")}) up to ${g.phase}.`,
        {
          hint: `Pass --return-to with one of ${s.plan.filter((p) => p <= g.phase).join(", ")}.`,
        },
      );
    }
    return [
      {
        type: "GateRejected",
        at: project.now(),
        actor,
        data: { phase: g.phase, step: g.step, round: roundOf(g), reason: input.reason, returnTo },
      },
    ];
  });
}

export async function giveFeedback(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { text: string },
): Promise<ReleaseState> {
  if (!input.text?.trim())
    throw new BrtopsError("E_USAGE", "Feedback needs text.", { hint: 'brtops feedback "what you think"' });
  return act(project, session, input, "feedback", "give feedback", (s, actor) => {
    notFinished(s);
    return [
      {
        type: "FeedbackGiven",
        at: project.now(),
        actor,
        data: { id: `F${s.feedback.length + 1}`, phase: s.phase, step: s.gate?.step ?? s.step, text: input.text },
      },
    ];
  });
}

export async function respondToFeedback(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { id: string; text: string },
): Promise<ReleaseState> {
  return act(project, session, input, "respond", "respond to feedback", (s, actor) => {
    if (!s.feedback.some((f) => f.id === input.id.toUpperCase()))
      throw new BrtopsError("E_QUESTION_UNKNOWN", `There is no feedback ${input.id}.`, {
        hint: `Known: ${s.feedback.map((f) => f.id).join(", ") || "none"}.`,
      });
    return [
      {
        type: "FeedbackAddressed",
        at: project.now(),
        actor,
        data: { id: input.id.toUpperCase(), response: input.text },
      },
    ];
  });
}

export async function askQuestion(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { text: string },
): Promise<ReleaseState> {
  if (!input.text?.trim())
    throw new BrtopsError("E_USAGE", "A question needs text.", { hint: 'brtops ask "what should happen to X?"' });
  return act(project, session, input, "ask", "ask the HUM LEAD a question", (s, actor) => {
    notFinished(s);
    return [
      {
        type: "QuestionAsked",
        at: project.now(),
        actor,
        data: { id: `Q${s.questions.length + 1}`, phase: s.phase, step: s.gate?.step ?? s.step, text: input.text },
      },
    ];
  });
}

export async function answerQuestion(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { id: string; text: string },
): Promise<ReleaseState> {
  return act(project, session, input, "answer", "answer a question", (s, actor) => {
    const q = s.questions.find((x) => x.id === input.id.toUpperCase());
    if (!q)
      throw new BrtopsError("E_QUESTION_UNKNOWN", `There is no question ${input.id}.`, {
        hint: `Open questions: ${
          s.questions
            .filter((x) => !x.answer)
            .map((x) => x.id)
            .join(", ") || "none"
        }.`,
      });
    if (q.answer)
      throw new BrtopsError("E_INVALID_STATE", `Question ${q.id} was already answered by ${q.answer.actor.id}.`, {
        hint: "Add to it with `brtops feedback`.",
      });
    return [{ type: "QuestionAnswered", at: project.now(), actor, data: { id: q.id, text: input.text } }];
  });
}

export async function grantAutoProceed(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput,
): Promise<ReleaseState> {
  return act(project, session, input, "grant-auto-proceed", "grant GO RELEASE auto-proceed", (s, actor) => {
    notFinished(s);
    if (s.autoProceed)
      throw new BrtopsError(
        "E_INVALID_STATE",
        `GO RELEASE was already granted by ${s.autoProceed.by.id} at ${s.autoProceed.at}.`,
      );
    // Auto-proceed never applies at SEV-0/1 (core/next-action): a grant there would change nothing.
    if (s.sev !== null && s.sev <= 1) {
      throw new BrtopsError(
        "E_INVALID_STATE",
        `GO RELEASE does not apply to ${sevLabel(s.sev)} release ${s.release}: every gate of a SEV-0 or SEV-1 release waits for a HUM LEAD's own decision, so nothing was granted.`,
        {
          hint: s.gate
            ? `Decide the open gate: \`brtops approve --step ${roundId(s.gate.step, s.gate.round)}\` or \`brtops reject --step ${roundId(s.gate.step, s.gate.round)} --reason "…"\`.`
            : "Advance it with `brtops run` and decide each gate.",
          details: { sev: s.sev },
        },
      );
    }
    return [
      { type: "AutoProceedGranted", at: project.now(), actor, data: { ...(input.note ? { note: input.note } : {}) } },
    ];
  });
}

export async function pauseRelease(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput,
): Promise<ReleaseState> {
  // An App Store release: its phased release pauses too (alone once the run is finished).
  if (await phasedOnly(project, session, input, "PAUSED")) return session.state;
  await act(project, session, input, "pause", "pause a release", (s, actor) => {
    notFinished(s);
    if (s.pauseRequested)
      throw new BrtopsError("E_INVALID_STATE", `Release ${s.version} is already paused.`, {
        hint: "Resume it with `brtops resume`.",
      });
    return [
      { type: "PauseRequested", at: project.now(), actor, data: { ...(input.note ? { reason: input.note } : {}) } },
    ];
  });
  if (!input.dryRun) await setPhasedRelease(project, session, input, "PAUSED");
  return session.state;
}

export async function resumeRelease(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput,
): Promise<ReleaseState> {
  if (await phasedOnly(project, session, input, "ACTIVE")) return session.state;
  const fingerprint = await readFingerprint(project, session.state.version);
  await act(project, session, input, "resume", "resume a release", (s, actor) => {
    notFinished(s);
    if (!s.pauseRequested && !s.onHold)
      throw new BrtopsError("E_INVALID_STATE", `Release ${s.version} is not paused or on hold (state ${s.state}).`);
    return [
      { type: "Resumed", at: project.now(), actor, data: { fingerprint, ...(input.note ? { note: input.note } : {}) } },
    ];
  });
  if (!input.dryRun) await setPhasedRelease(project, session, input, "ACTIVE");
  return session.state;
}

/**
 * A finished App Store release with a phased release: PAUSE / RESUME acts on the phased release
 * alone (the run has nothing left to pause). True when that was done.
 */
async function phasedOnly(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput,
  want: "PAUSED" | "ACTIVE",
): Promise<boolean> {
  await session.refresh();
  if (!isTerminal(session.state) || !hasPhasedRelease(project, session.state)) return false;
  return (await setPhasedRelease(project, session, input, want)) !== null;
}

export async function abortRelease(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput,
): Promise<ReleaseState> {
  return act(project, session, input, "abort", "abort a release", (s, actor) => {
    notFinished(s);
    if (s.abortRequested)
      throw new BrtopsError("E_INVALID_STATE", `Release ${s.version} is already being aborted.`, {
        hint: "Finish it with `brtops run`.",
      });
    return [
      {
        type: "AbortRequested",
        at: project.now(),
        actor,
        data: {
          ...(input.note ? { reason: input.note } : {}),
          ...(authorityOf(actor) === "emergency" ? { authority: "emergency" as const } : {}),
        },
      },
    ];
  });
}

export async function requestRollback(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { appStore?: "pause" | "remove-from-sale" },
): Promise<ReleaseState> {
  if (input.appStore !== undefined && !["pause", "remove-from-sale"].includes(input.appStore))
    throw new BrtopsError(
      "E_USAGE",
      `"${String(input.appStore)}" is not an App Store rollback: use pause or remove-from-sale.`,
    );
  const s0 = session.state;
  if (s0.state === "certified") {
    // After certification a rollback takes the environment back to what ran there before: only
    // while this run's version is what runs there (the ledger), never over a later deployment.
    const here = environmentRecord(buildLedger(await readRuns(project.store)), s0.environment);
    if (here.release !== s0.release) {
      throw new BrtopsError(
        "E_INVALID_STATE",
        `Release ${s0.release} is not what runs on ${s0.environment} now (${here.version ? `v${here.version}, release ${here.release ?? "not deployed by brtops"}` : "nothing"}).`,
        {
          hint: `Roll back the release that runs there: \`brtops rollback --env ${s0.environment}\` (see \`brtops environments\`).`,
          details: { environment: s0.environment, current: here.release },
        },
      );
    }
  }
  return act(project, session, input, "rollback", "roll a release back", (s, actor) => {
    if (s.state === "aborted" || s.state === "rolled-back") notFinished(s);
    if (!s.deployed)
      throw new BrtopsError(
        "E_INVALID_STATE",
        `Release ${s.version} has deployed nothing to roll back (phase ${s.phase}).`,
        { hint: "Use `brtops abort` to stop a release before deployment." },
      );
    if (s.rollbackRequested)
      throw new BrtopsError("E_INVALID_STATE", "A rollback is already under way.", {
        hint: "Finish it with `brtops run`.",
      });
    return [
      {
        type: "RollbackRequested",
        at: project.now(),
        actor,
        data: {
          ...(input.note ? { reason: input.note } : {}),
          ...(authorityOf(actor) === "emergency" ? { authority: "emergency" as const } : {}),
          ...(input.appStore ? { appStore: input.appStore } : {}),
        },
      },
    ];
  });
}

export async function guideIncident(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { choice: IncidentChoice; proposal?: string },
): Promise<ReleaseState> {
  if (!["retry", "rollback", "continue"].includes(input.choice))
    throw new BrtopsError("E_USAGE", `"${input.choice}" is not a choice: use retry, rollback or continue.`);
  return act(
    project,
    session,
    input,
    "incident-guidance",
    `choose ${input.choice} at an incident`,
    (s, actor) => {
      notFinished(s);
      if (!s.incident)
        throw new BrtopsError("E_NOT_AT_GATE", `Release ${s.version} has no open incident.`, {
          hint: "See `brtops status`.",
        });
      if (input.choice === "rollback" && !s.deployed)
        throw new BrtopsError("E_INVALID_STATE", "Nothing has been deployed yet, so there is nothing to roll back.", {
          hint: "Choose retry or continue, or abort the release.",
        });
      // COLLAB: the guidance accepts the AI LEAD's proposal, which must be for this very choice.
      const p = input.proposal ? openProposal(s, input.proposal, "guidance") : null;
      if (p && p.choice !== input.choice)
        throw new BrtopsError("E_USAGE", `Proposal ${p.id} proposes ${p.choice}, not ${input.choice}.`, {
          hint: `brtops accept ${p.id}`,
        });
      const extra = {
        ...(authorityOf(actor) === "emergency" ? { authority: "emergency" as const } : {}),
        ...(p ? { proposal: proposalRef(p) } : {}),
      };
      return [
        {
          type: "IncidentGuidance",
          at: project.now(),
          actor,
          data: { step: s.incident.step, choice: input.choice, ...(input.note ? { note: input.note } : {}), ...extra },
        },
      ];
    },
    input.choice,
  );
}

/**
 * COLLAB, the AI LEAD's half: `brtops propose accept-risk "…"` at the phase 5 gate (the risks 5.3
 * assessed) or `brtops propose guidance rollback "…"` at an incident. Recorded (ProposalMade); it
 * decides nothing until a HUM LEAD accepts it.
 */
export async function propose(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { kind: ProposalKind; text: string; choice?: IncidentChoice },
): Promise<ReleaseState> {
  if (!["accept-risk", "guidance"].includes(input.kind))
    throw new BrtopsError("E_USAGE", `"${input.kind}" is not something to propose: use accept-risk or guidance.`, {
      hint: 'brtops propose accept-risk "…" | brtops propose guidance rollback "…"',
    });
  return act(project, session, input, "propose", "propose a COLLAB decision", (s, actor) => {
    notFinished(s);
    const p = proposalFor(s, input.kind, input.text, input.choice);
    return [{ type: "ProposalMade", at: project.now(), actor, data: p }];
  });
}

/**
 * COLLAB, the HUM LEAD's half: `brtops accept P1`. A guidance proposal becomes the incident's
 * guidance; a risk acceptance is recorded as the HUM LEAD's acceptance of the AI LEAD's proposal
 * (the GO decision itself stays a separate decision: `brtops approve`, which may name it too).
 */
export async function acceptProposal(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { id: string },
): Promise<ReleaseState> {
  await session.refresh();
  const found = openProposal(session.state, input.id);
  if (found.kind === "guidance") {
    authorize(project.config.leads, input.actorId, "accept-proposal", "accept a proposal");
    return guideIncident(project, session, { ...input, choice: found.choice!, proposal: found.id });
  }
  return act(project, session, input, "accept-proposal", "accept a proposal", (s, actor) => {
    notFinished(s);
    const p = openProposal(s, input.id, "accept-risk");
    return [
      {
        type: "ProposalAccepted",
        at: project.now(),
        actor,
        data: {
          id: p.id,
          kind: p.kind,
          step: p.step,
          proposal: proposalRef(p),
          ...(input.note ? { note: input.note } : {}),
        },
      },
    ];
  });
}

export async function waiveFeature(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { feature: string; reason: string; mode: "waive" | "exclude" },
): Promise<ReleaseState> {
  if (!input.reason?.trim())
    throw new BrtopsError("E_USAGE", `To ${input.mode} a feature, give a reason.`, {
      hint: `brtops ${input.mode} ${input.feature} --reason "why"`,
    });
  return act(project, session, input, "waive", `${input.mode} a feature`, (s, actor) => {
    notFinished(s);
    if (s.phase > 5)
      throw new BrtopsError("E_INVALID_STATE", "Features can only be waived or excluded before deployment.");
    return [
      {
        type: "FeatureWaived",
        at: project.now(),
        actor,
        data: { feature: input.feature, reason: input.reason, mode: input.mode },
      },
    ];
  });
}

export async function overrideSev(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { sev: Sev; reason: string },
): Promise<ReleaseState> {
  if (!input.reason?.trim())
    throw new BrtopsError("E_USAGE", "A SEV override needs a reason.", { hint: 'brtops sev SEV-1 --reason "why"' });
  return act(project, session, input, "override-sev", "override the release SEV", (s, actor) => {
    notFinished(s);
    if (s.phase >= 6) throw new BrtopsError("E_INVALID_STATE", "The SEV cannot change once deployment has begun.");
    const phases = phasesForSev(input.sev);
    return [
      {
        type: "SevAssessed",
        at: project.now(),
        actor,
        data: {
          sev: input.sev,
          phases,
          factors: [
            ...s.sevFactors,
            {
              factor: "HUM LEAD override",
              effect: `${sevLabel(s.sev)} → ${sevLabel(input.sev)}: ${input.reason}`,
              sev: input.sev,
            },
          ],
          overriddenBy: actor.id,
          reason: input.reason,
        },
      },
    ];
  });
}

/** The step whose report a sign-off is part of. */
const SIGNOFF_STEP = { uat: "3.4", stakeholders: "5.2" } as const;

/** The round a gate decision names: its id and the hash of what it showed. */
function roundOf(g: NonNullable<ReleaseState["gate"]>): NonNullable<EventData["GateApproved"]["round"]> {
  return { id: roundId(g.step, g.round), hash: g.roundHash };
}

export async function signOff(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { for: "uat" | "stakeholders"; reject?: boolean },
): Promise<ReleaseState> {
  return act(project, session, input, "signoff", "sign off", (s, actor) => {
    notFinished(s);
    const decision = input.reject ? "reject" : "approve";
    // A sign-off after its step reported (and before its phase was approved) changes that report:
    // the step runs again and its gate opens as a new round (the fold does it on `reopens`).
    const step = SIGNOFF_STEP[input.for];
    const reopens = s.steps[step] && s.approvedAt[Number(step.split(".")[0])] === undefined ? { reopens: step } : {};
    return [
      {
        type: "Note",
        at: project.now(),
        actor,
        data: {
          kind: "signoff",
          text: `${input.for === "uat" ? "UAT" : "Stakeholder"} sign-off (${decision}) by ${actor.id}${input.note ? `: ${input.note}` : ""}`,
          data: { for: input.for, decision, ...reopens },
        },
      },
    ];
  });
}

/**
 * `brtops incident note "…"` (HUM LEAD): adds to the remediation plan of a run that had an
 * incident, a rollback or an abort (spec emergency step 6), recorded as a Note and written into
 * rollback-procedures.md at once. Allowed after the run ended: remediation follows the outcome.
 */
export async function addIncidentNote(
  project: Project,
  session: ReleaseSession,
  input: DecisionInput & { text: string },
): Promise<ReleaseState> {
  if (!input.text?.trim())
    throw new BrtopsError("E_USAGE", "A remediation note needs text.", {
      hint: 'brtops incident note "root cause: …; next: …"',
    });
  return act(project, session, input, "incident-note", "add to an incident's remediation plan", (s, actor) => {
    const hadIncident = session.events.some(
      (e) =>
        e.type === "IncidentOpened" ||
        e.type === "RollbackRequested" ||
        e.type === "RollbackCompleted" ||
        e.type === "AbortRequested" ||
        e.type === "Aborted",
    );
    if (!hadIncident) {
      throw new BrtopsError(
        "E_INVALID_STATE",
        `Release ${s.release} has had no incident, rollback or abort: there is no remediation plan to add to.`,
        { hint: 'Give feedback on the release with `brtops feedback "…"`.' },
      );
    }
    return [{ type: "Note", at: project.now(), actor, data: { kind: REMEDIATION_NOTE, text: input.text } }];
  });
}
