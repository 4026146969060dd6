/** Who approved a phase's gate, when, and with which waiver — read from the events. Pure. */
import type { AnyEvent } from "../core/events.js";

export interface PhaseApproval {
  /** Every approver of the final approval round, in order. */
  by: string[];
  /** When the final approval was given. */
  at: string;
  seq: number;
  authority: "person" | "auto-proceed";
  notes: string[];
  /** Waiver reasons given with `approve --waive`. */
  waivers: string[];
}

/** The last completed approval of `phase` in these events, or null. Example: `phaseApproval(ctx.events, 5)?.by`. */
export function phaseApproval(events: readonly AnyEvent[], phase: number): PhaseApproval | null {
  let round: Extract<AnyEvent, { type: "GateApproved" }>[] = [];
  let last: PhaseApproval | null = null;
  for (const e of events) {
    if (e.type === "GateOpened" && e.data.phase === phase) round = [];
    if (e.type !== "GateApproved" || e.data.phase !== phase) continue;
    round.push(e);
    if (!e.data.final) continue;
    const notes = round.map((a) => a.data.note ?? "").filter(Boolean);
    last = {
      by: round.map((a) => a.actor.id),
      at: e.at,
      seq: e.seq,
      authority: e.data.authority,
      notes,
      waivers: notes.flatMap((n) => [...n.matchAll(/waiver: (.*)$/g)].map((m) => m[1]!)),
    };
    round = [];
  }
  return last;
}
