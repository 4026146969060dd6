/**
 * Step 1.3: what the HUM LEAD must see when the features are not ready — findings per failed
 * system check, and the readiness gate's report. Pure.
 *
 * CRITICAL checks that fail are critical findings (approving needs a recorded waiver); STANDARD
 * checks that fail are warnings, except S1 when every feature it names is already waived (the HUM
 * LEAD accepted those); ADVISORY failures are info.
 */
import type { Finding } from "../core/events.js";
import { gateLine } from "./aggregate-readiness.js";
import type { FeatureReport } from "./feature-types.js";
import { OUTSIDE_REASON } from "../core/contained-path.js";

/** Findings of a feature report. Example: a pending feature → `{severity: "critical", code: "READINESS_C1", …}`. */
export function readinessFindings(
  r: Pick<FeatureReport, "checks" | "features" | "waived"> & Partial<Pick<FeatureReport, "readiness" | "remarks">>,
): Finding[] {
  const out: Finding[] = [];
  if (r.readiness === "NO_FEATURES")
    out.push({
      severity: "info",
      code: "READINESS_NO_FEATURES",
      message:
        "No features were found (paths.features): nothing was assessed, so readiness is not READY but NO_FEATURES.",
    });
  // Files not read because they lead out of the repository: the HUM LEAD sees what was skipped.
  const outside = [...r.features.flatMap((f) => f.remarks), ...(r.remarks ?? [])].filter((m) =>
    m.endsWith(OUTSIDE_REASON),
  );
  if (outside.length)
    out.push({
      severity: "warning",
      code: "READINESS_FILE_OUTSIDE",
      message: `${outside.length} file(s) skipped: ${outside.slice(0, 5).join("; ")}${outside.length > 5 ? "; …" : ""}`,
    });
  for (const c of r.checks) {
    if (c.passed) continue;
    if (c.id === "S1" && c.features.every((n) => r.waived.includes(n))) continue;
    const severity = c.class === "CRITICAL" ? "critical" : c.class === "STANDARD" ? "warning" : "info";
    const first = r.features.find((f) => f.name === c.features[0]);
    const src = c.id === "C1" && first?.source ? `${first.source.file}:${first.source.line}` : undefined;
    out.push({
      severity,
      code: `READINESS_${c.id}`,
      message: `${c.class} ${c.title}: ${c.detail}`,
      ...(src ? { source: src } : {}),
    });
  }
  return out;
}

/** True when the readiness gate must stop the release: a critical finding or a warning. */
export function needsReadinessGate(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "critical" || f.severity === "warning");
}

/** The readiness gate's report: each feature's status and where it was read, the checks, how to go on. */
export function renderReadinessReport(r: FeatureReport, version: string): string {
  const lines = [`FEATURE READINESS — v${version}: ${r.readiness} (${r.recommendation})`, ""];
  lines.push(
    `  CRITICAL ${gateLine(r.gates.critical)}   STANDARD ${gateLine(r.gates.standard)}   ADVISORY ${gateLine(r.gates.advisory)}`,
    "",
  );
  for (const c of r.checks) lines.push(`  ${c.passed ? "✔" : "✘"} ${c.id} [${c.class}] ${c.title} — ${c.detail}`);
  const notReady = r.features.filter((f) => f.status !== "complete");
  if (notReady.length) {
    lines.push("", "Features not complete:");
    for (const f of notReady.slice(0, 50)) {
      lines.push(
        `  - ${f.name}: ${f.status}${f.waived ? " (waived)" : ""}${f.source ? ` — ${f.source.file}:${f.source.line}` : " — nothing readable"}`,
      );
      for (const c of f.contradictions.slice(0, 3)) lines.push(`      reads "${c.reading}" at ${c.file}:${c.line}`);
    }
    if (notReady.length > 50) lines.push(`  … and ${notReady.length - 50} more`);
  }
  if (r.excluded.length) lines.push("", `Excluded from this release: ${r.excluded.join(", ")}.`);
  lines.push(
    "",
    'To go on: waive a feature (`brtops waive NAME --reason T`: it ships, counted as conditional), exclude it (`brtops exclude NAME --reason T`: it is left out), or approve as it is with a recorded waiver (`brtops approve --waive "why"`).',
  );
  return lines.join("\n");
}
