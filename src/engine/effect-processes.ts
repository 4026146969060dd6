/**
 * Effects that outlive their runner. Each program an effect starts runs in its own process group,
 * so a SIGKILLed `brtops run` leaves it running. The engine records every such child when it starts
 * it (a Note of kind "effect-process": pid, /proc start time, group, host, deadline), and before a
 * recovering or retried effect decides anything it waits for a recorded child still running (the
 * same pid with the same start time), stopping it only past the step's own time limit or when a
 * HUM LEAD asked for a rollback or an abort. Only then is the effect's `check` consulted.
 */
import type { AnyDraft, AnyEvent, Actor } from "../core/events.js";
import { recordedProcessState, signalRecorded, type ProcessIdentity } from "../adapters/process-identity.js";
import { sleep } from "../deploy/run-action.js";

export const EFFECT_PROCESS_NOTE = "effect-process";

export interface EffectProcess extends ProcessIdentity {
  step: string;
  argv0: string;
  /** When the runner would have stopped it (its timeout); absent: no limit. */
  deadline?: string;
}

/** The Note that records a child an effect started. */
export function effectProcessNote(p: EffectProcess, at: string, actor: Actor): AnyDraft {
  const text = `${p.step}: started ${p.argv0} as process ${p.pid}${p.pgid ? ` (group ${p.pgid})` : ""} on ${p.host}`;
  return { type: "Note", at, actor, data: { kind: EFFECT_PROCESS_NOTE, text, data: { ...p } } };
}

/** The children recorded for a sub-step (every attempt). */
export function recordedProcesses(events: readonly AnyEvent[], step: string): EffectProcess[] {
  const out: EffectProcess[] = [];
  for (const e of events) {
    if (e.type !== "Note" || e.data.kind !== EFFECT_PROCESS_NOTE) continue;
    const d = e.data.data as Partial<EffectProcess> | undefined;
    if (d?.step !== step || typeof d.pid !== "number" || typeof d.host !== "string") continue;
    out.push(d as EffectProcess);
  }
  return out;
}

/** The recorded children of `step` (a sub-step, or a main step: all its sub-steps) still running on this host. */
export function liveProcesses(events: readonly AnyEvent[], step: string): EffectProcess[] {
  const all = step.includes(":")
    ? recordedProcesses(events, step)
    : allProcesses(events).filter((p) => p.step.startsWith(`${step}:`));
  return all.filter((p) => recordedProcessState(p) === "alive");
}

function allProcesses(events: readonly AnyEvent[]): EffectProcess[] {
  const steps = new Set<string>();
  for (const e of events)
    if (e.type === "Note" && e.data.kind === EFFECT_PROCESS_NOTE)
      steps.add(String((e.data.data as { step?: unknown } | undefined)?.step ?? ""));
  return [...steps].flatMap((s) => recordedProcesses(events, s));
}

/** Stops recorded children: SIGTERM to each group, SIGKILL to what is left after `graceMs`. */
export async function stopProcesses(procs: readonly EffectProcess[], graceMs = 5000): Promise<void> {
  for (const p of procs) signalRecorded(p, "SIGTERM");
  for (const t0 = Date.now(); Date.now() - t0 < graceMs && procs.some((p) => recordedProcessState(p) === "alive");)
    await sleep(50);
  for (const p of procs) signalRecorded(p, "SIGKILL");
}

export interface WaitOptions {
  /** Told once per process that is waited for. */
  onWait: (p: EffectProcess) => void;
  /** True when a HUM LEAD asked to stop (rollback, abort): the children are stopped instead of awaited. */
  stopRequested: () => Promise<boolean>;
  signal?: AbortSignal;
  nowMs?: () => number;
}

/**
 * Waits until no recorded child of `step` runs any more. A child past its deadline (the step's time
 * limit, which the crashed runner can no longer enforce) is stopped as the runner would have.
 * Returns false when the wait was interrupted (the signal aborted) with a child still running.
 */
export async function waitForProcesses(events: readonly AnyEvent[], step: string, o: WaitOptions): Promise<boolean> {
  const now = o.nowMs ?? Date.now;
  let live = liveProcesses(events, step);
  for (const p of live) o.onWait(p);
  let polls = 0;
  while (live.length > 0) {
    if (o.signal?.aborted) return false;
    const late = live.filter((p) => p.deadline !== undefined && Date.parse(p.deadline) < now());
    // The log is read again now and then, not at every poll: it may be long.
    if (late.length > 0 || (polls % 10 === 0 && (await o.stopRequested())))
      await stopProcesses(late.length > 0 ? late : live);
    await sleep(100, o.signal);
    polls += 1;
    live = live.filter((p) => recordedProcessState(p) === "alive");
  }
  return true;
}

/**
 * Children that a HUM LEAD's guidance gave up on: `guide rollback` or `guide continue` on an
 * incident whose effect's program still runs (recorded before the guidance). The next runner stops
 * them before anything else, so a rollback never races the deploy it undoes.
 */
export function abandonedProcesses(events: readonly AnyEvent[]): { process: EffectProcess; choice: string }[] {
  const out: { process: EffectProcess; choice: string }[] = [];
  const recorded: { seq: number; p: EffectProcess }[] = [];
  for (const e of events) {
    if (e.type === "Note" && e.data.kind === EFFECT_PROCESS_NOTE) {
      const d = e.data.data as Partial<EffectProcess> | undefined;
      if (typeof d?.pid === "number" && typeof d.step === "string" && typeof d.host === "string")
        recorded.push({ seq: e.seq, p: d as EffectProcess });
    } else if (e.type === "IncidentGuidance" && (e.data.choice === "rollback" || e.data.choice === "continue")) {
      const main = e.data.step.split(":")[0]!;
      for (const r of recorded)
        if (r.seq < e.seq && r.p.step.split(":")[0] === main && recordedProcessState(r.p) === "alive")
          out.push({ process: r.p, choice: e.data.choice });
    }
  }
  return out;
}
