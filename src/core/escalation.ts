/**
 * Emergency Authority's escalation (spec: "defined escalation procedures for deployment
 * failures"): an incident that waits `emergency.escalateAfter` with no HUM LEAD decision pages the
 * emergency contacts, once per incident. Pure: the engine asks it with its clock.
 */
import type { EventDraft } from "./events.js";
import type { ReleaseState } from "./release-state.js";

export interface EscalationPolicy {
  /** As configured ("15m"), recorded in the event. */
  after: string;
  afterMs: number;
  /** Who is paged: the emergency contacts, else the HUM LEADs. */
  to: readonly string[];
}

/** When the open incident of `s` escalates (ms since the epoch), or null when it never will (none open, already paged, finished). */
export function escalationAt(s: ReleaseState, afterMs: number): number | null {
  const inc = s.incident;
  if (!inc || inc.escalated !== undefined) return null;
  if (
    s.state === "certified" ||
    s.state === "aborted" ||
    s.state === "rolled-back" ||
    s.rollbackRequested ||
    s.abortRequested
  )
    return null;
  const opened = Date.parse(inc.openedAt);
  return Number.isNaN(opened) ? null : opened + afterMs;
}

/** The Escalated event to record now, or null when nothing is due. Example: `escalation(s, {after: "15m", afterMs: 900000, to: ["oncall@x"]}, now)`. */
export function escalation(s: ReleaseState, p: EscalationPolicy, nowIso: string): EventDraft<"Escalated"> | null {
  const at = escalationAt(s, p.afterMs);
  if (at === null || Date.parse(nowIso) < at) return null;
  return {
    type: "Escalated",
    at: nowIso,
    actor: { id: "brtops", role: "system" },
    data: { step: s.incident!.step, incident: s.incident!.openedSeq, after: p.after, to: [...p.to] },
  };
}
