/** The status object: the same JSON for `status --json`, the HTTP API and the MCP tools. Pure. */
import type { ReleaseState, StepRecord } from "./release-state.js";
import { recordVerdict, renderConsolidatedReport } from "./render/gate-report.js";
import type { Verdict } from "./verdict.js";
import { phaseDef, sevLabel, stepDef } from "./workflow.js";
import { isTerminal } from "./fold.js";
import { defaultReturnPhase } from "./return-phase.js";
import { gateFindings } from "./consolidate.js";
import { roundId } from "./gate-round.js";
import { openProposals } from "./collab.js";

export interface StatusView {
  release: string;
  version: string;
  environment: string;
  sev: string | null;
  state: ReleaseState["state"];
  phase: number;
  phaseName: string;
  step: string;
  stepTitle: string;
  plan: number[];
  previous: string | null;
  /** Where `previous` comes from: "ledger" (what ran there), "tag" (brtops never deployed there), "none". */
  previousSource: string;
  /** Set when this run deploys a package approved in an earlier run. */
  promotion: null | {
    from: string;
    environment: string | null;
    commit: string;
    override?: { by: string; reason: string };
  };
  attempt: number;
  earlier: string[];
  requestedBy: string;
  /** `round`: the gate round a decision names (`2.10#2`); `roundHash`: the hash of what it shows. */
  gate: null | {
    step: string;
    round: string;
    roundHash: string;
    kind: string;
    title: string;
    report: string;
    findings: unknown[];
    approvals: { by: string; at: string; authority: string }[];
    requiredApprovals: number;
  };
  incident: null | { step: string; error: { code: string; message: string }; interrupted: boolean };
  /** Why the release is on hold (escalated to the HUM LEADs), null when it is not. */
  hold: null | { reason: string; at: string };
  /** The latest App Store state seen (App Review, the phased release); null for other targets. */
  appStore: null | { state: string; text: string; at: string; phasedRelease: string | null };
  openQuestions: { id: string; text: string; by: string }[];
  feedback: { id: string; text: string; by: string; response?: string }[];
  /** `authority`: "emergency" for Emergency Authority, "auto-proceed" for GO RELEASE; a COLLAB decision names the proposal and its author (`proposedBy`). */
  decisions: {
    at: string;
    by: string;
    type: string;
    step: string;
    note?: string;
    authority?: string;
    proposal?: string;
    proposedBy?: string;
    selfApproval?: boolean;
  }[];
  /** COLLAB proposals still open (the AI LEAD's, for a HUM LEAD to accept). */
  proposals: { id: string; kind: string; step: string; by: string; text: string; choice?: string }[];
  /** Set when the open incident was escalated to the emergency contacts. */
  escalated: null | { at: string; to: string[] };
  autoProceed: null | { by: string; at: string };
  documents: string[];
  /** Every step of the current pass that finished or runs, in workflow order, with its verdict (null while it runs). */
  steps: StepView[];
  next: string[];
  lastSeq: number;
  lastAt: string;
}

export interface StepView {
  step: string;
  title: string;
  verdict: Verdict | null;
  summary: string;
  status: string;
  attempt: number;
  finishedAt?: string;
}

/** A step's one line: why it was skipped, why it failed, or what its result says (the gate view shows it too). */
export function stepSummary(rec: StepRecord): string {
  if (rec.status === "skipped") return rec.reason ?? "";
  if (rec.status === "failed") return rec.error?.message ?? "";
  return typeof rec.result?.summary === "string" ? rec.result.summary : "";
}

/** The steps as every face shows them: main steps and 7.10's environment check, with verdicts. */
export function stepViews(s: ReleaseState): StepView[] {
  const out: StepView[] = [];
  for (const rec of Object.values(s.steps)) {
    if (rec.step.includes(":") && rec.step !== "7.10:environment") continue;
    out.push({
      step: rec.step,
      title: stepDef(rec.step.split(":")[0]!)?.title ?? rec.step,
      verdict: recordVerdict(rec),
      summary: stepSummary(rec),
      status: rec.status,
      attempt: rec.attempt,
      ...(rec.finishedAt ? { finishedAt: rec.finishedAt } : {}),
    });
  }
  const key = (id: string): number[] => id.split(/[.:]/).map((x) => (Number.isNaN(Number(x)) ? 99 : Number(x)));
  return out.sort((a, b) => {
    const x = key(a.step);
    const y = key(b.step);
    return x[0]! - y[0]! || (x[1] ?? 0) - (y[1] ?? 0) || (x[2] ?? 0) - (y[2] ?? 0);
  });
}

