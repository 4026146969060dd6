/** Sections every release document shares: header, decisions, feedback, questions, timeline. Pure. */
import type { DocContext } from "./doc-context.js";
import { sevLabel, stepDef } from "../workflow.js";
import type { Decision } from "../release-state.js";
import { outcomeHeaderLines } from "./render-outcome.js";
import { resultVerdict } from "../step-outcome.js";
import { verdictTag } from "../verdict.js";
import { recordVerdict } from "./gate-report.js";

export function md(text: string): string {
  // Keep user text from breaking tables or headings.
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * "release log events 1–N", naming the run when it is not the version's first (its log is
 * "1.1.0@production", not "1.1.0"): a later run's section says which log it comes from.
 */
export function generatedFrom(s: { release: string; version: string; lastSeq: number; lastHash: string }): string {
  return `${s.release === s.version ? "release log events" : `release log of run ${s.release}, events`} 1–${s.lastSeq} (last hash \`${s.lastHash.slice(0, 12)}\`)`;
}

export function header(ctx: DocContext, title: string, extra: [string, string][] = []): string {
  const s = ctx.state;
  const lines = [
    `# ${title} — v${s.version}`,
    "",
    `**Release Version**: v${s.version}  `,
    `**Target Environment**: ${s.environment}  `,
    `**SEV Level**: ${sevLabel(s.sev)}  `,
    `**Previous Version**: ${s.previous ? `v${s.previous}` : "none (first release)"}  `,
    `**Requested by**: ${s.requestedBy.id} (${s.requestedBy.role}) at ${s.requestedAt}  `,
    ...extra.map(([k, v]) => `**${k}**: ${v}  `),
    ...outcomeHeaderLines(ctx),
    `**Generated from**: ${generatedFrom(s)}`,
    "",
  ];
  return lines.join("\n");
}

const decisionLabel: Record<Decision["type"], string> = {
  approve: "APPROVED",
  reject: "REJECTED",
  go: "GO",
  "no-go": "NO-GO",
  certify: "CERTIFIED",
  "auto-proceed": "GO RELEASE (auto-proceed granted)",
  incident: "INCIDENT GUIDANCE",
  pause: "PAUSE",
  resume: "RESUME",
  abort: "ABORT",
  rollback: "ROLLBACK",
  waive: "WAIVED",
  exclude: "EXCLUDED",
  "sev-override": "SEV OVERRIDE",
  "accept-risk": "RISK ACCEPTED",
};

/**
 * Who made a decision and under which authority: a COLLAB decision names the HUM LEAD who
 * accepted and the AI LEAD who proposed; Emergency Authority and self-approval are said so.
 */
export function decidedBy(d: Decision): string {
  if (d.authority === "auto-proceed") return `${d.actor.id} (on the GO RELEASE grant)`;
  if (d.proposal)
    return `COLLAB: ${d.actor.id} (HUM LEAD) accepting ${d.proposal.id} proposed by ${d.proposal.by.id} (AI LEAD)`;
  if (d.authority === "emergency") return `${d.actor.id} (EMERGENCY AUTHORITY)`;
  if (d.selfApproval) return `${d.actor.id} (self-approval: requester and sole HUM LEAD)`;
  return d.actor.id;
}

