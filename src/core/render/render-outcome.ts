/**
 * How a run ended and what went wrong on the way, for the documents (issue 11 point 5; the spec's
 * emergency procedures 1–6): the outcome line under each document's header, the incident record
 * with its failure analysis, the remediation plan HUM LEADs add to (`brtops incident note`), and
 * the outcome of a deployment after it (a rollback after certification withdraws it). Pure: read
 * from the log prefix a document is rendered from; empty when nothing went wrong, so a release
 * that was simply certified reads as before.
 */
import type { AnyEvent, StoredEvent } from "../events.js";
import { REMEDIATION_NOTE } from "../remediation.js";
import { stepDef } from "../workflow.js";
import type { DocContext } from "./doc-context.js";
import { md } from "./render-common.js";

type Ev<T extends AnyEvent["type"]> = StoredEvent<T>;

export interface RunOutcome {
  kind: "rolled-back" | "aborted";
  at: string;
  /** Who authorised it (the rollback or abort request, or the incident guidance), and why. */
  by: { id: string; role: string } | null;
  reason: string | null;
  /** The version the rollback restored (null: nothing earlier, or nothing deployed). */
  to: string | null;
  rolledBack: boolean;
  /** The run had been certified before it was rolled back. */
  afterCertification: boolean;
}

const mainOf = (step: string): string => step.split(":")[0]!;
const titleOf = (step: string): string => stepDef(mainOf(step))?.title ?? step;

/** How the run ended, when it ended rolled back or aborted; null otherwise (running, certified). */
export function runOutcome(ctx: DocContext): RunOutcome | null {
  const s = ctx.state;
  if (s.state !== "aborted" && s.state !== "rolled-back") return null;
  let request: AnyEvent | null = null;
  let completed: Ev<"RollbackCompleted"> | null = null;
  let aborted: Ev<"Aborted"> | null = null;
  let certified = false;
  for (const e of ctx.events) {
    if (
      e.type === "RollbackRequested" ||
      e.type === "AbortRequested" ||
      (e.type === "IncidentGuidance" && e.data.choice === "rollback")
    )
      request = e;
    if (e.type === "RollbackCompleted") completed = e;
    if (e.type === "Aborted") aborted = e;
    if (e.type === "Certified") certified = true;
  }
  const reason = !request
    ? null
    : request.type === "IncidentGuidance"
      ? (request.data.note ?? `incident at ${request.data.step}`)
      : request.type === "RollbackRequested" || request.type === "AbortRequested"
        ? (request.data.reason ?? null)
        : null;
  const end = s.state === "aborted" ? aborted : completed;
  return {
    kind: s.state,
    at: end?.at ?? s.finishedAt ?? s.lastAt,
    by: request ? { id: request.actor.id, role: request.actor.role } : null,
    reason,
    to: completed?.data.to ?? null,
    rolledBack: completed !== null,
    afterCertification: certified && completed !== null,
  };
}

/** The header line(s) naming the outcome, e.g. "**Outcome**: ROLLED BACK at … by alice@… (hum-lead): …; v1.0.0 restored on staging". */
export function outcomeHeaderLines(ctx: DocContext): string[] {
  const s = ctx.state;
  const o = runOutcome(ctx);
  if (o) {
    const by = o.by ? ` — authorised by ${md(o.by.id)} (${o.by.role})${o.reason ? `: ${md(o.reason)}` : ""}` : "";
    const restored = o.rolledBack
      ? o.to
        ? `; v${md(o.to)} restored on ${md(s.environment)}`
        : `; what was deployed was undone (nothing earlier to restore)`
      : "";
    const what =
      o.kind === "aborted" ? "ABORTED" : o.afterCertification ? "ROLLED BACK after certification" : "ROLLED BACK";
    return [`**Outcome**: ${what} at ${o.at}${by}${restored}  `];
  }
  if (s.incident)
    return [
      `**Outcome**: not finished — incident at step ${s.incident.step} since ${s.incident.openedAt} (${md(s.incident.error.message)}), waiting for a HUM LEAD's guidance  `,
    ];
  return [];
}

interface IncidentRecord {
  opened: Ev<"IncidentOpened">;
  failures: Ev<"StepFailed">[];
  guidance: Ev<"IncidentGuidance"> | null;
  /** What followed the guidance, in words. */
  recovery: string | null;
}