/** The commands a person can type next (shown under reports; `--release` added when asked). */
export function nextCommands(s: ReleaseState, release?: string): string[] {
  const r = release ? ` --release ${release}` : "";
  if (s.state === "certified" || s.state === "aborted" || s.state === "rolled-back") {
    if (s.state === "certified")
      return [
        `brtops docs${r}`,
        `brtops audit verify${r}`,
        `brtops rollback --env ${s.environment}   # take ${s.environment} back to ${s.previous ? `v${s.previous}` : "the previous version"}`,
      ];
    // An attempt that ended without certification can be made again: a new run, this one kept.
    return [
      `brtops release ${s.version} --to ${s.environment}   # try v${s.version} again as a new attempt`,
      `brtops audit verify${r}`,
    ];
  }
  const accept = openProposals(s).map(
    (p) => `brtops accept ${p.id}${r}   # COLLAB: ${p.kind}${p.choice ? ` ${p.choice}` : ""} proposed by ${p.actor.id}`,
  );
  if (s.incident)
    return [
      ...accept,
      `brtops guide retry --step ${s.incident.step}${r}`,
      ...(s.deployed ? [`brtops guide rollback --step ${s.incident.step}${r}`] : []),
      `brtops guide continue --step ${s.incident.step}${r}`,
      `brtops abort${r}`,
    ];
  if (s.pauseRequested || s.onHold) return [`brtops resume${r}`, `brtops abort${r}`];
  if (s.gate) {
    const g = s.gate;
    const hasCritical = g.findings.some((f) => f.severity === "critical");
    // A comment goes last on a line: a flag after `#` would never reach brtops.
    const approveWord = g.kind === "go-no-go" ? "   # GO" : g.kind === "certification" ? "   # certify" : "";
    const rejectWord =
      g.kind === "go-no-go" ? `   # NO-GO: back to phase ${defaultReturnPhase(s)} (or another phase of the plan)` : "";
    // GO RELEASE changes nothing at SEV-0/1 (decisions.grantAutoProceed refuses it there).
    const goApplies = !s.autoProceed && (s.sev === null || s.sev >= 2);
    return [
      ...accept,
      `brtops approve --step ${roundId(g.step, g.round)}${hasCritical ? ' --waive "why it is acceptable"' : ""} --note "…"${r}${approveWord}`,
      `brtops reject --step ${roundId(g.step, g.round)} --reason "…"${g.kind === "go-no-go" ? ` --return-to ${defaultReturnPhase(s)}` : ""}${r}${rejectWord}`,
      `brtops feedback "…"${r}`,
      ...s.questions.filter((q) => !q.answer).map((q) => `brtops answer ${q.id} "…"${r}`),
      ...(goApplies
        ? [`brtops go${r}   # GO RELEASE: auto-approve later gates without findings (SEV-2 and lower)`]
        : []),
    ];
  }
  if (s.state === "rolling-back") return [`brtops run${r}`];
  return [`brtops run${r}`, `brtops pause${r}`];
}

export function statusView(s: ReleaseState, release?: string): StatusView {
  const phase = Math.min(Math.max(s.phase, 1), 7);
  return {
    release: s.release,
    version: s.version,
    environment: s.environment,
    sev: s.sev === null ? null : sevLabel(s.sev),
    state: s.state,
    phase,
    phaseName: phaseDef(phase).name,
    step: s.gate?.step ?? s.step,
    stepTitle: stepDef(s.gate?.step ?? s.step)?.title ?? "",
    plan: s.plan,
    previous: s.previous,
    previousSource: s.previousSource,
    promotion: s.promotion
      ? {
          from: s.promotion.from,
          environment: s.promotion.environment,
          commit: s.promotion.package.commit,
          ...(s.promotion.override ? { override: s.promotion.override } : {}),
        }
      : null,
    attempt: s.attempt,
    earlier: s.earlier,
    requestedBy: s.requestedBy.id,
    // A finished release waits for no one, whatever gate was open when it ended.
    gate:
      s.gate && !isTerminal(s)
        ? {
            step: s.gate.step,
            round: roundId(s.gate.step, s.gate.round),
            roundHash: s.gate.roundHash,
            kind: s.gate.kind,
            title: s.gate.title,
            report: renderConsolidatedReport(s),
            findings: gateFindings(s),
            approvals: s.gate.approvals.map((a) => ({ by: a.actor.id, at: a.at, authority: a.authority })),
            requiredApprovals: s.gate.requiredApprovals,
          }
        : null,
    hold: s.onHold ? (s.hold ?? { reason: "on hold", at: s.lastAt }) : null,
    appStore: s.appStore ?? null,
    incident: s.incident
      ? { step: s.incident.step, error: s.incident.error, interrupted: s.incident.interrupted }
      : null,
    openQuestions: s.questions.filter((q) => !q.answer).map((q) => ({ id: q.id, text: q.text, by: q.actor.id })),
    feedback: s.feedback.map((f) => ({
      id: f.id,
      text: f.text,
      by: f.actor.id,
      ...(f.response ? { response: f.response } : {}),
    })),
    decisions: s.decisions.slice(-10).map((d) => ({
      at: d.at,
      by: d.actor.id,
      type: d.type,
      step: d.step,
      ...(d.note ? { note: d.note } : {}),
      ...(d.authority && d.authority !== "person" ? { authority: d.authority } : {}),
      ...(d.proposal ? { proposal: d.proposal.id, proposedBy: d.proposal.by.id } : {}),
      ...(d.selfApproval ? { selfApproval: true } : {}),
    })),
    proposals: openProposals(s).map((p) => ({
      id: p.id,
      kind: p.kind,
      step: p.step,
      by: p.actor.id,
      text: p.text,
      ...(p.choice ? { choice: p.choice } : {}),
    })),
    escalated: s.incident?.escalated ? { at: s.incident.escalated.at, to: s.incident.escalated.to } : null,
    autoProceed: s.autoProceed ? { by: s.autoProceed.by.id, at: s.autoProceed.at } : null,
    documents: [...new Set(Object.values(s.documents).flatMap((d) => d.files.map((f) => f.name)))],
    steps: stepViews(s),
    next: nextCommands(s, release),
    lastSeq: s.lastSeq,
    lastAt: s.lastAt,
  };
}
