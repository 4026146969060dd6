/**
 * The command line's face of the action table: the words and options typed become the action's
 * input (checked by its one schema, as the API and MCP check theirs), the decision is carried out
 * through actions/perform, and what the table says is printed with the release's status.
 */
import { BrtopsError, ExitCodes } from "../core/errors.js";
import { statusView } from "../core/status-view.js";
import { parseActionInput } from "../actions/input.js";
import { performDecision } from "../actions/perform.js";
import { actionSpec, type ActionSpec } from "../actions/table.js";
import type { DecisionInput } from "../engine/decisions.js";
import { cliOptionsOf } from "./command-table.js";
import { actorId, envFlag, type Ctx } from "./context.js";
import { renderStatusText } from "./render-status.js";
import { styled } from "./style.js";

/** The action's input from the command line: its words by position, its options by their CLI names. */
export function cliInput(
  a: ActionSpec,
  positionals: readonly string[],
  flags: Record<string, unknown>,
): Record<string, unknown> {
  const { keys } = cliOptionsOf(a);
  const raw: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(keys)) if (flags[name] !== undefined) raw[key] = flags[name];
  if (a.cliInput) {
    // The words fill what they name; an option given instead (`propose --kind guidance …`) stays.
    for (const [k, v] of Object.entries(a.cliInput([...positionals], flags)))
      if (v !== undefined && v !== "") raw[k] = v;
    return raw;
  }
  const numbered = Object.values(a.fields).filter((f) => typeof f.ui.arg === "number").length;
  for (const [key, f] of Object.entries(a.fields)) {
    const at = f.ui.arg;
    if (at === undefined) continue;
    const value = at === "rest" ? positionals.slice(numbered).join(" ") : positionals[at];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  return raw;
}

/** Runs the command line's `release`/`run`-free actions: one decision on the selected release. */
export async function runAction(ctx: Ctx, a: ActionSpec): Promise<number> {
  // Checked before anything is opened: bad input writes nothing and exits 2.
  const input = parseActionInput(a, cliInput(a, ctx.args.positionals, ctx.args.flags));
  const { openProject, selectRelease } = await import("../engine/project.js");
  const p = await openProject(ctx.cwd);
  let done;
  try {
    const session = await selectRelease(p.store, ctx.args.flags.release, {
      ...envFlag(ctx),
      ...(a.allowFinished ? { allowFinished: true } : {}),
    });
    done = await performDecision(p, a, session, actorId(ctx, p), input, a.signs ? await signerFor(ctx) : undefined);
  } finally {
    await p.close();
  }
  const { state, said, runs, dryRun } = done;
  const v = statusView(state, ctx.args.flags.release);
  if (dryRun) {
    // Everything the real decision checks passed (authority, the step, the gate and its rules); nothing was recorded.
    ctx.out.result(
      { dryRun: true, recorded: false, command: ctx.args.command, ...v },
      `Dry run: \`brtops ${ctx.args.command}\` would be accepted now (release ${state.release}, step ${v.step}). Nothing was recorded.`,
    );
    return ExitCodes.OK;
  }
  // An abort or rollback is carried out at once by this command (its --jsonl shows the steps).
  if (runs && (a.name === "abort" || a.name === "rollback")) {
    ctx.out.info(said);
    return runNow(ctx);
  }
  const next = runs ? " Next: brtops run" : "";
  ctx.out.result(
    { recorded: true, said, ...v },
    styled`${ctx.out.style.green(said + next)}\n\n${renderStatusText(v, ctx.out.style)}`,
  );
  if (ctx.out.mode.github) (await import("./ci-github.js")).reportToGitHub(v);
  return ExitCodes.OK;
}

/** Carries out an abort or rollback now; another `brtops run` already advancing the release does it at its next checkpoint. */
async function runNow(ctx: Ctx): Promise<number> {
  try {
    return await (await import("./commands-release.js")).cmdRun(ctx);
  } catch (e) {
    if (e instanceof BrtopsError && e.code === "E_LOCKED") {
      ctx.out.result(
        { recorded: true, handledBy: "the active runner", detail: e.message },
        `${e.message}\nIt carries this out at its next safe checkpoint; follow it with \`brtops status\`.`,
      );
      return ExitCodes.OK;
    }
    throw e;
  }
}

/** The SSH signer of a gate decision: --sign-key, BRTOPS_SIGNING_KEY or git's SSH signing key (none: unsigned). */
async function signerFor(ctx: Ctx): Promise<DecisionInput["signer"]> {
  const { findSigningKey } = await import("../engine/signing-keys.js");
  const key = findSigningKey(ctx.cwd, ctx.args.flags["sign-key"]);
  if (!key) return undefined;
  const { sshSigner } = await import("../engine/decision-signing.js");
  return sshSigner(key);
}

/** `brtops release VERSION --to ENV`: the request action's input, checked by its schema, then the request. */
export async function cmdRequest(ctx: Ctx, trigger?: string): Promise<number> {
  const a = actionSpec("request")!;
  const input = parseActionInput(a, cliInput(a, ctx.args.positionals, ctx.args.flags));
  const { cmdRelease } = await import("./commands-release.js");
  return cmdRelease(ctx, input.version as string, input.environment as string, trigger);
}

/** The commands of the decisions, by their command-line name (a phrase or a gate prompt runs them too). */
export async function runDecisionCommand(ctx: Ctx, name: string): Promise<number> {
  const a = actionSpec(name);
  if (!a || a.kind !== "decision") throw new Error(`command ${name} is not a decision of the action table`);
  return runAction(ctx, a);
}
