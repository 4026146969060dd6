/** SITREP and DEPLOYMENT STATUS views (pure over the state). */
import type { AnyEvent } from "../core/events.js";
import type { ReleaseState } from "../core/release-state.js";
import { nextCommands } from "../core/status-view.js";
import { sevLabel, stepDef } from "../core/workflow.js";

export interface Sitrep {
  release: string;
  version: string;
  environment: string;
  sev: string;
  state: string;
  status: "ON TRACK" | "BLOCKED" | "COMPLETE" | "AT RISK";
  phase: number;
  step: string;
  lastAction: string;
  nextAction: string;
  qualityGates: { phase: number; approved: boolean }[];
}

export function sitrep(s: ReleaseState, events: readonly AnyEvent[]): Sitrep {
  const status =
    s.state === "certified"
      ? "COMPLETE"
      : s.state === "failed" || s.incident || s.state === "on-hold"
        ? "BLOCKED"
        : s.state === "rolling-back" ||
            s.state === "rolled-back" ||
            s.state === "aborted" ||
            s.gate?.findings.some((f) => f.severity === "critical")
          ? "AT RISK"
          : "ON TRACK";
  const last = [...events].reverse().find((e) => e.type !== "Note");
  const lastAction = last
    ? `${last.type}${"step" in last.data ? ` ${last.data.step}` : ""} by ${last.actor.id} at ${last.at}`
    : "none";
  return {
    release: s.release,
    version: s.version,
    environment: s.environment,
    sev: sevLabel(s.sev),
    state: s.state,
    status,
    phase: s.phase,
    step: s.gate?.step ?? s.step,
    lastAction,
    nextAction: nextCommands(s)[0] ?? "none",
    qualityGates: s.plan
      .filter((p) => [2, 3, 4, 5, 7].includes(p))
      .map((p) => ({ phase: p, approved: s.approvedAt[p] !== undefined })),
  };
}

export function renderSitrep(r: Sitrep): string {
  return [
    `SITREP RELEASE v${r.version} → ${r.environment} (${r.sev})`,
    `Status: ${r.status}   state ${r.state}`,
    `Phase ${r.phase}, step ${r.step} ${stepDef(r.step)?.title ?? ""}`,
    `Last action: ${r.lastAction}`,
    `Next action: ${r.nextAction}`,
    `Quality gates: ${r.qualityGates.map((g) => `phase ${g.phase} ${g.approved ? "✔" : "·"}`).join("  ")}`,
  ].join("\n");
}

export interface DeploymentStatus {
  release: string;
  environment: string;
  state: string;
  deployed: boolean;
  /** The latest App Store state seen (App Review, the phased release); absent for other targets. */
  appStore?: { state: string; text: string; at: string; phasedRelease: string | null };
  steps: {
    step: string;
    label: string;
    status: string;
    startedAt: string;
    finishedAt?: string;
    durationMs?: number;
    error?: string;
    health?: unknown;
    /** The last lines a deploy command printed (redacted when recorded), and what it reported. */
    output?: string;
    detail?: string;
  }[];
}

export function deploymentStatus(s: ReleaseState): DeploymentStatus {
  const steps = Object.values(s.steps)
    .filter((r) => r.step.startsWith("6.") || r.step.startsWith("7."))
    .sort((a, b) => a.startedSeq - b.startedSeq)
    .map((r) => ({
      step: r.step,
      label: r.label ?? stepDef(r.step)?.title ?? r.step,
      status: r.status,
      startedAt: r.startedAt,
      ...(r.finishedAt
        ? { finishedAt: r.finishedAt, durationMs: Date.parse(r.finishedAt) - Date.parse(r.startedAt) }
        : {}),
      ...(r.error ? { error: r.error.message } : {}),
      ...(typeof r.result?.output === "string" ? { output: r.result.output } : {}),
      ...(typeof r.result?.detail === "string" ? { detail: r.result.detail } : {}),
      ...(r.result && "health" in r.result
        ? { health: r.result.health }
        : r.result && "checks" in r.result
          ? { health: r.result.checks }
          : {}),
    }));
  return {
    release: s.release,
    environment: s.environment,
    state: s.state,
    deployed: s.deployed,
    ...(s.appStore ? { appStore: s.appStore } : {}),
    steps,
  };
}

export function renderDeploymentStatus(d: DeploymentStatus): string {
  if (d.steps.length === 0)
    return `DEPLOYMENT STATUS v${d.release} → ${d.environment}: not started (state ${d.state}).`;
  return [
    `DEPLOYMENT STATUS v${d.release} → ${d.environment} (state ${d.state})`,
    ...d.steps.map(
      (s) =>
        `  ${s.status.padEnd(9)} ${s.step.padEnd(16)} ${s.durationMs !== undefined ? `${s.durationMs} ms`.padStart(9) : "".padStart(9)}  ${s.label}${s.error ? ` — ${s.error}` : ""}`,
    ),
    ...(d.appStore ? [`  ${d.appStore.text} (seen ${d.appStore.at})`] : []),
  ].join("\n");
}
