/**
 * Post-Deployment Validation (spec 7.11.1), rendered from the log only: the deployment timeline
 * (6.1's sub-steps and 6.8's effects with their times), health checks and validation points
 * (6.2–6.4), the GitHub release, phase 7's operational, performance, user-experience and business
 * results, and the certification. Pure.
 */
import type { DocContext } from "./doc-context.js";
import { stepResult, subSteps } from "./doc-context.js";
import { recordVerdict } from "./gate-report.js";
import { verdictTag } from "../verdict.js";
import {
  conversationSection,
  decisionsSection,
  deviationsSection,
  header,
  md,
  skippedNotice,
  timelineSection,
} from "./render-common.js";
import { deploymentOutcomeSection } from "./render-outcome.js";

type R = Record<string, unknown>;
const arr = <T = R>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const str = (v: unknown, dflt = "—"): string => (v === null || v === undefined || v === "" ? dflt : md(String(v)));
const ms = (v: unknown): string => (typeof v === "number" ? `${Math.round(v)} ms` : "—");
const table = (head: string[], rows: string[][]): string =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
  ].join("\n");

function timelineOfDeployment(ctx: DocContext): string {
  const out = ["## Deployment timeline (6.1, 6.8)", ""];
  const deploy = stepResult(ctx, "6.1");
  if (deploy) out.push(`${str(deploy["summary"])}; commit \`${str(deploy["commit"])}\`.`, "");
  const rows = [...subSteps(ctx, "6.1"), ...subSteps(ctx, "6.8")].map((r) => {
    const took = r.finishedAt ? Date.parse(r.finishedAt) - Date.parse(r.startedAt) : null;
    const detail =
      r.status === "failed" ? r.error?.message : (r.result?.["detail"] ?? r.result?.["action"] ?? r.result?.["url"]);
    return [
      r.step,
      str(r.label),
      r.startedAt,
      str(r.finishedAt),
      took === null ? "—" : `${took} ms`,
      `${r.status.toUpperCase()}${r.adopted ? " (adopted after a restart)" : ""}`,
      str(detail),
    ];
  });
  if (rows.length === 0) return [...out, "No deployment step ran.", ""].join("\n");
  return [...out, table(["Step", "What", "Started", "Finished", "Took", "Status", "Result"], rows)].join("\n");
}

function healthSection(ctx: DocContext): string {
  const out = ["## Health verification (6.2, 6.3)", ""];
  const h = stepResult(ctx, "6.2");
  if (!h) out.push("Health was not monitored.", "");
  else {
    out.push(`${str(h["summary"])}.`, "");
    const checks = arr(h["checks"]);
    if (checks.length)
      out.push(
        table(
          ["Check", "Status", "Probes", "Failed", "p50", "p95", "Max", "Last"],
          checks.map((c) => [
            str(c["check"]),
            str(c["status"]),
            str(c["samples"]),
            str(c["failures"]),
            ms(c["p50Ms"]),
            ms(c["p95Ms"]),
            ms(c["maxMs"]),
            str(c["lastDetail"]),
          ]),
        ),
      );
  }
  const points = arr(stepResult(ctx, "6.3")?.["points"]);
  if (points.length)
    out.push(
      "Validation points:",
      "",
      table(
        ["Point", "Result", "Detail"],
        points.map((p) => [
          str(p["point"]),
          p["status"] === "pass" ? "✅ pass" : p["status"] === "warn" ? "🟡 warning" : "❌ fail",
          str(p["detail"]),
        ]),
      ),
    );
  const issues = stepResult(ctx, "6.4");
  if (issues) {
    out.push(`Issue detection (6.4): ${str(issues["summary"])}.`, "");
    for (const i of arr(issues["issues"]))
      out.push(`- **${String(i["severity"]).toUpperCase()}** ${str(i["code"])}: ${str(i["message"])}`);
    out.push("");
  }
  return out.join("\n");
}

