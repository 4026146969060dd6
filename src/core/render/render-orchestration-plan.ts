/**
 * Deployment Orchestration Plan (spec 4.11.1), rendered from the log only: 4.1's readiness
 * checks, 4.3's sequence (order, parallel groups, critical path, expected duration from earlier
 * runs), the health checks during deployment, the targets, and 4.4's communication plan. Pure.
 */
import type { DocContext } from "./doc-context.js";
import { stepResult } from "./doc-context.js";
import { conversationSection, decisionsSection, header, md, skippedNotice, timelineSection } from "./render-common.js";

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

/** Milliseconds as "850 ms", "12 s", "3 min 5 s"; unknown as "unknown". */
export function duration(ms: unknown): string {
  if (typeof ms !== "number") return "unknown";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function readinessSection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.1");
  const out = ["## Infrastructure readiness (4.1)", ""];
  if (!r) return [...out, "Not assessed: step 4.1 did not run in this release.", ""].join("\n");
  out.push(`${str(r["summary"])}`, "");
  const checks = arr(r["checks"]);
  if (checks.length)
    out.push(
      table(
        ["Check", "Result", "Detail"],
        checks.map((c) => [str(c["name"]), c["ok"] ? "✅ pass" : "❌ fail", str(c["detail"])]),
      ),
    );
  const findings = arr(r["findings"]);
  if (findings.length)
    out.push(
      "Findings:",
      "",
      ...findings.map((f) => `- **${String(f["severity"]).toUpperCase()}** ${str(f["code"])}: ${str(f["message"])}`),
      "",
    );
  return out.join("\n");
}

function sequenceSection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.3");
  const out = ["## Deployment sequence and timing (4.3)", ""];
  if (!r) return [...out, "Not planned: step 4.3 did not run in this release.", ""].join("\n");
  out.push(`${str(r["summary"])}.`, "");
  out.push(
    `- **Parallel limit**: ${str(r["concurrency"])} step(s) at once`,
    `- **On failure**: ${r["onFailure"] === "rollback" ? "roll back automatically" : "stop and ask the HUM LEAD (retry, roll back or continue)"}`,
  );
  out.push(
    `- **Expected duration**: ${duration(r["estimatedMs"])}${typeof r["earlierRuns"] === "number" ? ` (from ${r["earlierRuns"]} earlier run(s))` : ""}`,
  );
  const unknown = arr<string>(r["unknownDurations"]);
  if (unknown.length) out.push(`- **No timing yet for**: ${unknown.map(md).join(", ")}`);
  out.push("");
  const steps = arr(r["steps"]);
  if (steps.length === 0) out.push("No deploy steps are configured for this environment.", "");
  else {
    out.push("### Steps and dependencies", "");
    out.push(
      table(
        ["#", "Step", "Kind", "Does", "Needs", "Expected", "Crash recovery", "Undo"],
        arr<string>(r["order"]).map((name, i) => {
          const s = steps.find((x) => x["name"] === name) ?? {};
          const recovery = s["check"]
            ? `check: ${str(s["check"])}`
            : s["idempotent"]
              ? "idempotent: re-run"
              : "ask the HUM LEAD";
          return [
            String(i + 1),
            str(name),
            str(s["kind"]),
            `\`${str(s["does"])}\``,
            arr<string>(s["needs"]).map(md).join(", ") || "—",
            duration(s["expectedMs"]),
            recovery,
            s["undo"] ? `\`${str(s["undo"])}\`` : "none",
          ];
        }),
      ),
    );
    out.push("### Parallel groups", "");
    arr<string[]>(r["groups"]).forEach((g, i) => out.push(`${i + 1}. ${g.map(md).join(", ")}`));
    out.push(
      "",
      "### Critical path",
      "",
      `${arr<string>(r["criticalPath"]).map(md).join(" → ") || "—"} (${duration(r["criticalPathMs"])})`,
      "",
    );
  }
  return out.join("\n");
}

