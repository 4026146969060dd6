/**
 * One version, many runs (DESIGN "Releases, environments and what runs where"): the documents of
 * `v{version}/` are the record of every run of the version that wrote them. A document file is
 * composed of one section per such run, in the order the runs were requested: the version's first
 * run (its id is the plain version) exactly as its own rendering, so a version with one run reads
 * as it always did; every later run (a promotion, another environment, a new attempt) under a
 * heading that names its id, its environment and attempt, the run whose package it promotes and
 * the earlier attempts it follows. Pure: the caller reads the logs and renders each run's sections.
 *
 * Every part of a heading comes from what cannot change once the run exists (its ReleaseRequested,
 * and how each earlier attempt stood when this one was requested), so recomposing later
 * reproduces the file byte for byte.
 */
import type { Actor, Promotion } from "../events.js";
import type { StateName } from "../release-state.js";
import { md } from "./render-common.js";
import { byCodeUnit } from "../text-order.js";

export interface RunDocuments {
  /** The run's id (the store key): "1.1.0", "1.1.0@production", "1.1.0@production~2". */
  release: string;
  version: string;
  environment: string;
  attempt: number;
  requestedAt: string;
  requestedBy: Actor;
  promotion: Promotion | null;
  /** Earlier attempts of this version on this environment, oldest first, and how each stood when this run was requested (null: its log is not in the store). */
  earlier: { release: string; state: StateName | null }[];
  /** This run's own rendering of each document it wrote (name → text). */
  documents: Readonly<Record<string, string>>;
}

export interface ComposedDocument {
  name: string;
  text: string;
  /** The runs whose sections the file holds, in order. */
  runs: string[];
}

/** The version's runs in the order they were requested (the first run, whose id is the version, first). */
export function orderRuns<T extends Pick<RunDocuments, "release" | "version" | "requestedAt" | "attempt">>(
  runs: readonly T[],
): T[] {
  const rank = (r: T) => (r.release === r.version ? 0 : 1);
  return [...runs].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      byCodeUnit(a.requestedAt, b.requestedAt) ||
      a.attempt - b.attempt ||
      byCodeUnit(a.release, b.release),
  );
}

const ENDED: Partial<Record<StateName, string>> = {
  aborted: "ended aborted",
  "rolled-back": "ended rolled back",
  failed: "ended failed",
  certified: "ended certified",
};

function earlierText(e: { release: string; state: StateName | null }): string {
  if (e.state === null) return `${e.release} (its log is not in this store)`;
  return `${e.release} ${ENDED[e.state] ?? `was ${e.state}`}`;
}

/**
 * The heading of a later run's section, e.g.
 * "## Run 1.1.0@production — production, attempt 1 (promotion of 1.1.0 from staging)" or
 * "## Run 1.1.0@staging~2 — staging, attempt 2 (earlier attempt 1.1.0 ended aborted)",
 * then one line with who requested it and, for a promotion, the package and any override.
 */
export function runHeading(run: RunDocuments): string {
  const notes: string[] = [];
  const p = run.promotion;
  if (p) notes.push(`promotion of ${p.from}${p.environment ? ` from ${p.environment}` : ""}`);
  if (run.earlier.length)
    notes.push(
      `${run.earlier.length === 1 ? "earlier attempt" : "earlier attempts"} ${run.earlier.map(earlierText).join(", ")}`,
    );
  const title = `## Run ${run.release} — ${md(run.environment)}, attempt ${run.attempt}${notes.length ? ` (${notes.join("; ")})` : ""}`;
  const facts = [`Requested by ${run.requestedBy.id} (${run.requestedBy.role}) at ${run.requestedAt}.`];
  if (p) {
    facts.push(
      `Deploys the package approved in run ${p.from} (commit \`${p.package.commit.slice(0, 12)}\`${p.package.artifacts.length ? `, ${p.package.artifacts.length} artifact${p.package.artifacts.length === 1 ? "" : "s"}` : ""}).`,
    );
    if (p.override) facts.push(`Promotion order overridden by ${md(p.override.by)}: ${md(p.override.reason)}.`);
  }
  return `${title}\n\n${facts.join(" ")}\n`;
}

const SEPARATOR = "\n---\n\n";

/**
 * Each document any run wrote, composed from the sections of every run that wrote it. `names`
 * limits the output to those documents (a phase's, when one run writes them).
 */
export function composeDocuments(runs: readonly RunDocuments[], names?: readonly string[]): ComposedDocument[] {
  const ordered = orderRuns(runs);
  const first = ordered[0];
  const all = names ?? [...new Set(ordered.flatMap((r) => Object.keys(r.documents)))];
  const out: ComposedDocument[] = [];
  for (const name of all) {
    const writers = ordered.filter((r) => r.documents[name] !== undefined);
    if (writers.length === 0) continue;
    let text = "";
    for (const r of writers) {
      const body = r.documents[name]!;
      // The version's first run is recorded as it always was; a later run under its heading.
      const section = r === first && r.release === r.version ? body : `${runHeading(r)}\n${body}`;
      text += text === "" ? section : `${text.endsWith("\n") ? "" : "\n"}${SEPARATOR}${section}`;
    }
    out.push({ name, text, runs: writers.map((r) => r.release) });
  }
  return out;
}
