/**
 * One feature's readiness from everything written about it: its documents, its feature-index
 * entry and its registry entry. Where they disagree the more cautious reading wins and every
 * reading is listed as a contradiction. Pure.
 */
import type { Sev } from "../core/events.js";
import type { FeatureReadiness } from "./feature-types.js";
import type { IndexEntry } from "./parse-feature-index.js";
import type { DocFacts } from "./parse-readiness-doc.js";
import { classifyStatusValue, isTemplatePlaceholder, STATUS_CAUTION, type StatusReading } from "./readiness-status.js";
import { emptySections, NOTE_SECTIONS } from "./readiness-sections.js";
import { SCORE_KINDS } from "./readiness-fields.js";

export interface FeatureInput {
  name: string;
  path: string;
  docs: DocFacts[];
  /** Documents found but not read (binary, empty…), with why. */
  skipped?: { file: string; reason: string }[];
  index?: { file: string; entry: IndexEntry };
  registry?: { file: string; entry: IndexEntry };
  /** Remarks of the reader (truncated files, no readiness folder…). */
  remarks?: string[];
}

/** Assesses one feature. Example: `assessFeature({name: "auth", path: "docs/02_features/auth", docs: [parseReadinessDoc(f, text)]}).status`. */
export function assessFeature(input: FeatureInput): FeatureReadiness {
  const remarks = [...(input.remarks ?? [])];
  for (const s of input.skipped ?? []) remarks.push(`${s.file}: ${s.reason}`);
  const readings: StatusReading[] = input.docs.flatMap((d) => d.readings);
  for (const d of input.docs)
    for (const line of d.placeholders)
      remarks.push(`${d.file}:${line}: unfilled template status (lists the choices): ignored`);
  for (const src of [input.index, input.registry]) {
    if (!src?.entry.status) continue;
    const value = src.entry.status.value;
    const status = isTemplatePlaceholder(value) ? null : classifyStatusValue(value);
    if (status)
      readings.push({ file: src.file, line: src.entry.status.line, reading: `Status: ${value}`.slice(0, 200), status });
    else
      remarks.push(`${src.file}:${src.entry.status.line}: status "${value.slice(0, 60)}" states no readiness: ignored`);
  }

  let winner: StatusReading | null = null;
  for (const r of readings) {
    if (!winner || STATUS_CAUTION[r.status] > STATUS_CAUTION[winner.status]) winner = r;
    // Equally cautious: cite the framework's own status document first.
    else if (STATUS_CAUTION[r.status] === STATUS_CAUTION[winner.status] && fileRank(r.file) < fileRank(winner.file))
      winner = r;
  }
  const distinct = new Set(readings.map((r) => r.status));
  const contradictions = distinct.size > 1 ? readings.map((r) => ({ ...r })) : [];
  if (winner && distinct.size > 1) {
    remarks.push(
      `the documents disagree (${[...distinct].join(", ")}): the most cautious reading wins, ${winner.status} at ${winner.file}:${winner.line}`,
    );
  }
  if (!winner)
    remarks.push(
      input.docs.length === 0 ? "no readiness documents: pending" : "no readable status line in its documents: pending",
    );

  const scores: FeatureReadiness["scores"] = {};
  for (const kind of SCORE_KINDS) {
    const values = input.docs.flatMap((d) => d.fields.scores[kind] ?? []).map((r) => r.value);
    // The lowest score stated is the one to rely on.
    if (values.length > 0) scores[kind] = Math.min(...values);
  }

  const sevs: Sev[] = [
    ...input.docs.flatMap((d) => d.fields.sev.map((s) => s.value)),
    ...[input.index?.entry.sev, input.registry?.entry.sev].filter((s): s is Sev => s !== null && s !== undefined),
  ];
  const notes = emptySections();
  for (const d of input.docs) for (const k of NOTE_SECTIONS) notes[k].push(...d.sections[k]);
  for (const k of NOTE_SECTIONS) notes[k] = dedupe(notes[k]);

  const method = input.docs.flatMap((d) => d.fields.deploymentMethod)[0];
  return {
    name: input.name,
    path: input.path,
    status: winner ? winner.status : "pending",
    source: winner ? { file: winner.file, line: winner.line } : null,
    sev: sevs.length > 0 ? (Math.min(...sevs) as Sev) : null,
    scores,
    failed: input.docs.flatMap((d) => d.tables.failed),
    pending: input.docs.flatMap((d) => d.tables.pending),
    risks: input.docs.flatMap((d) => d.tables.risks),
    breakingChanges: notes.breakingChanges,
    knownIssues: notes.knownIssues,
    notes,
    deploymentMethod: method ? method.value : null,
    contradictions,
    files: input.docs.map((d) => d.file),
    remarks,
  };
}

const FILE_RANK: RegExp[] = [/validation-report\.md$/i, /deployment-readiness\.md$/i, /07-readiness\//i];

function fileRank(file: string): number {
  const i = FILE_RANK.findIndex((re) => re.test(file));
  return i < 0 ? FILE_RANK.length : i;
}

/** The same sentence in release-notes.md and in the validation report is one item. */
function dedupe<T extends { text: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = i.text.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
