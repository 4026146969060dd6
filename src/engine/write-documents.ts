/**
 * Writes a phase's documents from the log (DESIGN rule 1: documents are derived). Each is rendered
 * from the events up to its phase's final approval, so `docs --rebuild` reproduces it byte for byte.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { AnyEvent } from "../core/events.js";
import { foldEvents } from "../core/fold.js";
import { DOCUMENT_RENDERERS, documentsForPhase } from "../core/render/render-documents.js";

export interface RenderedDoc {
  phase: number;
  name: string;
  text: string;
  sha256: string;
}

/** Renders the documents the approval of `phase` (at event `approvalSeq`) produces. Pure apart from hashing. */
export function renderPhaseDocuments(events: readonly AnyEvent[], phase: number, approvalSeq: number, redact: (s: string) => string): RenderedDoc[] {
  const prefix = events.filter((e) => e.seq <= approvalSeq);
  const state = foldEvents(prefix);
  if (!state) return [];
  return documentsForPhase(state.plan, phase).map(({ phase: p, name }) => {
    const text = redact(DOCUMENT_RENDERERS[name]!({ state, events: prefix }));
    return { phase: p, name, text, sha256: createHash("sha256").update(text).digest("hex") };
  });
}

/** Atomic write: a reader never sees half a document. */
export function writeDocs(dir: string, docs: readonly RenderedDoc[]): void {
  mkdirSync(dir, { recursive: true });
  for (const d of docs) {
    const file = join(dir, d.name);
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, d.text);
    renameSync(tmp, file);
  }
}

/** Every document the log says was written, rendered again: for `docs --rebuild` and checks. */
export function rebuildAll(events: readonly AnyEvent[], redact: (s: string) => string): RenderedDoc[] {
  const state = foldEvents(events);
  if (!state) return [];
  const out = new Map<string, RenderedDoc>();
  for (const e of events) {
    if (e.type !== "DocumentsWritten") continue;
    // The approval that produced these documents is the last final approval of that phase before them.
    const approval = [...events].reverse().find((x) => x.seq < e.seq && x.type === "GateApproved" && x.data.final && x.data.phase === e.data.phase);
    if (!approval) continue;
    for (const d of renderPhaseDocuments(events, e.data.phase, approval.seq, redact)) out.set(d.name, d);
  }
  return [...out.values()];
}

export function compareOnDisk(dir: string, docs: readonly RenderedDoc[]): { name: string; same: boolean }[] {
  return docs.map((d) => {
    const file = join(dir, d.name);
    return { name: d.name, same: existsSync(file) && readFileSync(file, "utf8") === d.text };
  });
}
