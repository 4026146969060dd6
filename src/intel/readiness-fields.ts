/**
 * Single-value fields of readiness documents: SEV level (`**SEV Level**: SEV-2`, `[SEV-1]`),
 * scores (`**Security Score**: 95/100`, `| Performance Score | 88% |`) and the deployment method
 * (`**Deployment Method**: blue-green`). Pure.
 */
import type { Sev } from "../core/events.js";
import { plainText, tableCells, proseLines } from "./doc-text.js";

export interface FieldReading<T> {
  value: T;
  file: string;
  line: number;
}

export const SCORE_KINDS = ["validation", "performance", "security"] as const;
export type ScoreKind = (typeof SCORE_KINDS)[number];

export interface DocFields {
  sev: FieldReading<Sev>[];
  scores: Partial<Record<ScoreKind, FieldReading<number>[]>>;
  deploymentMethod: FieldReading<string>[];
}

const SEV_TAG = /\bSEV[-\s]?([0-5])\b/i;

/** "SEV-2", "[SEV-1]", "sev 0" → the level. */
export function sevIn(text: string): Sev | null {
  const m = SEV_TAG.exec(text);
  return m ? (Number(m[1]) as Sev) : null;
}

/** A score in percent: "92/100" → 92, "4.5/5" → 90, "88%" → 88; null when there is no number. */
export function parseScore(text: string): number | null {
  const m = /(\d{1,4}(?:\.\d+)?)\s*(?:\/\s*(\d{1,4}(?:\.\d+)?))?\s*(%)?/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const of = m[2] ? Number(m[2]) : 100;
  if (!Number.isFinite(n) || !Number.isFinite(of) || of <= 0) return null;
  const pct = (n / of) * 100;
  return pct >= 0 && pct <= 100 ? Math.round(pct * 10) / 10 : null;
}

function scoreKind(key: string): ScoreKind | null {
  const k = key.toLowerCase();
  if (!/score|rating/.test(k)) return null;
  if (/secur/.test(k)) return "security";
  if (/perf/.test(k)) return "performance";
  if (/^(overall |total |final |quality |validation |readiness |feature )*(validation )?(score|rating)$/.test(k.trim()))
    return "validation";
  return null;
}

const METHODS: [string, RegExp][] = [
  ["blue-green", /blue[\s/-]*green/i],
  ["canary", /canary/i],
  ["rolling", /rolling/i],
  ["feature-flag", /feature[\s-]*flag|toggle|dark launch/i],
  ["recreate", /recreate|big[\s-]*bang/i],
];

/** The canonical name of a deployment method ("Blue/Green deployment" → "blue-green"), or the text itself. */
export function deploymentMethodOf(value: string): string {
  for (const [name, re] of METHODS) if (re.test(value)) return name;
  return plainText(value).slice(0, 80);
}

/** SEV, scores and deployment method of one document. */
export function readFields(file: string, lines: readonly string[]): DocFields {
  const out: DocFields = { sev: [], scores: {}, deploymentMethod: [] };
  for (const [i, line] of proseLines(lines)) {
    const kv = keyValue(line);
    if (!kv) {
      // A SEV tag in a heading ("# Payments [SEV-1]") is the feature's SEV.
      if (/^#{1,3}\s/.test(line)) {
        const sev = sevIn(line);
        if (sev !== null) out.sev.push({ value: sev, file, line: i + 1 });
      }
      continue;
    }
    const key = kv.key.toLowerCase();
    if (/\b(sev|severity)\b/.test(key) && !/\b(risk|issue|bug|incident)\b/.test(key)) {
      const sev = sevIn(kv.value);
      if (sev !== null) out.sev.push({ value: sev, file, line: i + 1 });
      continue;
    }
    const kind = scoreKind(kv.key);
    if (kind) {
      const score = parseScore(plainText(kv.value));
      if (score !== null) (out.scores[kind] ??= []).push({ value: score, file, line: i + 1 });
      continue;
    }
    if (/(deployment|rollout|release) (method|strategy|approach|type|pattern)/.test(key)) {
      if (!/[|]/.test(kv.value) || kv.fromTable)
        out.deploymentMethod.push({ value: deploymentMethodOf(kv.value), file, line: i + 1 });
    }
  }
  return out;
}

/** `**Key**: value`, `- Key: value`, or a two-column table row `| Key | value |`. */
function keyValue(line: string): { key: string; value: string; fromTable: boolean } | null {
  const cells = tableCells(line);
  if (cells) {
    if (cells.length < 2) return null;
    const key = plainText(cells[0]!);
    const value = cells[1]!;
    return key && value ? { key, value, fromTable: true } : null;
  }
  if (/^\s{2,}\S/.test(line)) return null;
  const t = line
    .replace(/^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)?/, "")
    .replace(/\*\*|__|`/g, "")
    .trim();
  const m = /^([^:：\n]{1,60}?)\s*[:：]\s*(.+)$/.exec(t);
  if (!m) return null;
  return { key: plainText(m[1]!), value: m[2]!.trim(), fromTable: false };
}
