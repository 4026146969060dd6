/** Human-readable renderings of the status object, painted with the CLI's style (plain when colour is off). */
import type { StatusView } from "../core/status-view.js";
import type { StateName } from "../core/release-state.js";
import type { Verdict } from "../core/verdict.js";
import { createStyle, joinStyled, styled, type Style, type Styled } from "./style.js";

const PLAIN = createStyle(false);

/** The state word in the colour people read it by: green done, yellow waiting, red trouble. */
export function paintState(st: Style, state: StateName): Styled {
  const word = state.toUpperCase();
  switch (state) {
    case "certified":
      return st.bold(st.green(word));
    case "running":
      return st.cyan(word);
    case "awaiting-hum-lead":
    case "paused":
    case "on-hold":
      return st.bold(st.yellow(word));
    case "failed":
    case "rolling-back":
    case "rolled-back":
    case "aborted":
      return st.bold(st.red(word));
  }
}

/** A verdict's mark in its colour (the mark itself comes from core/verdict). */
export function paintVerdict(st: Style, verdict: Verdict | "ok" | "fail" | "skip" | "start", mark: string): Styled {
  switch (verdict) {
    case "pass":
    case "ok":
      return st.green(mark);
    case "warn":
      return st.yellow(mark);
    case "fail":
      return st.red(mark);
    case "start":
      return st.cyan(mark);
    case "not-applicable":
    case "not-configured":
    case "skipped":
    case "skip":
      return st.dim(mark);
  }
}

export function renderStatusText(v: StatusView, st: Style = PLAIN): Styled {
  const lines: (string | Styled)[] = [
    styled`${st.bold(`Release v${v.version} → ${v.environment}`)}${v.release !== v.version ? ` (${v.release})` : ""}   ${v.sev ?? "SEV-?"}   state: ${paintState(st, v.state)}`,
    `Phase ${v.phase}: ${v.phaseName} — step ${v.step} ${v.stepTitle}`,
    `Plan: phases ${v.plan.join(", ")}   previous on ${v.environment}: ${v.previous ? `v${v.previous}` : "none"}${v.previousSource === "tag" ? " (newest tag below: brtops never deployed there)" : v.previousSource === "none" ? " (first deployment there)" : ""}   requested by ${v.requestedBy}`,
  ];
  if (v.promotion)
    lines.push(
      `Promotion of the package approved as ${v.promotion.from}${v.promotion.environment ? ` (certified on ${v.promotion.environment})` : ""}, commit ${v.promotion.commit.slice(0, 12)}${v.promotion.override ? `; promotion order overridden by ${v.promotion.override.by}: ${v.promotion.override.reason}` : ""}`,
    );
  if (v.attempt > 1) lines.push(`Attempt ${v.attempt}; earlier: ${v.earlier.join(", ")}`);
  if (v.autoProceed) lines.push(`GO RELEASE granted by ${v.autoProceed.by} at ${v.autoProceed.at}`);
  if (v.incident)
    lines.push(
      "",
      st.red(
        `INCIDENT at ${v.incident.step}: ${v.incident.error.message}${v.incident.interrupted ? " (interrupted by a crash)" : ""}`,
      ),
    );
  if (v.hold) lines.push("", st.yellow(`ON HOLD since ${v.hold.at}: ${v.hold.reason}`));
  if (v.appStore) lines.push(`${v.appStore.text} (seen ${v.appStore.at})`);
  if (v.gate)
    lines.push("", st.bold(st.yellow(`── Waiting for a HUM LEAD: ${v.gate.title} (${v.gate.kind}) ──`)), v.gate.report);
  if (v.openQuestions.length)
    lines.push("", "Open questions:", ...v.openQuestions.map((q) => `  ${q.id} (${q.by}): ${q.text}`));
  if (v.decisions.length)
    lines.push(
      "",
      "Recent decisions:",
      ...v.decisions
        .slice(-5)
        .map((d) => `  ${d.at}  ${d.type.toUpperCase()} at ${d.step} by ${d.by}${d.note ? ` — ${d.note}` : ""}`),
    );
  if (v.documents.length) lines.push("", `Documents: ${v.documents.join(", ")}`);
  lines.push("", st.bold("Next:"), ...v.next.map((c) => st.cyan(`  ${c}`)));
  return joinStyled(lines);
}
