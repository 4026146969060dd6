/**
 * The open gate as a HUM LEAD decides on it, in structured sections (the dashboard's gate page;
 * the text report stays the CLI's): findings first, the steps of the phase, the changes since the
 * previous release with links to the forge, the package's artifacts and their digests, the
 * documents, who must approve and who did, what is still open, and what each answer does. Every
 * rule here is core's own (gateFindings, defaultReturnPhase, the approval count): the page draws
 * this object and decides nothing. Pure.
 */
import type { ChangeEntry, ChangelogModel } from "../intel/changelog-model.js";
import type { Finding } from "./events.js";
import { gateConversation, gateFindings } from "./consolidate.js";
import { isTerminal } from "./fold.js";
import { roundId } from "./gate-round.js";
import { recordVerdict, renderConsolidatedReport } from "./render/gate-report.js";
import type { ReleaseState } from "./release-state.js";
import { defaultReturnPhase } from "./return-phase.js";
import { stepResult } from "./step-results.js";
import { stepSummary } from "./status-view.js";
import type { Verdict } from "./verdict.js";
import { phaseDef, sevLabel, stepDef } from "./workflow.js";

/** The web address of the project's repository on its forge (`https://github.com/acme/shop`), when the origin names one. */
export interface ForgeLink {
  web: string;
}

export interface GateChange extends ChangeEntry {
  /** The commit on the forge, null when the origin is not a known forge. */
  url: string | null;
}

export interface GateView {
  release: string;
  version: string;
  environment: string;
  sev: string;
  phase: number;
  phaseName: string;
  step: string;
  /** The round a decision names (`5.10#2`) and the hash of what it shows. */
  round: string;
  roundHash: string;
  kind: string;
  title: string;
  /** When this gate opened: the HUM LEADs have been waited for since then. */
  openedAt: string;
  /** Critical first, then warnings, then information. */
  findings: Finding[];
  steps: { step: string; title: string; verdict: Verdict | null; summary: string }[];
  changes: null | {
    previous: string | null;
    range: string;
    counts: ChangelogModel["counts"];
    breaking: GateChange[];
    groups: { key: string; title: string; entries: GateChange[]; omitted: number }[];
    compareUrl: string | null;
  };
  artifacts: { name: string; sha256: string; size?: number }[];
  images: { ref: string | null; digest: string }[];
  commit: string | null;
  documents: { phase: number; name: string }[];
  approvals: {
    required: number;
    approved: { by: string; at: string; authority: string }[];
    /** HUM LEADs named in the log's authority record who have not approved this round. */
    waitingFor: string[];
  };
  /** What is still open at this gate: shown beside the decision and in the approval's confirmation. */
  open: {
    questions: { id: string; text: string; by: string; at: string }[];
    feedback: { id: string; text: string; by: string; at: string }[];
    criticalFindings: number;
  };
  decision: {
    yes: string;
    no: string;
    /** Critical findings need a written waiver with the approval. */
    waiverRequired: boolean;
    /** A NO-GO goes back to one of these phases; `default` is the one the CLI would take. */
    returnTo: null | { phases: { phase: number; name: string }[]; default: number };
  };
  /** The consolidated text report, as the CLI prints it. */
  report: string;
}

const SEVERITY_ORDER: Record<Finding["severity"], number> = { critical: 0, warning: 1, info: 2 };

/** Labels of a gate's two answers. Example: `gateAnswers("go-no-go")` → `{yes: "GO", no: "NO-GO"}`. */
export function gateAnswers(kind: string): { yes: string; no: string } {
  if (kind === "go-no-go") return { yes: "GO", no: "NO-GO" };
  if (kind === "certification") return { yes: "Certify", no: "Reject" };
  return { yes: "Approve", no: "Reject" };
}

function changeOf(e: ChangeEntry, forge: ForgeLink | null): GateChange {
  return { ...e, url: forge && /^[0-9a-f]{7,40}$/i.test(e.commit) ? `${forge.web}/commit/${e.commit}` : null };
}

