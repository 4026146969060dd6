/**
 * Rollback Procedures (spec 4.11.2), rendered from the log only: 4.2's ordered rollback actions
 * (undo in reverse order, rollback steps, targets), what no action reverses, how the restored
 * service is validated, and every rollback actually run in this release. Pure.
 */
import type { DocContext } from "./doc-context.js";
import { stepResult } from "./doc-context.js";
import { conversationSection, decisionsSection, header, md, skippedNotice, timelineSection } from "./render-common.js";
import { incidentRecordSection, remediationSection } from "./render-outcome.js";

type R = Record<string, unknown>;
const arr = <T = R>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const str = (v: unknown, dflt = "—"): string => (v === null || v === undefined || v === "" ? dflt : md(String(v)));
const table = (head: string[], rows: string[][]): string =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
  ].join("\n");

function procedureSection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.2");
  const out = ["## Emergency rollback procedure (4.2)", ""];
  if (!r) return [...out, "Not designed: step 4.2 did not run in this release.", ""].join("\n");
  out.push(`${str(r["summary"])}.`, "");
  out.push(
    `- **Trigger**: ${r["onFailure"] === "rollback" ? "a failed deploy step or an unhealthy health check rolls back at once" : "a failed deploy step or health check stops the deployment and asks the HUM LEAD: retry, roll back or continue"}; \`brtops rollback\` and \`brtops abort\` at any time.`,
  );
  out.push(
    `- **Restores**: ${r["rollbackTo"] ? `v${str(r["rollbackTo"])}` : "nothing earlier (first release): the undo actions only"}`,
    "",
  );
  const items = arr(r["items"]);
  if (items.length === 0)
    out.push("No rollback actions: the environment has no undo or rollback steps and no distribution target.", "");
  else {
    out.push("Run in this order, each recorded before and after; only actions for what was actually done run:", "");
    out.push(
      table(
        ["#", "Action", "Kind", "Reverses", "Does"],
        items.map((i) => [
          str(i["order"]),
          str(i["name"]),
          i["kind"] === "undo" ? "undo" : i["kind"] === "rollback" ? "rollback step" : "target",
          i["of"] ? str(i["of"]) : "—",
          `\`${str(i["does"])}\``,
        ]),
      ),
    );
  }
  const without = arr<string>(r["withoutUndo"]);
  if (without.length)
    out.push(
      `**Not reversed by any undo**: ${without.map(md).join(", ")} — the rollback steps must cover their effects.`,
      "",
    );
  return out.join("\n");
}

/**
 * The project's data and backups (spec: "Data integrity protection and backup verification"). brtops
 * has no setting for data or backup checks, so this says plainly that none are configured, and
 * names the deploy steps that claim to reverse themselves (an `undo`) — the only data-related
 * reversal the configuration declares. How brtops itself keeps its log intact is not this section.
 */
function integritySection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.2");
  const undo = arr(r?.["items"]).filter((i) => i["kind"] === "undo");
  const out = ["## Data integrity protection and backup verification", ""];
  out.push(
    `No data or backup checks are configured for ${md(ctx.state.environment)}: brtops did not verify this project's data or backups for this release, and restoring data is not part of its rollback.`,
  );
  out.push("");
  if (undo.length)
    out.push(
      `Deploy steps with an \`undo\` the rollback runs: ${undo.map((i) => str(i["of"] ?? i["name"])).join(", ")}. Whether they restore data is for their own commands to guarantee.`,
      "",
    );
  out.push(
    "To have data protected before deployment, add a deploy step that takes and checks a backup (with an `undo` that restores it) ahead of any step that changes data.",
    "",
  );
  return out.join("\n");
}

function validationSection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.2");
  const checks = arr<string>(r?.["validation"]);
  return [
    "## Service restoration and validation",
    "",
    !r
      ? "Not designed: step 4.2 did not run in this release; after a rollback the environment's configured health checks run against the restored version."
      : checks.length
        ? `After the rollback steps, the health checks ${checks.map(md).join(", ")} run against the restored version; an unhealthy one leaves the rollback incomplete and opens an incident.`
        : "No health checks are configured: restoration is confirmed by the rollback steps' exit status only.",
    "",
  ].join("\n");
}

