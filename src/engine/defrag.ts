/** DEFRAG: write a checkpoint summary of a release into its folder and record it in the log. */
import { assertContained } from "../adapters/fs-contained.js";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { authorize } from "../core/authority.js";
import type { AnyEvent } from "../core/events.js";
import { buildOrient } from "../core/render/render-orient.js";
import { statusView } from "../core/status-view.js";
import type { Project } from "./project.js";
import { selectRelease } from "./project.js";
import { byCodeUnit } from "../core/text-order.js";

export interface DefragResult {
  file: string;
  sha256: string;
  uptoSeq: number;
  seq: number;
  preserved: { decisions: number; openQuestions: number; feedback: number; documents: number; step: string };
  compressed: Record<string, number>;
}

function summarize(events: readonly AnyEvent[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const e of events) c[e.type] = (c[e.type] ?? 0) + 1;
  return c;
}

/** Writes `checkpoints/checkpoint-<seq>.md` in the release folder and appends a checkpoint Note. */
export async function defrag(project: Project, release: string | undefined, actorId: string): Promise<DefragResult> {
  const actor = authorize(project.config.leads, actorId, "run", "write a context checkpoint");
  const session = await selectRelease(project.store, release, { allowFinished: true });
  await session.refresh();
  const s = session.state;
  const o = buildOrient(s, session.events, statusView(s, release), Number.MAX_SAFE_INTEGER);
  const uptoSeq = session.lastSeq;
  const counts = summarize(session.events);
  const L: string[] = [
    `# Context checkpoint — v${o.version} to ${o.environment}`,
    "",
    `Up to event ${uptoSeq} (${o.lastAt}). Phase ${o.phase} ${o.phaseName}, step ${o.step} ${o.stepTitle}; state ${o.state}${o.sev ? `; ${o.sev}` : ""}.`,
    `Ready for operations: ${o.ready}`,
    "",
    "## Preserved",
    "",
    "### Decisions",
    ...(o.decisions.length
      ? o.decisions.map((d) => `- ${d.at} ${d.by}: ${d.type} at ${d.step}${d.note ? ` — ${d.note}` : ""}`)
      : ["- none"]),
    "",
    "### Open items",
    ...(o.gate ? [`- gate ${o.gate.step} (${o.gate.kind}): ${o.gate.title}`] : []),
    ...(o.incident ? [`- incident at ${o.incident.step}: ${o.incident.code} ${o.incident.message}`] : []),
    ...o.openQuestions.map((q) => `- question ${q.id} (${q.by}): ${q.text}`),
    ...o.feedback.filter((f) => !f.response).map((f) => `- feedback ${f.id} (${f.by}): ${f.text}`),
    "",
    "### Documents written",
    ...(o.documents.length ? o.documents.map((d) => `- ${d}`) : ["- none"]),
    "",
    "### Next",
    ...o.next.map((n) => `- \`${n}\``),
    "",
    "## Compressed",
    "",
    ...Object.entries(counts)
      .sort(([a], [b]) => byCodeUnit(a, b))
      .map(([t, n]) => `- ${t}: ${n}`),
    "",
  ];
  const text = project.redact(L.join("\n"));
  const dir = join(project.releaseDir(s.version), "checkpoints");
  assertContained(project.root, dir);
  mkdirSync(dir, { recursive: true });
  let path = join(dir, `checkpoint-${uptoSeq}.md`);
  for (let i = 2; existsSync(path); i++) path = join(dir, `checkpoint-${uptoSeq}-${i}.md`);
  writeFileSync(path, text);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const file = relative(project.root, path).split("\\").join("/");
  const compressed = {
    stepEvents: ["StepStarted", "StepSucceeded", "StepFailed", "StepSkipped"].reduce((n, t) => n + (counts[t] ?? 0), 0),
    feedback: s.feedback.length,
    questions: s.questions.length,
    events: session.events.length,
  };
  const [stored] = await session.appendFact([
    {
      type: "Note",
      at: project.now(),
      actor,
      data: {
        kind: "checkpoint",
        text: `Context checkpoint up to event ${uptoSeq}: ${file}`,
        data: { file, sha256, uptoSeq },
      },
    },
  ]);
  return {
    file,
    sha256,
    uptoSeq,
    seq: stored!.seq,
    preserved: {
      decisions: o.decisions.length,
      openQuestions: o.openQuestions.length,
      feedback: o.feedback.length,
      documents: o.documents.length,
      step: o.step,
    },
    compressed,
  };
}
