/**
 * GitHub Actions: a gate waiting, its findings, a failed step and an incident become job
 * annotations (workflow commands, escaped as the runner reads them), and the release's state is
 * appended to the step summary ($GITHUB_STEP_SUMMARY) as markdown. Annotations go to stderr, which
 * the runner reads for workflow commands as it does stdout, so `--json` output stays one object.
 */
import { appendFileSync } from "node:fs";
import type { StatusView } from "../core/status-view.js";
import type { Finding } from "../core/events.js";
import type { ProgressEvent } from "../engine/step-types.js";
import { markdownCode, markdownText, terminalText } from "../core/safe-text.js";

type Level = "error" | "warning" | "notice";

/** A workflow command's message: `%`, CR and LF escaped. Example: `escapeData("50%\nok")` → `"50%25%0Aok"`. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A workflow command's property value: as data, and `:` and `,` too. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** One annotation line. Example: `annotation("warning", "Gate 2.10", "Review")` → `"::warning title=Gate 2.10::Review"`. */
export function annotation(level: Level, title: string, message: string): string {
  return `::${level} title=${escapeProperty(terminalText(title))}::${escapeData(terminalText(message))}`;
}

/**
 * Text quoted from elsewhere that is written to a GitHub Actions log: a line that starts with
 * `::` would be read by the runner as a workflow command (add-mask, a fake annotation, …), so a
 * zero-width space goes between the two colons.
 */
export function neutraliseCommands(text: string): string {
  return text.replace(/^(\s*):(?=:)/gm, "$1:\u200b");
}

function emit(line: string): void {
  process.stderr.write(`${line}\n`);
}

const LEVEL: Readonly<Record<Finding["severity"], Level>> = { critical: "error", warning: "warning", info: "notice" };

/** A failed step or effect during a run is an error annotation; a step that ended with a warning, a warning. */
export function annotateProgress(e: ProgressEvent): void {
  if (e.kind !== "step" && e.kind !== "effect") return;
  if (e.status === "fail" || e.verdict === "fail")
    emit(annotation("error", `brtops: step ${e.step} failed`, e.message));
  else if (e.verdict === "warn") emit(annotation("warning", `brtops: step ${e.step}`, e.message));
}

function isFinding(f: unknown): f is Finding {
  return !!f && typeof f === "object" && "severity" in f && "message" in f;
}

/** The annotations for where a release stands: the gate waiting and each finding it shows, an incident. */
export function releaseAnnotations(v: StatusView): string[] {
  const out: string[] = [];
  const r = `release ${v.release}`;
  if (v.gate) {
    out.push(
      annotation(
        "warning",
        `brtops: ${r} waits for a HUM LEAD at ${v.gate.round}`,
        `${v.gate.title} (${v.gate.kind}). Decide in the dashboard or with: ${v.next[0] ?? "brtops approve"}`,
      ),
    );
    for (const f of v.gate.findings.filter(isFinding))
      out.push(annotation(LEVEL[f.severity], `brtops: ${f.code} (${v.gate.step})`, f.message));
  }
  if (v.incident)
    out.push(annotation("error", `brtops: incident at ${v.incident.step} (${r})`, v.incident.error.message));
  if (v.hold) out.push(annotation("warning", `brtops: ${r} is on hold`, v.hold.reason));
  if (v.state === "failed" && !v.incident) out.push(annotation("error", `brtops: ${r} failed`, `at step ${v.step}`));
  return out;
}

/** The step summary's section for a release: a small table, the gate and its findings, what to do next. */
export function stepSummary(v: StatusView): string {
  const md = markdownText;
  const lines = [
    `### brtops: release v${md(v.version)} → ${md(v.environment)}`,
    "",
    "| | |",
    "| --- | --- |",
    `| State | **${md(v.state.toUpperCase())}** |`,
    `| Release | \`${markdownCode(v.release)}\` |`,
    `| Step | ${md(`${v.step} ${v.stepTitle}`)} |`,
    `| SEV | ${md(v.sev ?? "not assessed yet")} |`,
    `| Requested by | ${md(v.requestedBy)} |`,
  ];
  if (v.gate) {
    lines.push("", `**Waiting for a HUM LEAD** at ${md(v.gate.round)}: ${md(v.gate.title)} (${md(v.gate.kind)})`);
    const findings = v.gate.findings.filter(isFinding);
    if (findings.length) {
      lines.push("", "| Severity | Finding | |", "| --- | --- | --- |");
      for (const f of findings) lines.push(`| ${md(f.severity)} | \`${markdownCode(f.code)}\` | ${md(f.message)} |`);
    }
  }
  if (v.incident) lines.push("", `**Incident** at ${md(v.incident.step)}: ${md(v.incident.error.message)}`);
  if (v.next.length) lines.push("", "Next:", "", ...v.next.map((c) => `- \`${markdownCode(c)}\``));
  return `${lines.join("\n")}\n\n`;
}

/** In GitHub Actions: the annotations on stderr and the summary appended to $GITHUB_STEP_SUMMARY. */
export function reportToGitHub(v: StatusView, env: Readonly<Record<string, string | undefined>> = process.env): void {
  for (const line of releaseAnnotations(v)) emit(line);
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, stepSummary(v));
}
