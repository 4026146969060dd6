/** ORIENT: a cold-resume briefing of a release, within a word budget (oldest items trimmed first). Pure. */
import type { AnyEvent } from "../events.js";
import type { ReleaseState } from "../release-state.js";
import type { StatusView } from "../status-view.js";

export const Readiness = { yes: "YES", conditional: "CONDITIONAL", requiresAssistance: "REQUIRES_ASSISTANCE" } as const;
export type Readiness = (typeof Readiness)[keyof typeof Readiness];

export interface OrientView {
  release: string;
  version: string;
  environment: string;
  sev: string | null;
  phase: number;
  phaseName: string;
  step: string;
  stepTitle: string;
  state: string;
  ready: Readiness;
  gate: null | { step: string; kind: string; title: string };
  incident: null | { step: string; code: string; message: string };
  openQuestions: { id: string; text: string; by: string }[];
  feedback: { id: string; text: string; by: string; response?: string }[];
  decisions: { at: string; by: string; type: string; step: string; note?: string }[];
  documents: string[];
  lastCheckpoint: null | { kind: "documents" | "defrag"; seq: number; at: string; detail: string };
  next: string[];
  lastSeq: number;
  lastAt: string;
  words: number;
  budget: number;
  trimmed: string[];
}

/** YES when running/certified with nothing open; CONDITIONAL at a gate/pause or with open items; REQUIRES_ASSISTANCE on incident/failed/on-hold. */
export function readiness(s: ReleaseState): Readiness {
  if (s.incident || s.state === "failed" || s.state === "on-hold" || s.onHold) return Readiness.requiresAssistance;
  const open = s.questions.some((q) => !q.answer) || s.feedback.some((f) => !f.response);
  if ((s.state === "running" || s.state === "certified") && !s.gate && !s.pauseRequested && !open) return Readiness.yes;
  return Readiness.conditional;
}

function lastCheckpoint(events: readonly AnyEvent[]): OrientView["lastCheckpoint"] {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === "DocumentsWritten") {
      const d = e.data as { phase: number; files: unknown[] };
      return {
        kind: "documents",
        seq: e.seq,
        at: e.at,
        detail: `phase ${d.phase} documents (${d.files.length} files)`,
      };
    }
    if (e.type === "Note" && (e.data as { kind?: string }).kind === "checkpoint") {
      const d = (e.data as { data?: { file?: string } }).data;
      return { kind: "defrag", seq: e.seq, at: e.at, detail: `checkpoint ${d?.file ?? ""}`.trim() };
    }
  }
  return null;
}

/** The briefing's data, before the budget is applied. */
export function buildOrient(s: ReleaseState, events: readonly AnyEvent[], v: StatusView, budget: number): OrientView {
  return {
    release: v.release,
    version: v.version,
    environment: v.environment,
    sev: v.sev,
    phase: v.phase,
    phaseName: v.phaseName,
    step: v.step,
    stepTitle: v.stepTitle,
    state: v.state,
    ready: readiness(s),
    gate: v.gate ? { step: v.gate.step, kind: v.gate.kind, title: v.gate.title } : null,
    incident: v.incident
      ? { step: v.incident.step, code: v.incident.error.code, message: v.incident.error.message }
      : null,
    openQuestions: v.openQuestions,
    feedback: v.feedback,
    decisions: s.decisions.map((d) => ({
      at: d.at,
      by: d.actor.id,
      type: d.type,
      step: d.step,
      ...(d.note ? { note: d.note } : {}),
    })),
    documents: v.documents,
    lastCheckpoint: lastCheckpoint(events),
    next: v.next,
    lastSeq: v.lastSeq,
    lastAt: v.lastAt,
    words: 0,
    budget,
    trimmed: [],
  };
}

export const countWords = (t: string): number => t.split(/\s+/).filter(Boolean).length;

function toText(o: OrientView, trimmedCounts: Record<string, number>): string {
  const L: string[] = [];
  L.push(`ORIENT v${o.version} to ${o.environment}${o.sev ? ` (${o.sev})` : ""}`);
  L.push(`Phase ${o.phase} ${o.phaseName}, step ${o.step}${o.stepTitle ? ` ${o.stepTitle}` : ""}; state ${o.state}`);
  if (o.gate) L.push(`Waiting at gate ${o.gate.step} (${o.gate.kind}): ${o.gate.title}`);
  if (o.incident) L.push(`Incident at ${o.incident.step}: ${o.incident.code} ${o.incident.message}`);
  if (o.openQuestions.length)
    L.push("Open questions:", ...o.openQuestions.map((q) => `  ${q.id} (${q.by}): ${q.text}`));
  if (o.feedback.length)
    L.push(
      "Feedback:",
      ...o.feedback.map((f) => `  ${f.id} (${f.by}): ${f.text}${f.response ? ` → ${f.response}` : " [open]"}`),
    );
  if (o.decisions.length)
    L.push(
      "Last decisions:",
      ...o.decisions.map((d) => `  ${d.at} ${d.by} ${d.type} at ${d.step}${d.note ? `: ${d.note}` : ""}`),
    );
  if (o.documents.length) L.push(`Documents: ${o.documents.join(", ")}`);
  if (o.lastCheckpoint)
    L.push(`Last checkpoint: ${o.lastCheckpoint.detail} (event ${o.lastCheckpoint.seq}, ${o.lastCheckpoint.at})`);
  if (o.next.length) L.push("Next:", ...o.next.map((n) => `  ${n}`));
  const t = Object.entries(trimmedCounts).filter(([, n]) => n > 0);
  if (t.length) L.push(`Trimmed to fit ${o.budget} words: ${t.map(([k, n]) => `${n} oldest ${k}`).join(", ")}.`);
  L.push(`Ready for operations: ${o.ready}`);
  return L.join("\n");
}

/** Applies the word budget, removing the oldest decisions, then documents, feedback, questions and next commands. */
export function renderOrient(full: OrientView): { view: OrientView; text: string } {
  const o: OrientView = {
    ...full,
    decisions: [...full.decisions],
    documents: [...full.documents],
    feedback: [...full.feedback],
    openQuestions: [...full.openQuestions],
    next: [...full.next],
  };
  const counts: Record<string, number> = { decisions: 0, documents: 0, feedback: 0, questions: 0, "next commands": 0 };
  const order: [keyof typeof counts, "decisions" | "documents" | "feedback" | "openQuestions" | "next"][] = [
    ["decisions", "decisions"],
    ["documents", "documents"],
    ["feedback", "feedback"],
    ["questions", "openQuestions"],
    ["next commands", "next"],
  ];
  let text = toText(o, counts);
  while (countWords(text) > o.budget) {
    const victim = order.find(([, key]) => o[key].length > 0);
    if (!victim) break;
    // The newest next command is the least urgent; everything else goes oldest first.
    if (victim[1] === "next") o.next.pop();
    else (o[victim[1]] as unknown[]).shift();
    counts[victim[0]]!++;
    text = toText(o, counts);
  }
  o.trimmed = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  o.words = countWords(text);
  return { view: o, text };
}