function changesOf(s: ReleaseState, forge: ForgeLink | null): GateView["changes"] {
  const model = stepResult(s, "2.2")?.changelog as ChangelogModel | undefined;
  if (!model || !Array.isArray(model.groups)) return null;
  const head = s.package?.commit ?? stepResult(s, "2.1")?.history?.head ?? null;
  return {
    previous: model.previous,
    range: model.range,
    counts: model.counts,
    breaking: model.breaking.map((e) => changeOf(e, forge)),
    groups: model.groups
      .map((g) => ({
        key: g.key,
        title: g.title,
        entries: g.scopes.flatMap((x) => x.entries).map((e) => changeOf(e, forge)),
        omitted: g.omitted,
      }))
      .filter((g) => g.entries.length > 0 || g.omitted > 0),
    compareUrl: forge && model.previous && head ? `${forge.web}/compare/${model.previous}...${head}` : null,
  };
}

/** The package's artifacts: the approved package's, else what 2.4 recorded at this gate. */
function artifactsOf(s: ReleaseState): GateView["artifacts"] {
  if (s.package) return s.package.artifacts.map((a) => ({ ...a }));
  const recorded = stepResult(s, "2.4")?.artifacts ?? [];
  const out: GateView["artifacts"] = [];
  for (const a of recorded as { name?: unknown; path?: unknown; sha256?: unknown; size?: unknown }[]) {
    const name = typeof a.name === "string" ? a.name : typeof a.path === "string" ? a.path : null;
    if (name && typeof a.sha256 === "string")
      out.push({ name, sha256: a.sha256, ...(typeof a.size === "number" ? { size: a.size } : {}) });
  }
  return out;
}

/** Each document once, under the phase whose approval writes it (record writes between approvals are filed under 0). */
function documentsOf(s: ReleaseState): GateView["documents"] {
  const phaseOf = new Map<string, number>();
  for (const [phase, d] of Object.entries(s.documents))
    for (const f of d.files) phaseOf.set(f.name, Math.max(phaseOf.get(f.name) ?? 0, Number(phase)));
  return [...phaseOf.entries()].map(([name, phase]) => ({ phase, name })).sort((a, b) => a.phase - b.phase);
}

/** The open gate's structured view; null when no gate waits (or the release has ended). */
export function gateView(s: ReleaseState, forge: ForgeLink | null = null): GateView | null {
  const g = s.gate;
  if (!g || isTerminal(s)) return null;
  const findings = [...gateFindings(s)].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const conversation = gateConversation(s);
  const answers = gateAnswers(g.kind);
  const approvedBy = new Set(g.approvals.map((a) => a.actor.id.toLowerCase()));
  const critical = findings.filter((f) => f.severity === "critical").length;
  const returnPhases = s.plan.filter((p) => p < g.phase);
  return {
    release: s.release,
    version: s.version,
    environment: s.environment,
    sev: sevLabel(s.sev),
    phase: g.phase,
    phaseName: phaseDef(g.phase).name,
    step: g.step,
    round: roundId(g.step, g.round),
    roundHash: g.roundHash,
    kind: g.kind,
    title: g.title,
    openedAt: g.openedAt,
    findings,
    steps: phaseDef(g.phase)
      .run.filter((id) => s.steps[id])
      .map((id) => {
        const rec = s.steps[id]!;
        return { step: id, title: stepDef(id)?.title ?? id, verdict: recordVerdict(rec), summary: stepSummary(rec) };
      }),
    changes: changesOf(s, forge),
    artifacts: artifactsOf(s),
    images: (s.package?.images ?? []).map((i) => ({ ref: i.ref ?? null, digest: i.digest })),
    commit: s.package?.commit ?? null,
    documents: documentsOf(s),
    approvals: {
      required: g.requiredApprovals,
      approved: g.approvals.map((a) => ({ by: a.actor.id, at: a.at, authority: a.authority })),
      waitingFor: (s.authority?.leads.hum ?? []).filter((id) => !approvedBy.has(id.toLowerCase())),
    },
    open: {
      questions: conversation.questions
        .filter((q) => !q.answer)
        .map((q) => ({ id: q.id, text: q.text, by: q.actor.id, at: q.at })),
      feedback: conversation.feedback
        .filter((f) => !f.response)
        .map((f) => ({ id: f.id, text: f.text, by: f.actor.id, at: f.at })),
      criticalFindings: critical,
    },
    decision: {
      ...answers,
      waiverRequired: critical > 0,
      returnTo:
        g.kind === "go-no-go" && returnPhases.length
          ? {
              phases: returnPhases.map((p) => ({ phase: p, name: phaseDef(p).name })),
              default: defaultReturnPhase(s),
            }
          : null,
    },
    report: renderConsolidatedReport(s),
  };
}
