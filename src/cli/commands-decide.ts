/**
 * The decision commands (approve, reject, guide, go, feedback, questions, pause…), by name, for
 * the callers that pick one by name (a BRTOPS phrase, the gate prompt). Each is the action
 * table's decision run through the command line's face (commands-action.ts).
 */
import { ACTIONS } from "../actions/table.js";
import type { Ctx } from "./context.js";

export const decisionCommands: Record<string, (ctx: Ctx) => Promise<number>> = Object.fromEntries(
  ACTIONS.filter((a) => a.kind === "decision").map((a) => [
    a.name,
    async (ctx: Ctx) => (await import("./commands-action.js")).runAction(ctx, a),
  ]),
);