function monitoringSection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.3");
  const out = ["## Monitoring and health checks", ""];
  if (!r)
    return [
      ...out,
      "Not planned: step 4.3 did not run in this release; phase 6 probes the environment's configured health checks (see post-deployment-validation.md).",
      "",
    ].join("\n");
  const health = arr(r?.["health"]);
  if (health.length === 0)
    return [
      ...out,
      "No health checks are configured: brtops cannot tell on its own whether the deployment works.",
      "",
    ].join("\n");
  out.push(
    table(
      ["Check", "Probe", "Every", "Timeout", "Unhealthy after", "During deployment"],
      health.map((h) => [
        str(h["name"]),
        `\`${str(h["probes"])}\``,
        `${str(h["intervalSec"])} s`,
        `${str(h["timeoutSec"])} s`,
        `${str(h["failuresBeforeUnhealthy"])} failures in a row`,
        h["during"] ? "yes: stops the deployment" : "no",
      ]),
    ),
  );
  out.push(
    `After the last deploy step the checks are probed for ${str(r?.["healthWindowSec"], "0")} s (6.2), each until it passes or turns unhealthy.`,
    "",
  );
  return out.join("\n");
}

function targetsSection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.3");
  const gh = r?.["github"] as R | null | undefined;
  const npm = r?.["npm"] as R | null | undefined;
  if (!gh && !npm) return "";
  const out = ["## Distribution targets", ""];
  if (gh)
    out.push(
      `- **GitHub (6.8)**: annotated tag \`${str(gh["tag"])}\` at the deployed commit, pushed with the branch to \`${str(gh["remote"])}\` (${str(gh["repository"])}); release titled for the version with release-notes.md as its text${gh["assets"] ? ", the artifacts manifest's files as assets" : ""}${gh["draft"] ? "; as a draft" : ""}; prerelease: ${str(gh["prerelease"])}.`,
    );
  if (npm)
    out.push(
      `- **npm**: publish \`${str(npm["package"])}\` to ${str(npm["registry"])} under dist-tag ${npm["tag"] ? `\`${str(npm["tag"])}\`` : "`latest` (the prerelease id for prereleases)"}, then check the version resolves.`,
    );
  out.push("");
  return out.join("\n");
}

function communicationSection(ctx: DocContext): string {
  const r = stepResult(ctx, "4.4");
  const out = ["## Communication protocols (4.4)", ""];
  if (!r) return [...out, "Not planned: step 4.4 did not run in this release.", ""].join("\n");
  out.push(`${str(r["summary"])}.`, "");
  const channels = arr(r["channels"]);
  if (channels.length)
    out.push(
      table(
        ["Channel", "Type", "Events"],
        channels.map((c) => [str(c["name"]), str(c["type"]), arr<string>(c["events"]).join(", ")]),
      ),
    );
  else out.push("No notification channels are configured.", "");
  const moments = arr(r["moments"]);
  if (moments.length)
    out.push(
      table(
        ["When", "Who is told"],
        moments.map((m) => [
          str(m["when"]),
          arr<string>(m["channels"]).map(md).join(", ") || "brtops status / dashboard only",
        ]),
      ),
    );
  out.push(
    `- **HUM LEADs**: ${arr<string>(r["humLeads"]).map(md).join(", ") || "—"}`,
    `- **AI LEADs**: ${arr<string>(r["aiLeads"]).map(md).join(", ") || "—"}`,
    `- **Emergency escalation**: ${arr<string>(r["emergency"]).map(md).join(", ") || "—"}`,
    "",
  );
  return out.join("\n");
}

export function renderOrchestrationPlanDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 4);
  const plan = stepResult(ctx, "4.3");
  return [
    header(
      ctx,
      "Deployment Orchestration Plan",
      plan
        ? [
            ["Concurrency", str(plan["concurrency"])],
            ["Expected Duration", duration(plan["estimatedMs"])],
          ]
        : [],
    ),
    ...(notice ? [notice] : []),
    readinessSection(ctx),
    sequenceSection(ctx),
    monitoringSection(ctx),
    targetsSection(ctx),
    communicationSection(ctx),
    decisionsSection(ctx, [4]),
    conversationSection(ctx, [4]),
    timelineSection(ctx, [4]),
  ]
    .filter(Boolean)
    .join("\n");
}
