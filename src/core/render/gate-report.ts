/**
 * The report a HUM LEAD reads at a gate (x.5 / x.10): what the phase did, what it found, and
 * what is open. The "consolidated" form adds the feedback and questions given since it opened.
 */
import type { Finding } from "../events.js";
import type { ReleaseState, StepRecord } from "../release-state.js";
import { VERDICT_MARKS, type Verdict } from "../verdict.js";
import { phaseDef, sevLabel, stepDef } from "../workflow.js";
import { consolidationLines } from "../consolidate.js";

function summarize(result: Record<string, unknown> | undefined): string {
  if (!result) return "";
  if (typeof result.summary === "string") return result.summary;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(result)) {
    if (v === null || v === undefined || typeof v === "object") continue;
    parts.push(`${k}: ${String(v)}`);
    if (parts.length >= 4) break;
  }
  return parts.join(", ");
}

/** A step record's verdict: recorded with it, or (a record still running) none. */
export function recordVerdict(rec: StepRecord | undefined): Verdict | null {
  if (!rec || rec.status === "started") return null;
  return rec.verdict ?? (rec.status === "failed" ? "fail" : rec.status === "skipped" ? "skipped" : "pass");
}

/** Findings recorded by the steps of a phase in the current pass. */
export function phaseFindings(s: ReleaseState, phase: number): Finding[] {
  const out: Finding[] = [];
  // Phase 1 has no approval gate of its own: what the request step (1.1) and the preflight (1.8) found is shown at the first one.
  const steps = phase === 2 ? ["1.1", "1.8", ...phaseDef(phase).run] : phaseDef(phase).run;
  // 7.10's look at the environment before certification is part of phase 7's findings.
  for (const id of phase === 7 ? [...steps, "7.10:environment"] : steps) {
    const f = s.steps[id]?.result?.findings;
    if (Array.isArray(f)) out.push(...f);
  }
  out.push(...deviationFindings(s));
  return out;
}

/**
 * Deviations and holds recorded since the last phase approval: a report made after them (a gate
 * after a MODERATE deviation, the GO report after a MAJOR hold was resumed) carries them.
 */
export function deviationFindings(s: Pick<ReleaseState, "deviations" | "approvedAt">): Finding[] {
  const since = Math.max(0, ...Object.values(s.approvedAt));
  return s.deviations
    .filter((d) => d.seq > since)
    .map((d): Finding => ({
      severity:
        d.kind === "hold" || d.class === "MODERATE" || d.class === "MAJOR" || d.class === "SEV" ? "warning" : "info",
      code:
        d.kind === "hold"
          ? "SCOPE_DEVIATION_HOLD"
          : d.class === "SEV"
            ? "SEV_RAISED_BY_DEVIATION"
            : `SCOPE_DEVIATION_${d.class ?? "RECORDED"}`,
      message: d.text,
      source: `event ${d.seq}`,
    }));
}

export function renderFindings(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return ["Findings: none."];
  return [
    "Findings:",
    ...findings.map(
      (f) => `  - [${f.severity.toUpperCase()}] ${f.code}: ${f.message}${f.source ? ` (${f.source})` : ""}`,
    ),
  ];
}

export function renderPhaseReport(s: ReleaseState, phase: number): string {
  const p = phaseDef(phase);
  const lines = [
    `PHASE ${phase}: ${p.name.toUpperCase()} — v${s.version} to ${s.environment} (${sevLabel(s.sev)})`,
    "",
  ];
  for (const id of p.run) {
    const rec = s.steps[id];
    const title = stepDef(id)?.title ?? id;
    const v = recordVerdict(rec);
    const mark = !rec ? "·" : v ? VERDICT_MARKS[v] : "…";
    const sum = rec?.status === "skipped" ? (rec.reason ?? "") : summarize(rec?.result);
    lines.push(`  ${mark} ${id} ${title}${sum ? ` — ${sum}` : ""}${v && v !== "pass" ? ` [${v}]` : ""}`);
  }
  lines.push("", ...renderFindings(phaseFindings(s, phase)));
  if (p.documents.length) lines.push("", `On approval brtops writes: ${p.documents.join(", ")}.`);
  return lines.join("\n");
}

/** The gate's report consolidated (step x.10): the feedback and answers given at it and what was done about each (core/consolidate.ts). */
export function renderConsolidatedReport(s: ReleaseState): string {
  const g = s.gate;
  if (!g) return "";
  const lines = [g.report, ...consolidationLines(s)];
  if (g.approvals.length) {
    lines.push(
      "",
      `Approvals so far: ${g.approvals.map((a) => a.actor.id).join(", ")} (needs ${g.requiredApprovals} different HUM LEADs; the requester alone is not enough).`,
    );
  }
  return lines.join("\n");
}
