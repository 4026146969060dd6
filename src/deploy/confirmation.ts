/**
 * Manual confirmation steps (`confirm: {role, prompt}`) inside a deployment. A confirmation is a
 * fact in the log: the final approval of a gate opened for this step (its title carries the
 * marker `[confirm 6.1:<name>]`), or a Note of kind "confirm" for the step by the named role or
 * person. Until one exists the deployment stops before the step and asks through a gate. Pure.
 */
import type { AnyEvent } from "../core/events.js";
import type { GateRequest } from "../engine/step-types.js";

export function confirmMarker(subStep: string): string {
  return `[confirm ${subStep}]`;
}

export interface Confirmation {
  by: string;
  role: string;
  at: string;
  seq: number;
}

/** The confirmation of a sub-step given after `sinceSeq`, or null. Example: `findConfirmation(events, "6.1:switch", "hum-lead", 0)`. */
export function findConfirmation(
  events: readonly AnyEvent[],
  subStep: string,
  role: string,
  sinceSeq: number,
): Confirmation | null {
  const marker = confirmMarker(subStep);
  let gateOpen = false;
  for (const e of events) {
    if (e.seq <= sinceSeq) continue;
    if (e.type === "GateOpened") gateOpen = e.data.title.includes(marker);
    else if (e.type === "GateApproved" && gateOpen && e.data.final)
      return { by: e.actor.id, role: e.actor.role, at: e.at, seq: e.seq };
    else if (e.type === "GateRejected") gateOpen = false;
    else if (
      e.type === "Note" &&
      e.data.kind === "confirm" &&
      e.data.data?.["step"] === subStep &&
      (e.actor.id === role || e.actor.role === role)
    ) {
      return { by: e.actor.id, role: e.actor.role, at: e.at, seq: e.seq };
    }
  }
  return null;
}

/** The gate that asks for the confirmation; approving it re-runs 6.1, which then goes on. */
export function confirmationGate(subStep: string, role: string, prompt: string, done: readonly string[]): GateRequest {
  return {
    kind: "approval",
    title: `Confirm before ${subStep}: ${prompt} ${confirmMarker(subStep)}`,
    report: [
      `The deployment stopped before ${subStep} and waits for ${role} to confirm:`,
      "",
      `  ${prompt}`,
      "",
      `Done so far: ${done.length ? done.join(", ") : "nothing"}.`,
      "Approve to go on with the deployment; reject to stop it.",
    ].join("\n"),
    findings: [],
    onApprove: subStep.split(":")[0]!,
  };
}
