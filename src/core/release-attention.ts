/**
 * What a release waits for, for the releases list: an incident, a hold, a paused run and an
 * ordinary gate are different things to a HUM LEAD, and each has waited since a known event. Pure.
 */
import { isTerminal } from "./fold.js";
import type { ReleaseState } from "./release-state.js";
import { sevLabel } from "./workflow.js";

export type AttentionKind = "incident" | "hold" | "gate" | "paused" | "running" | "finished";

export interface ReleaseAttention {
  kind: AttentionKind;
  /** Whose move it is: a HUM LEAD's (gate, incident, hold, pause), a runner's, or no one's. */
  waitsFor: "hum-lead" | "runner" | null;
  /** Since when it waits (the gate or incident opened, the hold or pause began). */
  since: string;
  /** The step it waits at, with what a person reads about it. */
  step: string;
  title: string;
  sev: string;
  /** The gate's kind (go-no-go, certification, …) when a gate waits. */
  gateKind: string | null;
}

/** Example: a release with an open incident at 6.1 → `{kind: "incident", waitsFor: "hum-lead", step: "6.1", …}`. */
export function releaseAttention(s: ReleaseState): ReleaseAttention {
  const base = { sev: sevLabel(s.sev), gateKind: null, step: s.step };
  if (isTerminal(s))
    return { ...base, kind: "finished", waitsFor: null, since: s.finishedAt ?? s.lastAt, title: s.state };
  if (s.incident)
    return {
      ...base,
      kind: "incident",
      waitsFor: "hum-lead",
      since: s.incident.openedAt,
      step: s.incident.step,
      title: s.incident.error.message,
    };
  if (s.onHold)
    return {
      ...base,
      kind: "hold",
      waitsFor: "hum-lead",
      since: s.hold?.at ?? s.lastAt,
      title: s.hold?.reason ?? "on hold",
    };
  if (s.state === "paused")
    return { ...base, kind: "paused", waitsFor: "hum-lead", since: s.lastAt, title: "paused at a checkpoint" };
  if (s.gate)
    return {
      ...base,
      kind: "gate",
      waitsFor: "hum-lead",
      since: s.gate.openedAt,
      step: s.gate.step,
      title: s.gate.title,
      gateKind: s.gate.kind,
    };
  return { ...base, kind: "running", waitsFor: "runner", since: s.lastAt, title: s.inFlight?.label ?? "running" };
}
