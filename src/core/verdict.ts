/**
 * What a step's result means, in one word: the verdict every face shows the same way (CLI marks,
 * gate reports, documents, `status --json`, the API, MCP, the dashboard). ✔ is for `pass` only.
 */
import type { Finding, Sev } from "./events.js";

export const Verdicts = {
  pass: "pass",
  warn: "warn",
  fail: "fail",
  notApplicable: "not-applicable",
  notConfigured: "not-configured",
  skipped: "skipped",
} as const;
export type Verdict = (typeof Verdicts)[keyof typeof Verdicts];

export const VERDICTS: readonly Verdict[] = Object.values(Verdicts);

/** The one symbol table for display. Example: `VERDICT_MARKS["fail"]` → "✘". */
export const VERDICT_MARKS: Readonly<Record<Verdict, string>> = {
  pass: "✔",
  warn: "⚠",
  fail: "✘",
  "not-applicable": "⊘",
  "not-configured": "○",
  skipped: "–",
};

/** Words for a verdict where a mark alone is not enough (documents, the dashboard). */
export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  pass: "PASS",
  warn: "WARN",
  fail: "FAIL",
  "not-applicable": "NOT APPLICABLE",
  "not-configured": "NOT CONFIGURED",
  skipped: "SKIPPED",
};

export function isVerdict(v: unknown): v is Verdict {
  return typeof v === "string" && (VERDICTS as readonly string[]).includes(v);
}

/** "✘ FAIL" — the mark and the word, for text where both help. */
export function verdictTag(v: Verdict): string {
  return `${VERDICT_MARKS[v]} ${VERDICT_LABELS[v]}`;
}

/**
 * How much a check that is not configured weighs, by SEV (issue 11): at SEV-0/1 a finding that
 * needs a waiver (critical), at SEV-2 a STANDARD finding (warning), at SEV-3 and lower advisory (info).
 */
export function unconfiguredSeverity(sev: Sev | null): Finding["severity"] {
  if (sev === null) return "warning";
  if (sev <= 1) return "critical";
  return sev === 2 ? "warning" : "info";
}

/** The finding for an unconfigured check (`INTEGRATION_NOT_CONFIGURED`, …) at the release's SEV. */
export function unconfiguredFinding(sev: Sev | null, check: string, what: string, source: string): Finding {
  const severity = unconfiguredSeverity(sev);
  const weight =
    severity === "critical"
      ? "approving needs a recorded waiver"
      : severity === "warning"
        ? "a STANDARD finding"
        : "advisory";
  return {
    severity,
    code: `${check.toUpperCase()}_NOT_CONFIGURED`,
    message: `No ${what} is configured, so nothing was checked — not a pass (${sev === null ? "SEV not assessed" : `SEV-${sev}`}: ${weight}).`,
    source,
  };
}
