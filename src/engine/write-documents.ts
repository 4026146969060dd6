/**
 * Writes a phase's documents from the log (DESIGN rule 1: documents are derived). Each is rendered
 * from the events up to its phase's final approval, so `docs --rebuild` reproduces it byte for byte.
 * A version's folder holds every run of the version (staging, then production; a new attempt):
 * each document file is composed (core/render/compose-runs.ts) of the sections of every run that
 * wrote it, each rendered from its own log, so a run writing its documents never loses another's.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { AnyEvent } from "../core/events.js";
import { assertContained } from "../adapters/fs-contained.js";
import { findRoot } from "../config/find-root.js";
import { foldEvents } from "../core/fold.js";
import { versionOfReleaseId } from "../core/release-id.js";
import type { ReleaseState, StateName } from "../core/release-state.js";
import { composeDocuments, type ComposedDocument, type RunDocuments } from "../core/render/compose-runs.js";
import { DOCUMENT_RENDERERS, documentsForPhase } from "../core/render/render-documents.js";
import { phaseDef } from "../core/workflow.js";
import type { Store } from "../store/store.js";
import { ReleaseSession } from "./release-session.js";

export interface RenderedDoc {
  phase: number;
  name: string;
  text: string;
  sha256: string;
}

/** Renders the documents the approval of `phase` (at event `approvalSeq`) produces. Pure apart from hashing. */
export function renderPhaseDocuments(
  events: readonly AnyEvent[],
  phase: number,
  approvalSeq: number,
  redact: (s: string) => string,
): RenderedDoc[] {
  const prefix = events.filter((e) => e.seq <= approvalSeq);
  const state = foldEvents(prefix);
  if (!state) return [];
  return documentsForPhase(state.plan, phase).map(({ phase: p, name }) => {
    const text = redact(DOCUMENT_RENDERERS[name]!({ state, events: prefix }));
    return { phase: p, name, text, sha256: createHash("sha256").update(text).digest("hex") };
  });
}

/** The phase a document belongs to (the phase whose approval writes it). */
function phaseOfDocument(name: string): number {
  for (let p = 1; p <= 7; p++) if (phaseDef(p).documents.includes(name)) return p;
  return 0;
}

/**
 * Renders the documents `names` from the log up to event `upTo`: a record write (an incident, a
 * rollback, an abort, a NO-GO…, core/record-points.ts). Pure apart from hashing.
 */
export function renderDocumentsUpTo(
  events: readonly AnyEvent[],
  upTo: number,
  names: readonly string[],
  redact: (s: string) => string,
): RenderedDoc[] {
  const prefix = events.filter((e) => e.seq <= upTo);
  const state = foldEvents(prefix);
  if (!state) return [];
  return names.flatMap((name) => {
    const render = DOCUMENT_RENDERERS[name];
    if (!render) return [];
    const text = redact(render({ state, events: prefix }));
    return [{ phase: phaseOfDocument(name), name, text, sha256: createHash("sha256").update(text).digest("hex") }];
  });
}

/** Atomic write: a reader never sees half a document. Never through a symbolic link out of the repository `root` (E_PATH_OUTSIDE). */
export function writeDocs(
  dir: string,
  docs: readonly { name: string; text: string }[],
  root: string | null = findRoot(dir),
): void {
  if (root) assertContained(root, dir);
  mkdirSync(dir, { recursive: true });
  for (const d of docs) {
    const file = join(dir, d.name);
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, d.text);
    renameSync(tmp, file);
  }
}

/**
 * Every document the log says was written, rendered again: for `docs --rebuild` and checks. Each
 * document is rendered from the last point the log recorded for it (a phase's approval, or the
 * `upTo` of a record write).
 */
export function rebuildAll(events: readonly AnyEvent[], redact: (s: string) => string): RenderedDoc[] {
  const state = foldEvents(events);
  if (!state) return [];
  const out = new Map<string, RenderedDoc>();
  for (const e of events) {
    if (e.type !== "DocumentsWritten") continue;
    if (e.data.upTo !== undefined) {
      for (const d of renderDocumentsUpTo(
        events,
        e.data.upTo,
        e.data.files.map((f) => f.name),
        redact,
      ))
        out.set(d.name, d);
      continue;
    }
    // The approval that produced these documents is the last final approval of that phase before them.
    const approval = [...events]
      .reverse()
      .find((x) => x.seq < e.seq && x.type === "GateApproved" && x.data.final && x.data.phase === e.data.phase);
    if (!approval) continue;
    for (const d of renderPhaseDocuments(events, e.data.phase, approval.seq, redact)) out.set(d.name, d);
  }
  return [...out.values()];
}

