/** Human-readable renderings of the status object. */
import type { StatusView } from "../core/status-view.js";

export function renderStatusText(v: StatusView): string {
  const lines = [
    `Release v${v.version} → ${v.environment}${v.release !== v.version ? ` (${v.release})` : ""}   ${v.sev ?? "SEV-?"}   state: ${v.state.toUpperCase()}`,
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
      `INCIDENT at ${v.incident.step}: ${v.incident.error.message}${v.incident.interrupted ? " (interrupted by a crash)" : ""}`,
    );
  if (v.hold) lines.push("", `ON HOLD since ${v.hold.at}: ${v.hold.reason}`);
  if (v.gate) lines.push("", `── Waiting for a HUM LEAD: ${v.gate.title} (${v.gate.kind}) ──`, v.gate.report);
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
  lines.push("", "Next:", ...v.next.map((c) => `  ${c}`));
  return lines.join("\n");
}
