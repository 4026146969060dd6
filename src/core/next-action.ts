/**
 * What the engine should do next, decided from the state alone (xstate-style: the decision is a
 * value; the engine carries it out).
 */
import type { ReleaseState } from "./release-state.js";
import { mainStep } from "./fold.js";
import { stepDef } from "./workflow.js";
import { gateFindings } from "./consolidate.js";

export type NextAction =
  | { type: "done"; reason: string }
  | { type: "await"; reason: "gate" | "incident" | "paused" | "on-hold" }
  | { type: "auto-approve"; grantedBy: string }
  | { type: "rollback" }
  | { type: "finish-abort" }
  | { type: "recover"; step: string }
  | { type: "open-incident"; step: string; error: { code: string; message: string } }
  | { type: "run"; step: string };

/** GO RELEASE's auto-proceed applies to SEV-2 and lower, to approval gates with no finding. */
export function autoProceedApplies(s: ReleaseState): boolean {
  const g = s.gate;
  if (!g || !s.autoProceed) return false;
  if (s.sev === null || s.sev <= 1) return false;
  if (g.kind !== "approval") return false;
  // Open feedback and unanswered questions count (CONSOLIDATE): a person must see them decided.
  if (gateFindings(s).length > 0) return false;
  if (g.approvals.length > 0) return false;
  // Whoever requested the release can never be its only approver: an auto-approval on their own grant would be.
  if (s.autoProceed.by.id.toLowerCase() === s.requestedBy.id.toLowerCase()) return false;
  return true;
}

export function nextAction(s: ReleaseState): NextAction {
  if (s.state === "certified") return { type: "done", reason: "certified" };
  if (s.state === "aborted") return { type: "done", reason: "aborted" };
  if (s.state === "rolled-back") return { type: "done", reason: "rolled back" };
  if (s.rollbackRequested || (s.abortRequested && s.deployed)) return { type: "rollback" };
  if (s.abortRequested) return { type: "finish-abort" };
  if (s.incident) return { type: "await", reason: "incident" };
  if (s.onHold) return { type: "await", reason: "on-hold" };
  if (s.gate) {
    if (autoProceedApplies(s) && !s.pauseRequested) return { type: "auto-approve", grantedBy: s.autoProceed!.by.id };
    return { type: "await", reason: s.pauseRequested ? "paused" : "gate" };
  }
  if (s.pauseRequested) return { type: "await", reason: "paused" };
  // A failure goes to the HUM LEAD first, even when a sub-step of it is left unfinished.
  const failed = Object.values(s.steps).find((r) => r.status === "failed");
  if (failed)
    return {
      type: "open-incident",
      step: failed.step,
      error: failed.error ?? { code: "E_STEP_FAILED", message: "failed" },
    };
  // A step started and never finished (a crash, or a pause between its sub-steps): take it up again.
  const open = s.inFlight ?? Object.values(s.steps).find((r) => r.status === "started");
  if (open) return { type: "recover", step: open.step };
  if (!stepDef(mainStep(s.step))) return { type: "done", reason: `unknown step ${s.step}` };
  return { type: "run", step: s.step };
}
