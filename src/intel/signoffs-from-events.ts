/**
 * Sign-offs as the log holds them: a `Note` event with kind "signoff" and
 * `data: {for: "uat" | "stakeholders", decision: "approve" | "reject"}` recorded by the person
 * signing (its actor). Pure: documents recompute sign-offs from the events they are rendered from.
 */
import type { AnyEvent } from "../core/events.js";
import type { Signoff } from "./assess-signoffs.js";

export const SIGNOFF_NOTE_KIND = "signoff";
export type SignoffScope = "uat" | "stakeholders";

/** The sign-offs for one scope, oldest first. Example: `signoffsFromEvents(events, "uat")`. */
export function signoffsFromEvents(events: readonly AnyEvent[], scope: SignoffScope): Signoff[] {
  const out: Signoff[] = [];
  for (const e of events) {
    if (e.type !== "Note" || e.data.kind !== SIGNOFF_NOTE_KIND) continue;
    const d = e.data.data ?? {};
    const forScope = d.for === "uat" || d.for === "stakeholders" ? d.for : "stakeholders";
    if (forScope !== scope) continue;
    out.push({
      by: e.actor.id,
      at: e.at,
      decision: d.decision === "reject" ? "reject" : "approve",
      ...(e.data.text ? { note: e.data.text } : {}),
    });
  }
  return out;
}