export function decisionsSection(ctx: DocContext, phases?: readonly number[]): string {
  const ds = ctx.state.decisions.filter((d) => !phases || phases.includes(d.phase));
  if (ds.length === 0) return "## Decisions\n\nNo decisions recorded for this part of the release.\n";
  const rows = ds.map((d) => {
    const what = d.type === "incident" ? `${decisionLabel[d.type]}: ${d.choice}` : decisionLabel[d.type];
    const by = md(decidedBy(d));
    const note = [
      d.proposal ? `proposal: ${md(d.proposal.text)}` : "",
      d.note ? md(d.note) : "",
      d.returnTo ? `return to phase ${d.returnTo}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    return `| ${d.at} | ${d.step} | ${what} | ${by} | ${note || "—"} |`;
  });
  return ["## Decisions", "", "| When | Step | Decision | By | Note |", "|---|---|---|---|---|", ...rows, ""].join(
    "\n",
  );
}

/**
 * The decisions made jointly (COLLAB) or under Emergency Authority, in documents without a full
 * decisions table (the readiness checklist); empty when there were none, so others read as before.
 */
export function jointDecisionsSection(ctx: DocContext, phases?: readonly number[]): string {
  const ds = ctx.state.decisions.filter(
    (d) => (d.proposal || d.authority === "emergency") && (!phases || phases.includes(d.phase)),
  );
  if (ds.length === 0) return "";
  const rows = ds.map(
    (d) =>
      `| ${d.at} | ${d.step} | ${d.type === "incident" ? `${decisionLabel[d.type]}: ${d.choice}` : decisionLabel[d.type]} | ${md(decidedBy(d))} | ${[d.proposal ? `proposal: ${md(d.proposal.text)}` : "", d.note ? md(d.note) : ""].filter(Boolean).join("; ") || "—"} |`,
  );
  return [
    "## COLLAB and emergency decisions",
    "",
    "| When | Step | Decision | By | Note |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/**
 * Scope deviations and holds recorded in the release (the spec's Scope Checking Integration), with
 * what followed; empty when there were none, so a release without them reads as before.
 */
export function deviationsSection(ctx: DocContext): string {
  const ds = ctx.state.deviations;
  if (ds.length === 0) return "";
  const rows = ds.map(
    (d) =>
      `| ${d.at} | ${d.kind === "hold" ? "HOLD" : (d.class ?? "—")} | ${d.percent === undefined ? "—" : `${d.percent}%`} | ${md(d.text)} |`,
  );
  return [
    "## Scope deviations",
    "",
    "| When | Class | System impact | What happened |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

export function conversationSection(ctx: DocContext, phases?: readonly number[]): string {
  const fb = ctx.state.feedback.filter((f) => !phases || phases.includes(f.phase));
  const qs = ctx.state.questions.filter((q) => !phases || phases.includes(q.phase));
  const out = ["## Feedback", ""];
  if (fb.length === 0) out.push("No feedback was given.", "");
  for (const f of fb)
    out.push(
      `- **${f.id}** (${f.at}, ${f.actor.id}, step ${f.step}): ${md(f.text)}${f.response ? `\n  - Response: ${md(f.response)}` : "\n  - Open: no response recorded (a finding at the gate)."}`,
    );
  out.push("", "## Questions and answers", "");
  if (qs.length === 0) out.push("No clarifying questions were asked.", "");
  for (const q of qs) {
    out.push(`- **${q.id}** (${q.at}, ${q.actor.id}, step ${q.step}): ${md(q.text)}`);
    out.push(
      q.answer ? `  - Answer (${q.answer.at}, ${q.answer.actor.id}): ${md(q.answer.text)}` : "  - Not answered yet.",
    );
  }
  out.push("");
  return out.join("\n");
}

export function timelineSection(ctx: DocContext, phases?: readonly number[]): string {
  const rows: string[] = [];
  for (const e of ctx.events) {
    let step = "";
    let what = "";
    switch (e.type) {
      case "StepSucceeded":
        step = e.data.step;
        what = e.data.adopted ? "done (adopted after a restart)" : "done";
        {
          // The verdict beside "done" when it is not a pass: a failing check is not hidden as done.
          const v = e.data.verdict ?? resultVerdict(e.data.result);
          if (v !== "pass") what += ` — ${verdictTag(v)}`;
        }
        break;
      case "StepFailed":
        step = e.data.step;
        what = `FAILED: ${md(e.data.error.message)}`;
        break;
      case "StepSkipped":
        step = e.data.step;
        what = `skipped: ${md(e.data.reason)}`;
        break;
      case "GateOpened":
        step = e.data.step;
        what = `waiting for HUM LEAD: ${md(e.data.title)}`;
        break;
      case "GateApproved":
        step = e.data.step;
        what = `approved by ${e.actor.id}${e.data.authority === "auto-proceed" ? " (auto-proceed)" : ""}${e.data.final ? "" : " (more approvals needed)"}`;
        break;
      case "GateRejected":
        step = e.data.step;
        what = `rejected by ${e.actor.id}: ${md(e.data.reason)}`;
        break;
      case "IncidentOpened":
        step = e.data.step;
        what = `incident: ${md(e.data.error.message)}`;
        break;
      case "RollbackCompleted":
        what = `rolled back (${e.data.steps.length} steps)${e.data.to ? ` to v${e.data.to}` : ""}`;
        break;
      case "DocumentsWritten":
        what = `documents written: ${e.data.files.map((f) => f.name).join(", ")}`;
        break;
      case "Certified":
        what = "release COMPLETE and CERTIFIED";
        break;
      default:
        continue;
    }
    const phase = step ? Number(step.split(".")[0]) : undefined;
    if (phases && phase !== undefined && !phases.includes(phase)) continue;
    const title = step ? (stepDef(step)?.title ?? "") : "";
    rows.push(`| ${e.seq} | ${e.at} | ${step || "—"} | ${md(title)} | ${what} |`);
  }
  return ["## Timeline", "", "| # | When | Step | Activity | Outcome |", "|---|---|---|---|---|", ...rows, ""].join(
    "\n",
  );
}

/** A result object as a readable list (baseline rendering; documents with their own structure replace it). */
export function resultList(result: Record<string, unknown> | undefined, indent = ""): string {
  if (!result) return `${indent}- (no result recorded)`;
  const out: string[] = [];
  for (const [k, v] of Object.entries(result)) {
    if (v === null || v === undefined) continue;
    if (typeof v === "object") {
      const json = JSON.stringify(v);
      out.push(`${indent}- **${k}**: ${json.length > 300 ? `${json.slice(0, 300)}…` : json}`);
    } else out.push(`${indent}- **${k}**: ${md(String(v))}`);
  }
  return out.join("\n") || `${indent}- (empty)`;
}

export function stepsSection(ctx: DocContext, steps: readonly string[], heading = "## Steps"): string {
  const out = [heading, ""];
  for (const id of steps) {
    const rec = ctx.state.steps[id];
    const title = stepDef(id)?.title ?? id;
    const v = recordVerdict(rec);
    const status = !rec ? "NOT RUN" : v ? verdictTag(v) : rec.status.toUpperCase();
    out.push(`### ${id} ${title} — ${status}`, "");
    if (rec?.reason) out.push(`Reason: ${md(rec.reason)}`, "");
    if (rec?.error) out.push(`Error: ${md(rec.error.message)}`, "");
    if (rec?.result) out.push(resultList(rec.result), "");
  }
  return out.join("\n");
}

export function skippedNotice(ctx: DocContext, phase: number): string | null {
  if (ctx.state.plan.includes(phase)) return null;
  return `> Phase ${phase} is not part of this release's plan: ${sevLabel(ctx.state.sev)} runs phases ${ctx.state.plan.join(", ")}. This document records what the plan covers instead.\n`;
}
