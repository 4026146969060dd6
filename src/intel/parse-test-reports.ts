/**
 * Test reports as tools write them: JUnit XML (any runner's flavour, nested suites), TAP (13/14,
 * indented subtests, TODO/SKIP directives, Bail out!) and `npm audit --json` (report versions 1
 * and 2). Tolerant, bounded, no XML library: only the elements and attributes named here matter.
 * Pure.
 */
import { alphabetical } from "../core/text-order.js";

export interface TestCaseFailure {
  name: string;
  message: string;
}

export interface TestSummary {
  format: "junit" | "tap";
  tests: number;
  failed: number;
  skipped: number;
  failures: TestCaseFailure[];
  /** The report's own complaints: a TAP plan not met, "Bail out!". */
  problems: string[];
}

export const AUDIT_LEVELS = ["info", "low", "moderate", "high", "critical"] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];

export interface AuditSummary {
  format: "npm-audit";
  counts: Record<AuditLevel, number>;
  vulnerabilities: { name: string; severity: AuditLevel; title: string; range: string; fixAvailable: boolean }[];
}

const MAX_FAILURES = 50;

function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? decodeEntities(m[2] ?? m[3] ?? "") : null;
}

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k === "lt") return "<";
    if (k === "gt") return ">";
    if (k === "amp") return "&";
    if (k === "quot") return '"';
    if (k === "apos") return "'";
    const code = k.startsWith("#x") ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
  });
}

/** JUnit XML. Example: `parseJUnit('<testsuite tests="2" failures="1">…</testsuite>').failed` → 1. */
export function parseJUnit(xml: string): TestSummary {
  const out: TestSummary = { format: "junit", tests: 0, failed: 0, skipped: 0, failures: [], problems: [] };
  const text = xml
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, c: string) => c.replace(/</g, "&lt;"))
    .replace(/<!--[\s\S]*?-->/g, "");
  const caseRe = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase\s*>)/g;
  let cases = 0;
  for (let m = caseRe.exec(text); m; m = caseRe.exec(text)) {
    cases++;
    const attrs = m[1]!;
    const body = m[2] ?? "";
    const name = [attr(attrs, "classname"), attr(attrs, "name")].filter(Boolean).join(" › ") || `test ${cases}`;
    const fail = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1\s*>)/.exec(body);
    if (fail) {
      out.failed++;
      if (out.failures.length < MAX_FAILURES) {
        const message = attr(fail[2]!, "message") ?? decodeEntities((fail[3] ?? "").trim().split("\n")[0] ?? "");
        out.failures.push({ name, message: (message || fail[1]!).slice(0, 300) });
      }
    } else if (/<skipped\b/.test(body)) out.skipped++;
  }
  out.tests = cases;
  if (cases === 0) {
    // Only suite totals (some tools write no testcase elements).
    const suiteRe = /<testsuite\b([^>]*)>/g;
    for (let m = suiteRe.exec(text); m; m = suiteRe.exec(text)) {
      const n = (k: string): number => Number(attr(m[1]!, k) ?? 0) || 0;
      out.tests += n("tests");
      out.failed += n("failures") + n("errors");
      out.skipped += n("skipped") + n("disabled");
    }
    if (out.failed > 0)
      out.failures.push({ name: "test suite", message: `${out.failed} failure(s) reported by the suite totals` });
  }
  return out;
}