function executedSection(ctx: DocContext): string {
  const out = ["## Rollbacks run in this release", ""];
  const rows: string[][] = [];
  for (const e of ctx.events) {
    if (e.type === "RollbackRequested")
      rows.push([
        String(e.seq),
        e.at,
        "requested",
        `${md(e.actor.id)}${e.data.reason ? `: ${md(e.data.reason)}` : ""}${e.data.appStore ? ` (App Store: ${e.data.appStore === "pause" ? "pause the phased release" : "remove the app from sale"})` : ""}`,
      ]);
    if (e.type === "AbortRequested")
      rows.push([
        String(e.seq),
        e.at,
        "abort requested",
        `${md(e.actor.id)}${e.data.reason ? `: ${md(e.data.reason)}` : ""}`,
      ]);
    if (e.type === "RollbackCompleted")
      rows.push([
        String(e.seq),
        e.at,
        "completed",
        `${e.data.steps.map(md).join(", ") || "nothing to undo"}${e.data.to ? ` → v${md(e.data.to)}` : ""}`,
      ]);
  }
  if (rows.length === 0) return [...out, "None.", ""].join("\n");
  return [...out, table(["#", "When", "What", "Detail"], rows), ...rollbackActions(ctx)].join("\n");
}

/** What each rollback action (6.7:*) did, in its own words (e.g. "the GitHub release of v1.1.0 … was deleted"). */
function rollbackActions(ctx: DocContext): string[] {
  const labels = new Map<string, string>();
  const lines: string[] = [];
  for (const e of ctx.events) {
    if (e.type === "StepStarted" && e.data.step.startsWith("6.7:") && e.data.label)
      labels.set(e.data.step, e.data.label);
    if (e.type === "StepSucceeded" && e.data.step.startsWith("6.7:")) {
      const detail = e.data.result?.["detail"];
      const what = labels.get(e.data.step) ?? e.data.step.slice(4);
      lines.push(`- ${md(what)}${typeof detail === "string" && detail ? `: ${md(detail)}` : ""} (${e.at})`);
    }
  }
  return lines.length ? ["What the rollback did:", "", ...lines, ""] : [];
}

function assessmentSection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.2");
  const findings = arr(r?.["findings"]);
  const incidents = ctx.events.filter((e) => e.type === "IncidentOpened");
  const out = ["## Post-rollback assessment and remediation", ""];
  const ended = ctx.events.some(
    (e) =>
      e.type === "RollbackRequested" ||
      e.type === "RollbackCompleted" ||
      e.type === "AbortRequested" ||
      e.type === "Aborted",
  );
  if (findings.length === 0 && incidents.length === 0)
    return [
      ...out,
      ended
        ? "No open risks were found in the rollback design; no incident was opened (the rollback or abort was a person's decision, below)."
        : "No open risks were found in the rollback design, and no incident was opened.",
      "",
    ].join("\n");
  for (const f of findings)
    out.push(`- **${String(f["severity"]).toUpperCase()}** ${str(f["code"])}: ${str(f["message"])}`);
  for (const e of incidents)
    if (e.type === "IncidentOpened") out.push(`- Incident at ${e.data.step} (${e.at}): ${md(e.data.error.message)}`);
  out.push("");
  return out.join("\n");
}

export function renderRollbackProceduresDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 4);
  return [
    header(ctx, "Rollback Procedures"),
    ...(notice ? [notice] : []),
    procedureSection(ctx),
    integritySection(ctx),
    validationSection(ctx),
    executedSection(ctx),
    assessmentSection(ctx),
    incidentRecordSection(ctx),
    remediationSection(ctx),
    decisionsSection(ctx, [4]),
    conversationSection(ctx, [4]),
    timelineSection(ctx, [4]),
  ]
    .filter(Boolean)
    .join("\n");
}