function releaseSection(ctx: DocContext): string {
  const rec = ctx.state.steps["6.8"];
  if (!rec) return "";
  if (rec.status === "skipped")
    return ["## GitHub release (6.8)", "", `Skipped: ${md(rec.reason ?? "")}.`, ""].join("\n");
  const r = stepResult(ctx, "6.8");
  if (!r)
    return [
      "## GitHub release (6.8)",
      "",
      `Status: ${rec.status.toUpperCase()}${rec.error ? ` — ${md(rec.error.message)}` : ""}.`,
      "",
    ].join("\n");
  const assets = arr(r["assets"]);
  return [
    "## GitHub release (6.8)",
    "",
    `- **Tag**: \`${str(r["tag"])}\` at \`${str(r["commit"])}\` (${str(r["tagAction"])}; push ${str(r["pushAction"])})`,
    `- **Release**: ${str(r["url"])} (${str(r["releaseAction"])})${r["prerelease"] ? ", prerelease" : ""}${r["draft"] ? ", draft" : ""}`,
    `- **Assets**: ${assets.length ? assets.map((a) => (typeof a === "string" ? md(a) : `${str(a["name"])} (${str(a["size"])} bytes, sha256 ${String(a["sha256"] ?? "").slice(0, 12)}, ${str(a["action"])})`)).join("; ") : "none"}`,
    "",
  ].join("\n");
}

function validationSection(
  ctx: DocContext,
  step: "7.1" | "7.2" | "7.3" | "7.4",
  title: string,
  cols: "health" | "perf" | "plain",
): string {
  const r = stepResult(ctx, step);
  const rec = ctx.state.steps[step];
  const v = recordVerdict(rec);
  const out = [`## ${title} (${step})${v ? ` — ${verdictTag(v)}` : ""}`, ""];
  if (!r) return [...out, rec?.status === "skipped" ? `Skipped: ${md(rec.reason ?? "")}.` : "Not run.", ""].join("\n");
  out.push(`${str(r["summary"])}.`, "");
  const checks = arr(r["checks"]);
  const mark = (c: R): string => (c["ok"] ? "✅ pass" : "❌ fail");
  if (checks.length && cols === "perf")
    out.push(
      table(
        ["Check", "Result", "Probes", "p50", "p95", "Max", "Limit (p95)", "Detail"],
        checks.map((c) => [
          str(c["name"]),
          mark(c),
          str(c["samples"]),
          ms(c["p50Ms"]),
          ms(c["p95Ms"]),
          ms(c["maxMs"]),
          ms(c["limitMs"]),
          str(c["detail"]),
        ]),
      ),
    );
  else if (checks.length && cols === "health")
    out.push(
      table(
        ["Check", "Result", "p50", "p95", "Detail"],
        checks.map((c) => [str(c["name"]), mark(c), ms(c["p50Ms"]), ms(c["p95Ms"]), str(c["detail"])]),
      ),
    );
  else if (checks.length)
    out.push(
      table(
        ["Check", "Result", "Detail"],
        checks.map((c) => [str(c["name"]), mark(c), str(c["detail"])]),
      ),
    );
  return out.join("\n");
}

function certificationSection(ctx: DocContext): string {
  const certs = ctx.state.decisions.filter((d) => d.type === "certify" || (d.type === "approve" && d.phase === 7));
  const out = ["## Release certification", ""];
  if (certs.length === 0) return [...out, "Not certified yet: waiting for the HUM LEAD (7.10).", ""].join("\n");
  for (const d of certs)
    out.push(
      `- ${d.type === "certify" ? "CERTIFIED" : "APPROVED"} by ${md(d.actor.id)} (${d.actor.role}) at ${d.at}${d.note ? `: ${md(d.note)}` : ""}`,
    );
  if (ctx.state.certifiedAt) out.push(`- Release marked COMPLETE and CERTIFIED at ${ctx.state.certifiedAt}`);
  out.push("");
  return out.join("\n");
}

export function renderPostDeploymentDoc(ctx: DocContext): string {
  const notice = skippedNotice(ctx, 7);
  const deploy = stepResult(ctx, "6.1");
  const gh = stepResult(ctx, "6.8");
  return [
    header(ctx, "Post-Deployment Validation", [
      ...(deploy?.["commit"] ? ([["Deployed Commit", `\`${String(deploy["commit"])}\``]] as [string, string][]) : []),
      ...(gh?.["url"] ? ([["GitHub Release", String(gh["url"])]] as [string, string][]) : []),
    ]),
    ...(notice ? [notice] : []),
    timelineOfDeployment(ctx),
    healthSection(ctx),
    releaseSection(ctx),
    validationSection(ctx, "7.1", "Operational validation", "health"),
    validationSection(ctx, "7.2", "Performance at production scale", "perf"),
    validationSection(ctx, "7.3", "User experience (smoke journeys)", "plain"),
    validationSection(ctx, "7.4", "Business objectives", "plain"),
    certificationSection(ctx),
    deploymentOutcomeSection(ctx),
    deviationsSection(ctx),
    decisionsSection(ctx, [6, 7]),
    conversationSection(ctx, [6, 7]),
    timelineSection(ctx, [6, 7]),
  ]
    .filter(Boolean)
    .join("\n");
}
