/**
 * release-readiness-checklist.md (spec 5.12), laid out as the framework's own release record:
 * header fields (Release Version, Target Environment, Release Date, HUM LEAD Authorization), ✅
 * checklists grouped into CRITICAL / STANDARD / ADVISORY gates, the cross-feature validation
 * matrix, risks, sign-offs, the GO/NO-GO decision matrix (Factor | Status | Notes) and a closing
 * decision line with its time and who authorised it. Pure: the checklist is rebuilt from the
 * inputs step 5.4 recorded, with sign-offs counted again from the log up to the decision.
 */
import type { AnyEvent } from "../events.js";
import { sevLabel } from "../workflow.js";
import type { FeatureReadiness } from "../../intel/feature-types.js";
import { phaseApproval } from "../../intel/phase-approval.js";
import {
  buildReadinessChecklist,
  type ChecklistInput,
  type ChecklistItem,
  type MatrixRow,
} from "../../intel/readiness-checklist.js";
import { assessSignoffs } from "../../intel/assess-signoffs.js";
import { signoffsFromEvents } from "../../intel/signoffs-from-events.js";
import { stepResult, type DocContext } from "./doc-context.js";
import {
  conversationSection,
  deviationsSection,
  generatedFrom,
  jointDecisionsSection,
  md,
  skippedNotice,
  timelineSection,
} from "./render-common.js";
import { outcomeHeaderLines } from "./render-outcome.js";

const mark = (i: ChecklistItem): string => (i.passed === null ? "➖" : i.passed ? "✅" : "❌");
const matrixMark: Record<MatrixRow["status"], string> = {
  GO: "✅ GO",
  CONDITIONAL: "⚠️ CONDITIONAL",
  "NO-GO": "❌ NO-GO",
  "N/A": "➖ N/A",
};
const statusMark: Record<string, string> = {
  complete: "✅ complete",
  conditional: "⚠️ conditional",
  "in-progress": "🟡 in progress",
  blocked: "❌ blocked",
  pending: "⏳ pending",
};

/** The GO or NO-GO decision on phase 5 in these events: the latest final approval or rejection. */
function decision(
  events: readonly AnyEvent[],
): { kind: "GO" | "NO-GO"; by: string[]; at: string; note: string } | null {
  const go = phaseApproval(events, 5);
  let nogo: { by: string[]; at: string; seq: number; note: string } | null = null;
  for (const e of events)
    if (e.type === "GateRejected" && e.data.phase === 5)
      nogo = { by: [e.actor.id], at: e.at, seq: e.seq, note: e.data.reason };
  if (go && (!nogo || go.seq > nogo.seq)) return { kind: "GO", by: go.by, at: go.at, note: [...go.notes].join("; ") };
  return nogo ? { kind: "NO-GO", by: nogo.by, at: nogo.at, note: nogo.note } : null;
}