export function compareOnDisk(
  dir: string,
  docs: readonly { name: string; text: string }[],
): { name: string; same: boolean }[] {
  return docs.map((d) => {
    const file = join(dir, d.name);
    return { name: d.name, same: existsSync(file) && readFileSync(file, "utf8") === d.text };
  });
}

/** One run of a version as its documents' composition needs it: its log, and (for the run writing now) the documents it is writing. */
export interface RunLog {
  release: string;
  events: readonly AnyEvent[];
  /** Documents this run writes now, before its DocumentsWritten is recorded (they replace what its log would give). */
  writing?: readonly RenderedDoc[];
}

/** How a run stood at `at` (its events up to then), or null when there is no such log. */
function stateAt(events: readonly AnyEvent[] | undefined, at: string): StateName | null {
  if (!events || events.length === 0) return null;
  const prefix = events.filter((e) => e.at <= at);
  return foldEvents(prefix.length ? prefix : events.slice(0, 1))?.state ?? null;
}

/** Each run's record for the composition: its own documents, rendered from its own log as rebuild does. */
export function runDocumentsOf(runs: readonly RunLog[], redact: (s: string) => string): RunDocuments[] {
  const byId = new Map(runs.map((r) => [r.release, r.events]));
  const out: RunDocuments[] = [];
  for (const run of runs) {
    const state: ReleaseState | null = foldEvents(run.events);
    if (!state) continue;
    const documents: Record<string, string> = {};
    for (const d of rebuildAll(run.events, redact)) documents[d.name] = d.text;
    for (const d of run.writing ?? []) documents[d.name] = d.text;
    out.push({
      release: run.release,
      version: state.version,
      environment: state.environment,
      attempt: state.attempt,
      requestedAt: state.requestedAt,
      requestedBy: state.requestedBy,
      promotion: state.promotion,
      earlier: state.earlier.map((id) => ({ release: id, state: stateAt(byId.get(id), state.requestedAt) })),
      documents,
    });
  }
  return out;
}

/**
 * The logs of every run of `version` in the store (ids "1.1.0", "1.1.0@production", …). `own`
 * stands in for its run's log (the run writing now has it in memory, with what it writes).
 */
export async function readVersionRuns(store: Store, version: string, own?: RunLog): Promise<RunLog[]> {
  const ids = (await store.list())
    .map((r) => r.release)
    .filter((id) => versionOfReleaseId(id) === version && id !== own?.release);
  const out: RunLog[] = own ? [own] : [];
  for (const id of ids) {
    const session = await ReleaseSession.open(store, id);
    if (session.exists) out.push({ release: id, events: session.events });
  }
  return out;
}

// Callers in this process queue here first: the file store's lock waits synchronously, so a second
// holder in the same process would block the event loop the first one needs to finish.
const queued = new Map<string, Promise<void>>();

/**
 * Runs `fn` holding the version's documents lock (Store.exclusive: every process on this store),
 * so that composing, writing and recording a run's documents is never interleaved with another's.
 */
export async function withDocumentsLock<T>(store: Store, version: string, fn: () => Promise<T>): Promise<T> {
  const key = `documents-${version}`;
  const before = queued.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((r) => (done = r));
  const tail = before.then(() => mine);
  queued.set(key, tail);
  await before;
  try {
    return await store.exclusive(key, fn);
  } finally {
    done();
    if (queued.get(key) === tail) queued.delete(key);
  }
}

/**
 * The document files of `version`'s folder, each composed of every run's section. `names` limits
 * them (the documents one run is writing); `own` is that run with what it writes.
 */
export async function composeVersionDocuments(
  store: Store,
  version: string,
  redact: (s: string) => string,
  options: { own?: RunLog; names?: readonly string[] } = {},
): Promise<{ runs: RunDocuments[]; documents: ComposedDocument[] }> {
  const runs = runDocumentsOf(await readVersionRuns(store, version, options.own), redact);
  return { runs, documents: composeDocuments(runs, options.names) };
}
