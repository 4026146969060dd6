/**
 * Release-notes sections of readiness documents (New Features, Enhancements, Bug Fixes, Breaking
 * Changes, Migration, Known Issues), however they are headed: `## 🚀 New Features`,
 * `### 3. Known Issues & Workarounds`, `**Breaking Changes:**`. Pure.
 */
import { headingOf, isTableSeparator, plainText, tableCells } from "./doc-text.js";

export const NOTE_SECTIONS = [
  "newFeatures",
  "enhancements",
  "bugFixes",
  "breakingChanges",
  "migration",
  "knownIssues",
] as const;
export type NoteSection = (typeof NOTE_SECTIONS)[number];

/** One item of a document, with where it was read. */
export interface DocItem {
  text: string;
  file: string;
  line: number;
}

export type NoteSections = Record<NoteSection, DocItem[]>;

export function emptySections(): NoteSections {
  return { newFeatures: [], enhancements: [], bugFixes: [], breakingChanges: [], migration: [], knownIssues: [] };
}

const SECTION_NAMES: [NoteSection, RegExp][] = [
  ["breakingChanges", /^breaking changes?( (and|&) (migration|upgrade notes?))?$|^breaking$/],
  [
    "migration",
    /^(migration|migrations|upgrade|upgrading)( guide| notes| steps| instructions| path)?$|^how to (upgrade|migrate)$/,
  ],
  [
    "knownIssues",
    /^known (issues|limitations|bugs|problems)( (and|&) (workarounds|limitations))?$|^(limitations|workarounds)$/,
  ],
  ["bugFixes", /^(bug ?fixes|fixes|fixed|bugs fixed|resolved issues|defect fixes)$/],
  ["enhancements", /^(enhancements?|improvements?|changed|changes|performance improvements)$/],
  [
    "newFeatures",
    /^(new features?|features?|features added|added|what'?s new|highlights?|new capabilities|feature highlights)$/,
  ],
];

/** The section a heading names, if any. */
export function sectionOfHeading(text: string): NoteSection | null {
  const t = plainText(text)
    .toLowerCase()
    .replace(/^[\d.)\s]+/, "")
    .replace(/[:.]$/, "")
    .trim();
  for (const [name, re] of SECTION_NAMES) if (re.test(t)) return name;
  return null;
}

const NOTHING =
  /^(none|n\/?a|nil|nothing|tbd|-+|—|no\b.{0,60}\b(changes?|issues?|migration|required|needed|known|identified|expected|breaking)\b.{0,30})\.?$/i;

/** "None", "N/A", "No breaking changes." say the section is empty. */
export function isNothing(text: string): boolean {
  return NOTHING.test(text.trim());
}

/**
 * Items under each release-notes heading of a document: list items (top level), table rows
 * (cells joined), or plain paragraph lines when the section has neither.
 */
export function readNoteSections(file: string, lines: readonly string[]): NoteSections {
  const out = emptySections();
  let current: { section: NoteSection; level: number } | null = null;
  let paragraph: DocItem[] = [];
  let listed = false;
  let tableHeader = false;
  let inFence = false;
  const flush = (): void => {
    if (current && !listed) for (const p of paragraph) out[current.section].push(p);
    paragraph = [];
    listed = false;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const h = headingOf(line);
    if (h) {
      const section = sectionOfHeading(h.text);
      if (section) {
        flush();
        current = { section, level: h.level };
        tableHeader = true;
        continue;
      }
      // A heading of the same or a higher level ends the section; a deeper one is part of it.
      // A bold line alone inside a "#" section is emphasis, not a new section.
      if (current && (current.level === 7 || (h.level !== 7 && h.level <= current.level))) {
        flush();
        current = null;
      }
      continue;
    }
    if (!current) continue;
    const cells = tableCells(line);
    if (cells) {
      if (isTableSeparator(line)) continue;
      if (tableHeader) {
        tableHeader = false; // the first row of a table is its header
        continue;
      }
      const text = cells.map(plainText).filter(Boolean).join(" — ");
      if (text && !isNothing(text)) out[current.section].push({ text: clip(text), file, line: i + 1 });
      listed = true;
      continue;
    }
    tableHeader = true;
    const item = /^([-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$/.exec(line);
    if (item) {
      const text = plainText(item[2]!);
      if (text && !isNothing(text)) out[current.section].push({ text: clip(text), file, line: i + 1 });
      listed = true;
      continue;
    }
    const text = plainText(line);
    if (text && !/^\s/.test(line) && !isNothing(text) && !/^-{3,}$/.test(text))
      paragraph.push({ text: clip(text), file, line: i + 1 });
  }
  flush();
  return out;
}

function clip(s: string): string {
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}
