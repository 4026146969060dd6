/**
 * The gate prompt: after `brtops run`, a release request or `brtops status` has shown a release
 * waiting at a gate, a HUM LEAD at a terminal is offered approve / reject / feedback / later
 * instead of copying a command from the output. Never in CI, never with --json, never to an AI
 * LEAD (style.ts decides `interactive`; authority decides the role). The choice is carried out by
 * the very commands `brtops approve`, `reject` and `feedback` run — their checks, their signed
 * decisions, their output — so a prompt can do nothing the command line cannot.
 */
import { roleOf } from "../core/authority.js";
import { statusView, type StatusView } from "../core/status-view.js";
import { selectRelease } from "../engine/project.js";
import type { Args } from "./args.js";
import { actorId, envFlag, withProject, type Ctx } from "./context.js";

/** What happened after the prompt: the run goes on (approved, rejected) or the person left it for later. */
type Choice = "approve" | "reject" | "feedback" | "later";

/** The release the command showed, and whether the person running brtops is a HUM LEAD who may decide its open gate now. */
async function gateForPerson(ctx: Ctx): Promise<{ v: StatusView; mayDecide: boolean }> {
  return withProject(ctx, async (p) => {
    const id = actorId(ctx, p);
    // As status picks it: a finished release too (it has no gate, so nothing is asked).
    const session = await selectRelease(p.store, ctx.args.flags.release, { allowFinished: true, ...envFlag(ctx) });
    const v = statusView(session.state, ctx.args.flags.release);
    // Their own approval is in already: the gate waits for someone else.
    const mayDecide =
      roleOf(p.config.leads, id) === "hum-lead" && !!v.gate && !v.gate.approvals.some((a) => a.by === id);
    return { v, mayDecide };
  });
}

/** The same context as the command line `brtops <command> --release R --step ROUND …` would make. */
function asCommand(ctx: Ctx, command: string, v: StatusView, flags: Args["flags"], positionals: string[] = []): Ctx {
  return {
    ...ctx,
    args: {
      ...ctx.args,
      command,
      positionals,
      flags: { ...ctx.args.flags, release: v.release, step: v.gate!.round, ...flags },
    },
  };
}

/** Whether a closed prompt (Ctrl-C, the terminal gone) is what ended the question. */
function promptClosed(e: unknown): boolean {
  return e instanceof Error && (e.name === "ExitPromptError" || e.name === "AbortPromptError");
}

async function ask(v: StatusView): Promise<{ choice: Choice; text?: string }> {
  const { select, input } = await import("@inquirer/prompts");
  const gate = v.gate!;
  const critical = gate.findings.some(
    (f) => !!f && typeof f === "object" && "severity" in f && f.severity === "critical",
  );
  const choice = await select<Choice>({
    message: `Gate ${gate.round} — ${gate.title}: your decision as HUM LEAD`,
    choices: [
      { name: critical ? "approve (with a recorded waiver)" : "approve", value: "approve" },
      { name: "reject (back to an earlier step)", value: "reject" },
      { name: "feedback (the AI LEAD revises the report)", value: "feedback" },
      { name: "later (decide in the dashboard or with brtops approve)", value: "later" },
    ],
  });
  const required = (value: string) => value.trim().length > 0 || "Please write a few words.";
  if (choice === "reject")
    return { choice, text: await input({ message: "Reason for the rejection:", validate: required }) };
  if (choice === "feedback") return { choice, text: await input({ message: "Your feedback:", validate: required }) };
  if (choice === "approve" && critical)
    return {
      choice,
      text: await input({ message: "Why the critical finding is acceptable (waiver):", validate: required }),
    };
  return { choice };
}

/**
 * After a command that showed a release (`code` is its exit code): ask a HUM LEAD at a terminal
 * to decide its open gate. `continueRun`: after an approval or a rejection the release is run on
 * (as `brtops run` would), and the next gate asks again. Returns the exit code to end with.
 */
export async function offerGateDecision(ctx: Ctx, code: number, continueRun: boolean): Promise<number> {
  if (!ctx.out.mode.interactive || ctx.args.flags.json || ctx.args.flags.jsonl || ctx.args.flags["dry-run"])
    return code;
  const { decisionCommands } = await import("./commands-decide.js");
  for (;;) {
    const { v, mayDecide } = await gateForPerson(ctx);
    if (!mayDecide) return code;
    let answer: Awaited<ReturnType<typeof ask>>;
    try {
      process.stdout.write("\n");
      answer = await ask(v);
    } catch (e) {
      if (promptClosed(e)) return code;
      throw e;
    }
    const release = { ...ctx, args: { ...ctx.args, flags: { ...ctx.args.flags, release: v.release } } };
    switch (answer.choice) {
      case "later":
        return code;
      case "feedback":
        await decisionCommands.feedback!(asCommand(ctx, "feedback", v, {}, [answer.text!]));
        continue; // the gate is still open: ask again
      case "approve":
        await decisionCommands.approve!(asCommand(ctx, "approve", v, answer.text ? { waive: answer.text } : {}));
        break;
      case "reject":
        await decisionCommands.reject!(asCommand(ctx, "reject", v, { reason: answer.text! }));
        break;
    }
    if (!continueRun) return 0;
    // Still at the same round (another HUM LEAD's approval is needed): nothing to run yet.
    const after = await gateForPerson(release);
    if (after.v.gate?.round === v.gate!.round) return code;
    const { cmdRun } = await import("./commands-release.js");
    // cmdRun asks again at the next gate itself.
    return cmdRun(release);
  }
}
