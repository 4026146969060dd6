/**
 * Tables and checklists of readiness documents: risk tables (HIGH / MEDIUM / LOW, columns
 * Risk | Impact | Mitigation | Status), validation tables and lists with ❌ (failed) and 🟡
 * (pending), and unchecked `- [ ]` items (pending). Pure.
 */
import { headingOf, isTableSeparator, plainText, tableCells, proseLines } from "./doc-text.js";
import type { DocItem } from "./readiness-sections.js";
import { sectionOfHeading } from "./readiness-sections.js";

export const RiskLevels = { high: "HIGH", medium: "MEDIUM", low: "LOW", unspecified: "UNSPECIFIED" } as const;
export type RiskLevel = (typeof RiskLevels)[keyof typeof RiskLevels];

export interface Risk {
  level: RiskLevel;
  risk: string;
  impact: string;
  mitigation: string;
  status: string;
  /** False when its status says mitigated, resolved, closed or accepted. */
  open: boolean;
  file: string;
  line: number;
}

export interface TableFacts {
  risks: Risk[];
  failed: DocItem[];
  pending: DocItem[];
}

const FAILED_MARK = /[\u274C\u{1F534}\u2716\u26D4]|\bFAIL(ED)?\b/u;
const PENDING_MARK = /[\u{1F7E1}\u23F3\u231B\u{1F504}]|\bPENDING\b/u;
const CLOSED_RISK = /\b(mitigated|resolved|closed|accepted|done|addressed|completed?)\b|\u2705/i;
const STILL_OPEN = /\b(not|un|partially|open|in progress|pending)\b|\bun(mitigated|resolved|addressed)\b/i;

function levelIn(text: string): RiskLevel | null {
  const t = text.toUpperCase();
  if (/\b(HIGH|CRITICAL|SEVERE)\b|\u{1F534}/u.test(t)) return "HIGH";
  if (/\b(MEDIUM|MODERATE|MED)\b|\u{1F7E0}|\u{1F7E1}/u.test(t)) return "MEDIUM";
  if (/\bLOW\b|\u{1F7E2}/u.test(t)) return "LOW";
  return null;
}

/** Risks, failed and pending validations of one document. */
export function readTables(file: string, lines: readonly string[]): TableFacts {
  const out: TableFacts = { risks: [], failed: [], pending: [] };
  let headingLevel: RiskLevel | null = null;
  let inNotesSection = false;
  let table: { columns: string[]; risk: boolean } | null = null;
  for (const [i, line] of proseLines(lines)) {
    const h = headingOf(line);
    if (h) {
      headingLevel = /risk/i.test(h.text) || levelIn(h.text) ? levelIn(h.text) : null;
      // Known issues and breaking changes are read as such, not as failed checks.
      inNotesSection = sectionOfHeading(h.text) !== null;
      table = null;
      continue;
    }
    const cells = tableCells(line);
    if (!cells) {
      table = null;
      if (inNotesSection) continue;
      const item = /^\s*(?:[-*+]|\d+[.)])\s+(\[[ xX]\]\s+)?(.*)$/.exec(line);
      if (!item) continue;
      const text = plainText(item[2]!);
      if (!text) continue;
      if (item[1] && /\[ \]/.test(item[1])) out.pending.push({ text, file, line: i + 1 });
      else if (/^[\s*_]*[\u274C\u2716\u26D4]/u.test(item[2]!)) out.failed.push({ text, file, line: i + 1 });
      else if (/^[\s*_]*[\u{1F7E1}\u23F3\u231B]/u.test(item[2]!)) out.pending.push({ text, file, line: i + 1 });
      continue;
    }
    if (isTableSeparator(line)) continue;
    if (!table) {
      const columns = cells.map((c) => plainText(c).toLowerCase());
      table = { columns, risk: columns.some((c) => /^risks?\b|risk description/.test(c)) };
      continue;
    }
    if (table.risk) {
      out.risks.push(riskRow(table.columns, cells, headingLevel, file, i + 1));
      continue;
    }
    if (inNotesSection) continue;
    const text = cells
      .map(plainText)
      .filter((c) => c && !/^(fail(ed)?|pending|pass(ed)?)$/i.test(c))
      .join(" — ");
    if (!text) continue;
    const raw = cells.join(" ");
    const bare = cells.map((c) => plainText(c).toLowerCase());
    if (FAILED_MARK.test(raw) || bare.some((c) => /^(fail|failed|failing)$/.test(c)))
      out.failed.push({ text: clip(text), file, line: i + 1 });
    else if (PENDING_MARK.test(raw) || bare.some((c) => /^(pending|not run|not started|todo|in progress)$/.test(c)))
      out.pending.push({ text: clip(text), file, line: i + 1 });
  }
  return out;
}

function riskRow(columns: string[], cells: string[], headingLevel: RiskLevel | null, file: string, line: number): Risk {
  const col = (re: RegExp): string => {
    const idx = columns.findIndex((c) => re.test(c));
    return idx >= 0 ? plainText(cells[idx] ?? "") : "";
  };
  const risk = col(/^risks?\b|risk description/) || plainText(cells[0] ?? "");
  const impact = col(/impact|consequence/);
  const mitigation = col(/mitigation|response|plan/);
  const status = col(/status|state/);
  const levelCol = col(/level|severity|priority|rating|probability/);
  const level = levelIn(levelCol) ?? headingLevel ?? levelIn(impact) ?? levelIn(cells.join(" ")) ?? "UNSPECIFIED";
  const statusRaw = cells[columns.findIndex((c) => /status|state/.test(c))] ?? "";
  return {
    level,
    risk: clip(risk),
    impact: clip(impact),
    mitigation: clip(mitigation),
    status,
    open: !(CLOSED_RISK.test(status || statusRaw) && !STILL_OPEN.test(status)),
    file,
    line,
  };
}

function clip(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