export function renderReadinessChecklistDoc(ctx: DocContext): string {
  const s = ctx.state;
  const d = decision(ctx.events);
  const out: string[] = [
    `# Release Readiness Checklist — v${s.version}`,
    "",
    `**Release Version**: v${s.version}  `,
    `**Target Environment**: ${md(s.environment)}  `,
    `**Release Date**: ${d?.kind === "GO" ? d.at.slice(0, 10) : "not yet decided"}  `,
    `**HUM LEAD Authorization**: ${d ? `${d.kind} by ${d.by.join(" and ")} at ${d.at}` : "pending — no GO/NO-GO decision recorded"}  `,
    `**SEV Level**: ${sevLabel(s.sev)}  `,
    `**Previous Version**: ${s.previous ? `v${s.previous}` : "none (first release)"}  `,
    ...outcomeHeaderLines(ctx),
    `**Generated from**: ${generatedFrom(s)}`,
    "",
  ];
  const notice = skippedNotice(ctx, 5);
  if (notice) out.push(notice);

  const r54 = stepResult(ctx, "5.4");
  const recorded = r54?.input as ChecklistInput | undefined;
  if (!recorded) {
    out.push("The readiness checklist (step 5.4) has not been assessed yet.", "");
  } else {
    const stakeholders = stepResult(ctx, "5.2");
    const required = Array.isArray(stakeholders?.required) ? (stakeholders.required as string[]) : [];
    const needed = typeof stakeholders?.needed === "number" ? stakeholders.needed : undefined;
    const uatRequired = recorded.uat?.required ?? [];
    const input: ChecklistInput = {
      ...recorded,
      stakeholders: required.length
        ? assessSignoffs(required, signoffsFromEvents(ctx.events, "stakeholders"), needed)
        : null,
      uat: recorded.uat
        ? assessSignoffs(uatRequired, signoffsFromEvents(ctx.events, "uat"), recorded.uat.needed)
        : null,
    };
    const c = buildReadinessChecklist(input);
    out.push(
      "## Quality gates",
      "",
      `CRITICAL passed ${c.gates.critical.passed}/${c.gates.critical.total} · STANDARD passed ${c.gates.standard.passed}/${c.gates.standard.total} · ADVISORY passed ${c.gates.advisory.passed}/${c.gates.advisory.total} — assessment: **${c.recommendation}**`,
      "",
    );
    const groups: [ChecklistItem["class"], string][] = [
      ["CRITICAL", "must all pass; a failure blocks"],
      ["STANDARD", "should pass; a failure needs a waiver"],
      ["ADVISORY", "best practice; a failure is documented"],
    ];
    for (const [cls, meaning] of groups) {
      out.push(`### ${cls} gates (${meaning})`, "");
      for (const i of c.items.filter((x) => x.class === cls)) out.push(`- ${mark(i)} **${i.title}** — ${md(i.detail)}`);
      out.push("");
    }

    out.push("## Cross-feature validation matrix", "");
    const features = (stepResult(ctx, "1.2")?.features as FeatureReadiness[] | undefined) ?? [];
    if (features.length === 0) out.push("No features were found.", "");
    else {
      out.push("| Feature | Status | SEV | Scores | Read from |", "|---|---|---|---|---|");
      for (const f of features) {
        const scores =
          Object.entries(f.scores ?? {})
            .map(([k, v]) => `${k} ${v}`)
            .join(", ") || "—";
        out.push(
          `| ${md(f.name)} | ${statusMark[f.status] ?? f.status}${f.waived ? " (waived)" : ""} | ${f.sev === null ? "—" : `SEV-${f.sev}`} | ${scores} | ${f.source ? `${md(f.source.file)}:${f.source.line}` : "nothing readable"} |`,
        );
      }
      const excluded = s.waivers.filter((w) => w.mode === "exclude");
      for (const w of excluded)
        out.push(`| ${md(w.feature)} | excluded by ${md(w.actor.id)}: ${md(w.reason)} | — | — | — |`);
      out.push("");
    }
    for (const w of s.waivers.filter((x) => x.mode === "waive"))
      out.push(`- Waived by ${md(w.actor.id)} at ${w.at}: **${md(w.feature)}** — ${md(w.reason)}`);
    if (s.waivers.some((x) => x.mode === "waive")) out.push("");

    out.push("## Risk assessment", "");
    const risks = recorded.risks;
    if (!risks || risks.risks.length === 0) out.push("No risks are recorded in the features' readiness documents.", "");
    else {
      out.push("| Level | Feature | Risk | Impact | Mitigation | Status |", "|---|---|---|---|---|---|");
      for (const r of risks.risks)
        out.push(
          `| ${r.level} | ${md(r.feature)} | ${md(r.risk)} | ${md(r.impact || "—")} | ${md(r.mitigation || "—")} | ${r.open ? "open" : "closed"}${r.status ? ` (${md(r.status)})` : ""} |`,
        );
      if (risks.omitted) out.push(`| … | | ${risks.omitted} more | | | |`);
      out.push("");
    }

    out.push("## Stakeholder sign-offs", "");
    if (!input.stakeholders) out.push("No stakeholder sign-offs are configured (signoffs.stakeholders).", "");
    else {
      for (const x of input.stakeholders.signed)
        out.push(`- ✅ ${md(x.by)} at ${x.at}${x.note ? `: ${md(x.note)}` : ""}`);
      for (const x of input.stakeholders.rejected)
        out.push(`- ❌ ${md(x.by)} refused at ${x.at}${x.note ? `: ${md(x.note)}` : ""}`);
      for (const m of input.stakeholders.missing) out.push(`- 🟡 ${md(m)}: no sign-off recorded`);
      out.push("");
    }

    out.push("## GO/NO-GO decision matrix", "", "| Factor | Status | Notes |", "|---|---|---|");
    for (const m of c.matrix) out.push(`| ${m.factor} | ${matrixMark[m.status]} | ${md(m.notes)} |`);
    out.push("");
  }

  const deviations = deviationsSection(ctx);
  if (deviations) out.push(deviations);
  const joint = jointDecisionsSection(ctx, [5]);
  if (joint) out.push(joint);
  out.push(conversationSection(ctx, [5]), timelineSection(ctx, [5]));
  out.push("## Decision", "");
  if (!d) out.push("**Decision**: pending — waiting for the HUM LEAD's GO/NO-GO.");
  else
    out.push(
      `**Decision**: ${d.kind === "GO" ? "✅ GO" : "❌ NO-GO"} — authorized by ${d.by.join(" and ")} at ${d.at}${d.note ? ` — ${md(d.note)}` : ""}`,
    );
  out.push("");
  return out.join("\n");
}
