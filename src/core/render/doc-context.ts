/** What a document renderer gets: the log up to the moment its document is written, and its fold. */
import type { AnyEvent } from "../events.js";
import type { ReleaseState, StepRecord } from "../release-state.js";
import type { StepResults } from "../step-results.js";

export interface DocContext {
  state: ReleaseState;
  events: readonly AnyEvent[];
}

export type DocRenderer = (ctx: DocContext) => string;

/** The latest recorded result of a step in the current pass (or from any earlier pass when none), typed by its id. */
export function stepResult<K extends keyof StepResults>(ctx: DocContext, step: K): StepResults[K] | undefined {
  const rec: StepRecord | undefined = ctx.state.steps[step];
  // The log holds what the executor of `step` returned, whose type is StepResults[step].
  if (rec?.result) return rec.result as StepResults[K];
  for (let i = ctx.events.length - 1; i >= 0; i--) {
    const e = ctx.events[i]!;
    if (e.type === "StepSucceeded" && e.data.step === step && e.data.result) return e.data.result as StepResults[K];
  }
  return undefined;
}

/** Sub-step records of a step ("6.1:ship", …) in the order they started. */
export function subSteps(ctx: DocContext, step: string): StepRecord[] {
  return Object.values(ctx.state.steps)
    .filter((r) => r.step.startsWith(`${step}:`))
    .sort((a, b) => a.startedSeq - b.startedSeq);
}