/** TAP output. Example: `parseTap("1..2\nok 1 - a\nnot ok 2 - b\n").failed` → 1. */
export function parseTap(text: string): TestSummary {
  const out: TestSummary = { format: "tap", tests: 0, failed: 0, skipped: 0, failures: [], problems: [] };
  const lines = text.split(/\r?\n/);
  const re = /^(\s*)(not )?ok\b\s*(\d+)?\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(?:(TODO|SKIP)\S*)?\s*(.*))?$/i;
  let minIndent = Infinity;
  for (const l of lines) {
    const m = re.exec(l);
    if (m) minIndent = Math.min(minIndent, m[1]!.length);
  }
  let plan: number | null = null;
  for (const l of lines) {
    const p = /^\s*1\.\.(\d+)/.exec(l);
    if (p && /^\S/.test(l)) plan = Number(p[1]);
    if (/^\s*Bail out!/.test(l)) out.problems.push(l.trim().slice(0, 300));
    const m = re.exec(l);
    if (!m) continue;
    const top = m[1]!.length === minIndent;
    const notOk = m[2] !== undefined;
    const directive = m[5]?.toUpperCase();
    if (top) {
      out.tests++;
      if (directive === "SKIP") out.skipped++;
      else if (notOk && directive !== "TODO") out.failed++;
    }
    if (notOk && directive !== "TODO" && directive !== "SKIP" && out.failures.length < MAX_FAILURES) {
      out.failures.push({
        name: (m[4] || `test ${m[3] ?? "?"}`).trim().slice(0, 200),
        message: top ? "not ok" : "not ok (subtest)",
      });
    }
  }
  if (plan !== null && out.tests < plan) out.problems.push(`planned ${plan} tests, ${out.tests} ran`);
  return out;
}

function level(s: unknown): AuditLevel {
  const v = String(s ?? "").toLowerCase();
  return (AUDIT_LEVELS as readonly string[]).includes(v) ? (v as AuditLevel) : "info";
}

/** `npm audit --json` (v6 "advisories" or v7+ "vulnerabilities"); null when the text is not one. */
export function parseNpmAudit(text: string): AuditSummary | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!data || typeof data !== "object") return null;
  const d = data as Record<string, unknown>;
  const out: AuditSummary = {
    format: "npm-audit",
    counts: { info: 0, low: 0, moderate: 0, high: 0, critical: 0 },
    vulnerabilities: [],
  };
  if (d.vulnerabilities && typeof d.vulnerabilities === "object") {
    for (const [name, v] of Object.entries(d.vulnerabilities as Record<string, Record<string, unknown>>)) {
      const via = Array.isArray(v.via) ? v.via : [];
      const advisory = via.find((x): x is Record<string, unknown> => typeof x === "object" && x !== null);
      out.vulnerabilities.push({
        name,
        severity: level(v.severity),
        title: String(advisory?.title ?? `via ${via.filter((x) => typeof x === "string").join(", ")}`),
        range: String(v.range ?? ""),
        fixAvailable: Boolean(v.fixAvailable),
      });
    }
  } else if (d.advisories && typeof d.advisories === "object") {
    for (const a of Object.values(d.advisories as Record<string, Record<string, unknown>>)) {
      out.vulnerabilities.push({
        name: String(a.module_name ?? "?"),
        severity: level(a.severity),
        title: String(a.title ?? ""),
        range: String(a.vulnerable_versions ?? ""),
        fixAvailable: Boolean(a.patched_versions),
      });
    }
  } else if (!("auditReportVersion" in d) && !("metadata" in d)) return null;
  const meta = (d.metadata as Record<string, unknown> | undefined)?.vulnerabilities as
    Record<string, unknown> | undefined;
  for (const l of AUDIT_LEVELS)
    out.counts[l] =
      meta && typeof meta[l] === "number" ? meta[l] : out.vulnerabilities.filter((v) => v.severity === l).length;
  out.vulnerabilities.sort(
    (a, b) => AUDIT_LEVELS.indexOf(b.severity) - AUDIT_LEVELS.indexOf(a.severity) || alphabetical(a.name, b.name),
  );
  out.vulnerabilities = out.vulnerabilities.slice(0, 200);
  return out;
}

/** Which report a text is: JUnit XML, npm audit JSON, TAP, or none. */
export function detectReportFormat(text: string): "junit" | "npm-audit" | "tap" | null {
  const t = text.trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<testsuites?\b/.test(t)) return "junit";
  if (t.startsWith("{") && /"(auditReportVersion|vulnerabilities|advisories)"/.test(t.slice(0, 100_000)))
    return "npm-audit";
  if (/^TAP version \d+/m.test(t) || /^\s*(not )?ok \d+\b/m.test(t)) return "tap";
  return null;
}