function incidentRecords(events: readonly AnyEvent[]): IncidentRecord[] {
  const out: IncidentRecord[] = [];
  let failures: Ev<"StepFailed">[] = [];
  let current: IncidentRecord | null = null;
  for (const e of events) {
    if (e.type === "StepFailed") failures.push(e);
    else if (e.type === "IncidentOpened") {
      const main = mainOf(e.data.step);
      current = {
        opened: e,
        failures: failures.filter((f) => mainOf(f.data.step) === main),
        guidance: null,
        recovery: null,
      };
      out.push(current);
      failures = [];
    } else if (e.type === "IncidentGuidance" && current && !current.guidance) current.guidance = e;
    else if (current?.guidance && !current.recovery) {
      const main = mainOf(current.opened.data.step);
      if (e.type === "RollbackCompleted")
        current.recovery = `rolled back at ${e.at}: ${e.data.steps.map(md).join(", ") || "nothing to undo"}${e.data.to ? ` → v${md(e.data.to)}` : ""}`;
      else if (e.type === "StepSucceeded" && e.data.step === main)
        current.recovery = `step ${main} succeeded at ${e.at}${current.guidance.data.choice === "retry" ? " when retried" : ""}`;
      else if (e.type === "StepSkipped" && e.data.step === main)
        current.recovery = `step ${main} was passed over at ${e.at}: ${md(e.data.reason)}`;
    }
  }
  return out;
}

/** Health checks run against the restored version after a rollback (6.7's verify-health), if any. */
function restoredHealth(events: readonly AnyEvent[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === "StepSucceeded" && e.data.step.startsWith("6.7:") && e.data.step.endsWith("verify-health")) {
      const checks = Array.isArray(e.data.result?.["checks"])
        ? (e.data.result["checks"] as { check?: unknown; status?: unknown }[])
        : [];
      return `health checks against the restored version passed at ${e.at}${checks.length ? ` (${checks.map((c) => `${md(String(c.check))} ${md(String(c.status))}`).join(", ")})` : ""}`;
    }
    if (e.type === "StepFailed" && e.data.step.startsWith("6.7:") && e.data.step.endsWith("verify-health"))
      return `health checks against the restored version FAILED at ${e.at}: ${md(e.data.error.message)}`;
  }
  return null;
}

/**
 * Emergency step 5 (Incident Documentation): every incident with its failure analysis, the
 * guidance and what followed; every rollback or abort a person asked for. "" when none.
 */
export function incidentRecordSection(ctx: DocContext): string {
  const incidents = incidentRecords(ctx.events);
  const requests = ctx.events.filter((e) => e.type === "RollbackRequested" || e.type === "AbortRequested");
  const o = runOutcome(ctx);
  if (incidents.length === 0 && requests.length === 0 && !o) return "";
  const s = ctx.state;
  const out = ["## Incident record (failure analysis)", ""];
  incidents.forEach((r, i) => {
    const e = r.opened;
    out.push(`### Incident ${i + 1} — step ${e.data.step}: ${md(titleOf(e.data.step))}`, "");
    out.push(
      `- **Opened**: ${e.at} (event ${e.seq}) by ${md(e.actor.id)}${e.data.interrupted ? ", after an interrupted step (a restart found it started and unfinished)" : ""}`,
    );
    out.push(`- **Error**: ${md(e.data.error.code)} — ${md(e.data.error.message)}`);
    if (r.failures.length) {
      out.push("- **Failure analysis**: what failed, in order:");
      for (const f of r.failures)
        out.push(`  - ${f.data.step} (${f.at}): ${md(f.data.error.code)} — ${md(f.data.error.message)}`);
    } else out.push("- **Failure analysis**: no step failure was recorded before it (the step did not finish).");
    const phase = Number(mainOf(e.data.step).split(".")[0]);
    out.push(
      `- **Impact**: ${phase >= 6 ? `during deployment to ${md(s.environment)}; ${s.previous ? `v${md(s.previous)} ran there before` : "nothing ran there before"}` : `before deployment (phase ${phase}); nothing was deployed by this step`}`,
    );
    const g = r.guidance;
    out.push(
      g
        ? `- **Guidance**: ${g.data.choice.toUpperCase()} by ${md(g.actor.id)} (${g.actor.role}) at ${g.at}${g.data.note ? `: ${md(g.data.note)}` : ""}`
        : "- **Guidance**: none yet — waiting for a HUM LEAD (`brtops guide retry|rollback|continue`).",
    );
    if (r.recovery) out.push(`- **Recovery**: ${r.recovery}`);
    out.push("");
  });
  if (requests.length) {
    out.push("### Requested by a person", "");
    for (const e of requests) {
      const reason = e.type === "RollbackRequested" || e.type === "AbortRequested" ? e.data.reason : undefined;
      out.push(
        `- ${e.type === "RollbackRequested" ? "Rollback" : "Abort"} requested by ${md(e.actor.id)} (${e.actor.role}) at ${e.at}${reason ? `: ${md(reason)}` : ""}`,
      );
    }
    out.push("");
  }
  if (o) {
    out.push("### Outcome", "");
    const what =
      o.kind === "aborted"
        ? "The release was ABORTED"
        : o.afterCertification
          ? "The certified release was ROLLED BACK"
          : "The release was ROLLED BACK";
    out.push(
      `${what} at ${o.at}${o.by ? `, authorised by ${md(o.by.id)} (${o.by.role})` : ""}.${o.rolledBack ? ` ${o.to ? `v${md(o.to)} runs on ${md(s.environment)} again` : "What was deployed was undone; nothing earlier was restored"}.` : " Nothing had been deployed."}`,
    );
    const health = restoredHealth(ctx.events);
    if (o.rolledBack)
      out.push(
        "",
        `Post-rollback validation: ${health ?? "no health checks are configured for the restored version; the rollback steps' exit status is all that was checked"}.`,
      );
    out.push("");
  }
  return out.join("\n");
}

