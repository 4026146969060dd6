/**
 * Reading a feature's readiness status from the many ways real documents write it:
 * `**Validation Status**: COMPLETE`, `## Feature Validation Status: ✅ PRODUCTION READY`,
 * `**STATUS: ✅ APPROVED FOR PRODUCTION**`, `- deployment status: not_ready`, `**Decision**: NO-GO`.
 * Pure. Each reading keeps its line so a report can say where it came from.
 */
import { plainText, proseLines } from "./doc-text.js";

export const FeatureStatuses = {
  complete: "complete",
  conditional: "conditional",
  inProgress: "in-progress",
  blocked: "blocked",
  pending: "pending",
} as const;
export type FeatureStatus = (typeof FeatureStatuses)[keyof typeof FeatureStatuses];

/**
 * How cautious a reading is; when documents disagree the highest wins. "pending" (nothing readable)
 * is never a reading, only the absence of one.
 */
export const STATUS_CAUTION: Readonly<Record<FeatureStatus, number>> = {
  complete: 0,
  conditional: 1,
  pending: 2,
  "in-progress": 2,
  blocked: 3,
};

export interface StatusReading {
  file: string;
  line: number;
  /** The text as written after the key, e.g. "✅ PRODUCTION READY". */
  reading: string;
  status: Exclude<FeatureStatus, "pending">;
}

// Checked in this order: negations first ("NOT READY" holds "READY", "NO-GO" holds "GO").
const BLOCKED =
  /\b(NOT (READY|APPROVED|PRODUCTION READY|CERTIFIED|VALIDATED)|NO GO|BLOCKED|BLOCKER|BLOCKING|REJECTED|FAILED|FAILING|FAIL|HALTED|ON HOLD|DO NOT (DEPLOY|RELEASE|SHIP)|UNSAFE)\b/;
const BLOCKED_EMOJI = /[\u274C\u26D4\u{1F6AB}\u{1F6D1}\u{1F534}\u2716]/u;
const IN_PROGRESS =
  /\b(IN PROGRESS|ONGOING|WIP|WORK IN PROGRESS|DRAFT|PENDING|NOT STARTED|NOT COMPLETE|NOT DONE|INCOMPLETE|TO ?DO|UNDER REVIEW|IN REVIEW|IN TESTING|TESTING|PARTIAL|PARTIALLY (COMPLETE|DONE|VALIDATED)|STARTED|PLANNED|TBD)\b/;
const IN_PROGRESS_EMOJI = /[\u{1F7E1}\u23F3\u{1F504}\u{1F6A7}\u231B]/u;
const CONDITIONAL =
  /\b(CONDITIONAL|CONDITIONALLY|CONDITIONS|WITH (CAVEATS|RESERVATIONS|EXCEPTIONS|RISKS|KNOWN ISSUES)|CONDITIONAL GO|CAVEATS?|LIMITED RELEASE|APPROVED WITH|WITH CAUTION|CAUTION)\b/;
const CONDITIONAL_EMOJI = /\u26A0/u;
const COMPLETE =
  /\b(COMPLETE|COMPLETED|CERTIFIED|READY|APPROVED|GO|PASSED|PASS|VALIDATED|DONE|SHIPPED|RELEASED|DEPLOYED|SUCCESS|SUCCESSFUL|ACCEPTED|FINISHED|VERIFIED|PROCEED)\b/;
const COMPLETE_EMOJI = /[\u2705\u2714\u{1F7E2}\u2611]/u;

