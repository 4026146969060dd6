/** Where a rejected gate sends the release when the decider does not say (`reject --return-to`). Pure. */
import type { ReleaseState } from "./release-state.js";

/**
 * The phase a rejection returns to by default: a NO-GO (5.10) goes back to the last phase of the
 * plan before it, a readiness gate to phase 1, any other gate to the start of its own phase.
 * Example: SEV-3 (phases 1, 2, 5, 6, 7), NO-GO at 5.10 → 2.
 */
export function defaultReturnPhase(s: Pick<ReleaseState, "gate" | "plan">): number {
  const g = s.gate;
  if (!g) return s.plan[0] ?? 1;
  if (g.kind === "go-no-go") return [...s.plan].filter((p) => p > 1 && p < g.phase).pop() ?? 2;
  if (g.kind === "readiness") return 1;
  return g.phase;
}