/**
 * Emergency step 6 (Remediation Planning): what brtops knows must happen next, then every note a
 * HUM LEAD added with `brtops incident note`. "" when nothing went wrong.
 */
export function remediationSection(ctx: DocContext): string {
  const s = ctx.state;
  const incidents = ctx.events.filter((e): e is Ev<"IncidentOpened"> => e.type === "IncidentOpened");
  const notes = ctx.events.filter((e): e is Ev<"Note"> => e.type === "Note" && e.data.kind === REMEDIATION_NOTE);
  const o = runOutcome(ctx);
  const requested = ctx.events.some((e) => e.type === "RollbackRequested" || e.type === "AbortRequested");
  if (incidents.length === 0 && notes.length === 0 && !o && !requested) return "";
  const out = ["## Remediation plan", ""];
  for (const e of incidents)
    out.push(
      `- Root cause of the incident at ${e.data.step} (${md(e.data.error.code)}): to be established from the failure analysis above and recorded with \`brtops incident note "…"\`.`,
    );
  if (o?.afterCertification)
    out.push(
      `- Ship the fix as a newer version: \`brtops release patch --to ${md(s.environment)}\`; v${md(s.version)} stays rolled back on record.`,
    );
  else if (o)
    out.push(
      `- Retry: once the cause is fixed, request v${md(s.version)} again as a new attempt (\`brtops release ${md(s.version)} --to ${md(s.environment)}\`); this run stays on record and is linked from it.`,
    );
  else if (s.incident) out.push(`- Decide now: \`brtops guide retry|rollback|continue --step ${s.incident.step}\`.`);
  out.push("", "Notes from the HUM LEADs:", "");
  if (notes.length === 0) out.push('- None yet: a HUM LEAD adds to this plan with `brtops incident note "…"`.');
  for (const n of notes) out.push(`- ${n.at}, ${md(n.actor.id)}: ${md(n.data.text)}`);
  out.push("");
  return out.join("\n");
}

/** Post-deployment validation's record of how the deployment ended when it did not stay (a rollback, an abort). "" otherwise. */
export function deploymentOutcomeSection(ctx: DocContext): string {
  const o = runOutcome(ctx);
  if (!o) return "";
  const s = ctx.state;
  const out = ["## Outcome", ""];
  if (o.afterCertification)
    out.push(
      `**Certification withdrawn**: v${md(s.version)} was rolled back at ${o.at}${o.by ? ` on the authority of ${md(o.by.id)} (${o.by.role})` : ""}${o.reason ? `: ${md(o.reason)}` : ""}.`,
    );
  else
    out.push(
      `**${o.kind === "aborted" ? "ABORTED" : "ROLLED BACK"}** at ${o.at}${o.by ? `, authorised by ${md(o.by.id)} (${o.by.role})` : ""}${o.reason ? `: ${md(o.reason)}` : ""}. v${md(s.version)} was not certified.`,
    );
  if (o.rolledBack)
    out.push(
      "",
      o.to
        ? `${md(s.environment)} runs v${md(o.to)} again (the version that ran there before).`
        : `What was deployed to ${md(s.environment)} was undone; nothing earlier was restored.`,
    );
  out.push("", "See rollback-procedures.md for the incident record and the remediation plan.", "");
  return out.join("\n");
}
