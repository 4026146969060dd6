/**
 * system-validation-report.md (spec 3.11.1): the system tests as steps 3.1–3.3 recorded them
 * (commands, outcomes, tests, failures, vulnerabilities), user acceptance sign-offs (3.4, counted
 * again from the log so that sign-offs given while the gate was open appear), the findings, and
 * the HUM LEAD's decision with any waiver. Pure: only the log is read.
 */
import type { Finding } from "../events.js";
import { assessSignoffs } from "../../intel/assess-signoffs.js";
import type { TestOutcome } from "../../intel/assess-test-run.js";
import { signoffsFromEvents } from "../../intel/signoffs-from-events.js";
import { stepResult, type DocContext } from "./doc-context.js";
import { conversationSection, decisionsSection, header, md, skippedNotice, timelineSection } from "./render-common.js";
import { releaseRecord } from "./render-changelog.js";
import { recordVerdict } from "./gate-report.js";
import { verdictTag } from "../verdict.js";

type Run = TestOutcome & { outputTail?: string; report?: string | null };

const AREAS = [
  { step: "3.1", title: "Cross-feature integration testing", short: "Integration" },
  { step: "3.2", title: "System-wide performance testing", short: "Performance" },
  { step: "3.3", title: "Security validation", short: "Security" },
] as const;

/** The step's recorded verdict, as every face shows it. */
function verdict(ctx: DocContext, step: string): string {
  const v = recordVerdict(ctx.state.steps[step]);
  return v ? verdictTag(v) : "— NOT RUN";
}

function runSection(run: Run): string[] {
  const out = [`### ${md(run.name)} — ${run.passed ? "✅ passed" : "❌ failed"}`, ""];
  out.push(`- Outcome: ${md(run.outcome)}; read as ${run.format}${run.report ? ` from \`${md(run.report)}\`` : ""}`);
  if (run.tests) out.push(`- Tests: ${run.tests.tests} run, ${run.tests.failed} failed, ${run.tests.skipped} skipped`);
  for (const f of run.tests?.failures ?? [])
    out.push(`  - ❌ ${md(f.name)}${f.message && f.message !== "not ok" ? ` — ${md(f.message)}` : ""}`);
  for (const p of run.tests?.problems ?? []) out.push(`  - ⚠️ ${md(p)}`);
  if (run.audit) {
    const c = run.audit.counts;
    out.push(
      `- Vulnerabilities: ${c.critical} critical, ${c.high} high, ${c.moderate} moderate, ${c.low} low, ${c.info} info`,
    );
    if (run.audit.vulnerabilities.length) {
      out.push("", "| Severity | Package | Range | Advisory | Fix available |", "|---|---|---|---|---|");
      for (const v of run.audit.vulnerabilities)
        out.push(
          `| ${v.severity.toUpperCase()} | ${md(v.name)} | ${md(v.range || "—")} | ${md(v.title)} | ${v.fixAvailable ? "yes" : "no"} |`,
        );
    }
  }
  if (!run.passed && run.outputTail)
    out.push(
      "",
      "Output (end, secrets redacted):",
      "",
      "```",
      run.outputTail.replace(/```/g, "ʼʼʼ").slice(-1500),
      "```",
    );
  out.push("");
  return out;
}

function findingLines(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return ["No findings.", ""];
  return [
    ...findings.map(
      (f) => `- **${f.severity.toUpperCase()}** \`${f.code}\`: ${md(f.message)}${f.source ? ` (${md(f.source)})` : ""}`,
    ),
    "",
  ];
}

export function renderSystemValidationDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 3);
  const out: string[] = [header(ctx, "System Validation Report"), ...(notice ? [notice] : [])];
  const uatResult = stepResult(ctx, "3.4");
  const uatRequired = Array.isArray(uatResult?.required) ? (uatResult.required as string[]) : [];
  const uat = assessSignoffs(uatRequired, signoffsFromEvents(ctx.events, "uat"));

  out.push("## Summary", "", "| Area | Step | Result | Commands | Tests | Notes |", "|---|---|---|---|---|---|");
  for (const a of AREAS) {
    const r = stepResult(ctx, a.step);
    const cmds = r && Number(r.commands ?? 0) > 0 ? `${Number(r.passed ?? 0)}/${Number(r.commands)} passed` : "—";
    const tests =
      r && Number(r.tests ?? 0) > 0 ? `${Number(r.tests) - Number(r.testsFailed ?? 0)}/${Number(r.tests)} passed` : "—";
    out.push(
      `| ${a.short} | ${a.step} | ${verdict(ctx, a.step)} | ${cmds} | ${tests} | ${md(String(r?.summary ?? "not run in this release"))} |`,
    );
  }
  const uatVerdict =
    uatRequired.length === 0
      ? verdict(ctx, "3.4")
      : uat.complete
        ? "✅ SIGNED OFF"
        : uat.rejected.length
          ? "❌ REFUSED"
          : "🟡 WAITING";
  out.push(
    `| User acceptance | 3.4 | ${uatVerdict} | — | — | ${uatRequired.length ? `${uat.signed.length}/${uat.needed} signed` : "no UAT sign-offs configured"} |`,
    "",
  );

  for (const a of AREAS) {
    const r = stepResult(ctx, a.step);
    out.push(`## ${a.title} (${a.step})`, "");
    const runs = Array.isArray(r?.runs) ? (r.runs as Run[]) : [];
    if (!r) out.push("Not run in this release.", "");
    else if (runs.length === 0) out.push(`${md(String(r.summary ?? "No commands configured."))}`, "");
    for (const run of runs) out.push(...runSection(run));
  }

  out.push("## User acceptance testing (3.4)", "");
  if (uatRequired.length === 0) out.push("No UAT sign-offs are configured (tests.uat.signoffs).", "");
  else {
    for (const s of uat.signed) out.push(`- ✅ ${md(s.by)} signed off at ${s.at}${s.note ? `: ${md(s.note)}` : ""}`);
    for (const s of uat.rejected) out.push(`- ❌ ${md(s.by)} refused at ${s.at}${s.note ? `: ${md(s.note)}` : ""}`);
    for (const m of uat.missing) out.push(`- 🟡 ${md(m)}: no sign-off recorded`);
    out.push("");
  }

  const findings = (["3.1", "3.2", "3.3", "3.4"] as const).flatMap((id) => {
    const f = stepResult(ctx, id)?.findings;
    return Array.isArray(f) ? f : [];
  });
  out.push("## Findings", "", ...findingLines(findings));
  out.push(
    decisionsSection(ctx, [3]),
    conversationSection(ctx, [3]),
    timelineSection(ctx, [3]),
    releaseRecord(ctx, 3, "System validation was"),
  );
  return out.join("\n");
}
