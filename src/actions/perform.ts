/** Carries out a decision of the action table on a release, the same for every face. */
import type { ReleaseState } from "../core/release-state.js";
import type { DecisionInput } from "../engine/decisions.js";
import type { Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import type { ActionSpec } from "./table.js";

export interface Performed {
  state: ReleaseState;
  /** What the action says when done (the table's words). */
  said: string;
  /** A runner must carry it out now (never after a dry run). */
  runs: boolean;
  dryRun: boolean;
}

/** Records decision `a` with its validated `input`, acting as `actorId` (a gate decision signed by `signer`, when given). */
export async function performDecision(
  p: Project,
  a: ActionSpec,
  session: ReleaseSession,
  actorId: string,
  input: Record<string, unknown>,
  signer?: DecisionInput["signer"],
): Promise<Performed> {
  if (a.kind !== "decision" || !a.decide) throw new Error(`${a.name} is not a decision`);
  const dryRun = input.dryRun === true;
  const base: DecisionInput = {
    actorId,
    ...(typeof input.step === "string" && input.step ? { step: input.step } : {}),
    ...(typeof input.note === "string" && input.note ? { note: input.note } : {}),
    ...(dryRun ? { dryRun } : {}),
    ...(signer && a.signs ? { signer } : {}),
  };
  const state = await a.decide(p, session, base, input);
  return { state, said: a.said?.(state, input) ?? "Recorded.", runs: !!a.runs && !dryRun, dryRun };
}