/** The status a value states, or null when it states none. Example: `classifyStatusValue("✅ PRODUCTION READY")` → "complete". */
export function classifyStatusValue(value: string): Exclude<FeatureStatus, "pending"> | null {
  const words = plainText(value)
    .toUpperCase()
    .replace(/[_-]+/g, " ")
    // "no blockers", "0 failed tests" state an absence, not the thing.
    .replace(
      /\b(NO|ZERO|0|WITHOUT) (OPEN |KNOWN )?(BLOCKERS?|BLOCKING( ISSUES)?|FAILURES?|FAILED( TESTS| CHECKS)?|ISSUES|CONDITIONS|CAVEATS|RISKS|PENDING( ITEMS)?)\b/g,
      " ",
    );
  if (BLOCKED.test(words) || BLOCKED_EMOJI.test(value)) return "blocked";
  if (IN_PROGRESS.test(words) || IN_PROGRESS_EMOJI.test(value)) return "in-progress";
  if (CONDITIONAL.test(words) || CONDITIONAL_EMOJI.test(value)) return "conditional";
  if (COMPLETE.test(words) || COMPLETE_EMOJI.test(value)) return "complete";
  return null;
}

/**
 * An unfilled template line lists the choices: `IN_PROGRESS | COMPLETE | BLOCKED`. It states
 * nothing, so it is not a reading.
 */
export function isTemplatePlaceholder(value: string): boolean {
  const parts = value.split(/\s*(?:\||\/|\bor\b)\s*/i).filter((p) => p.trim() !== "");
  if (parts.length < 2)
    return (
      /\[[^\]]*\]|\{[^}]*\}|<[^>]*>/.test(value) &&
      classifyStatusValue(value.replace(/\[[^\]]*\]|\{[^}]*\}|<[^>]*>/g, "")) === null
    );
  const kinds = new Set(parts.map((p) => classifyStatusValue(p)).filter((k) => k !== null));
  return kinds.size >= 2;
}

const STATUS_KEY = /(status|decision|verdict|recommendation|readiness|outcome|certification)$/i;
// A status about something else than the feature (a risk, an issue, a ticket) is not the feature's.
const OTHER_SUBJECT =
  /\b(risk|issue|bug|mitigation|ticket|task|pr|pull request|dependency|dependencies|incident|rollback|backup|migration)\b/i;

/** Key and value of a status line in any of its written forms, or null. */
export function splitStatusLine(line: string): { key: string; value: string } | null {
  // Subordinate lines (indented list items) describe parts, not the feature.
  if (/^\s{2,}\S/.test(line) || /^\s*\|/.test(line)) return null;
  let t = line.replace(/^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)?/, "");
  t = t.replace(/\*\*|__|`/g, "").trim();
  const m = /^([^:：=\n]{1,60}?)\s*(?:[:：=]|\s[—–-]\s)\s*(.+)$/.exec(t);
  if (!m) return null;
  const key = plainText(m[1]!);
  const value = m[2]!.trim();
  if (!STATUS_KEY.test(key) || OTHER_SUBJECT.test(key) || value === "") return null;
  return { key, value };
}

/** Every status reading among these lines (1-based line numbers). */
export function readStatusLines(
  file: string,
  lines: readonly string[],
): { readings: StatusReading[]; placeholders: number[] } {
  const readings: StatusReading[] = [];
  const placeholders: number[] = [];
  for (const [i, line] of proseLines(lines)) {
    const kv = splitStatusLine(line);
    if (!kv) continue;
    if (isTemplatePlaceholder(kv.value)) {
      placeholders.push(i + 1);
      continue;
    }
    const status = classifyStatusValue(kv.value);
    if (status) readings.push({ file, line: i + 1, reading: plainTextKeepEmoji(`${kv.key}: ${kv.value}`), status });
  }
  return { readings, placeholders };
}

function plainTextKeepEmoji(s: string): string {
  return s
    .replace(/\*\*|__|`/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
}

/** The most cautious of these statuses; "pending" when there are none. */
export function mostCautious(statuses: readonly FeatureStatus[]): FeatureStatus {
  let best: FeatureStatus | null = null;
  for (const s of statuses) if (best === null || STATUS_CAUTION[s] > STATUS_CAUTION[best]) best = s;
  return best ?? "pending";
}
