/** Commands by which people decide and talk: approve, reject, guide, go, feedback, questions, pause… */
import { envFlag } from "./context.js";
import { BrtopsError, ExitCodes } from "../core/errors.js";
import { gateWaitingFor } from "../core/authority.js";
import type { IncidentChoice, ProposalKind } from "../core/events.js";
import { statusView } from "../core/status-view.js";
import { parseSev } from "../core/workflow.js";
import * as d from "../engine/decisions.js";
import { selectRelease } from "../engine/project.js";
import type { ReleaseState } from "../core/release-state.js";
import { actorId, type Ctx } from "./context.js";
import { renderStatusText } from "./render-status.js";
import { styled } from "./style.js";

type Decide = (ctx: Ctx, base: d.DecisionInput) => Promise<{ state: ReleaseState; said: string }>;

const cmdRun = async (ctx: Ctx): Promise<number> => {
  try {
    return await (await import("./commands-release.js")).cmdRun(ctx);
  } catch (e) {
    // Another `brtops run` is advancing the release: it carries the request out at its next checkpoint.
    if (e instanceof BrtopsError && e.code === "E_LOCKED") {
      ctx.out.result(
        { recorded: true, handledBy: "the active runner", detail: e.message },
        `${e.message}\nIt carries this out at its next safe checkpoint; follow it with \`brtops status\`.`,
      );
      return ExitCodes.OK;
    }
    throw e;
  }
};

async function decide(ctx: Ctx, fn: Decide, then?: (ctx: Ctx) => Promise<number>): Promise<number> {
  const dryRun = !!ctx.args.flags["dry-run"];
  const { state, said } = await fn(ctx, {
    actorId: "",
    ...(ctx.args.flags.step ? { step: ctx.args.flags.step } : {}),
    ...(ctx.args.flags.note ? { note: ctx.args.flags.note } : {}),
    ...(dryRun ? { dryRun } : {}),
  });
  if (dryRun) {
    // Everything the real decision checks passed (authority, the step, the gate and its rules); nothing was recorded.
    const v = statusView(state, ctx.args.flags.release);
    ctx.out.result(
      { dryRun: true, recorded: false, command: ctx.args.command, ...v },
      `Dry run: \`brtops ${ctx.args.command}\` would be accepted now (release ${state.release}, step ${v.step}). Nothing was recorded.`,
    );
    return ExitCodes.OK;
  }
  if (then) {
    ctx.out.info(said);
    return then(ctx);
  }
  const v = statusView(state, ctx.args.flags.release);
  ctx.out.result(
    { recorded: true, said, ...v },
    styled`${ctx.out.style.green(said)}\n\n${renderStatusText(v, ctx.out.style)}`,
  );
  if (ctx.out.mode.github) (await import("./ci-github.js")).reportToGitHub(v);
  return ExitCodes.OK;
}

function text(ctx: Ctx, i: number, what: string): string {
  const t = ctx.args.positionals.slice(i).join(" ").trim();
  if (!t) throw new BrtopsError("E_USAGE", `Give the ${what}.`, { hint: `Run \`brtops ${ctx.args.command} --help\`.` });
  return t;
}

async function session(ctx: Ctx, allowFinished = false) {
  const { openProject } = await import("../engine/project.js");
  const p = await openProject(ctx.cwd);
  return {
    p,
    s: await selectRelease(p.store, ctx.args.flags.release, {
      ...envFlag(ctx),
      ...(allowFinished ? { allowFinished } : {}),
    }),
  };
}

/** The SSH signer of a gate decision: --sign-key, BRTOPS_SIGNING_KEY or git's SSH signing key (none: unsigned). */
async function signerFor(ctx: Ctx): Promise<{ signer?: d.DecisionInput["signer"] }> {
  const { findSigningKey } = await import("../engine/signing-keys.js");
  const key = findSigningKey(ctx.cwd, ctx.args.flags["sign-key"]);
  if (!key) return {};
  const { sshSigner } = await import("../engine/decision-signing.js");
  return { signer: sshSigner(key) };
}

function runDecision(
  fn: (
    p: Awaited<ReturnType<typeof session>>["p"],
    s: Awaited<ReturnType<typeof session>>["s"],
    base: d.DecisionInput,
  ) => Promise<ReleaseState>,
  said: (s: ReleaseState) => string,
  allowFinished = false,
): Decide {
  return async (ctx, base) => {
    const { p, s } = await session(ctx, allowFinished);
    try {
      const signs = ctx.args.command === "approve" || ctx.args.command === "reject";
      const state = await fn(p, s, { ...base, actorId: actorId(ctx, p), ...(signs ? await signerFor(ctx) : {}) });
      return { state, said: said(state) };
    } finally {
      await p.close();
    }
  };
}

const emergencyWord = (st: ReleaseState): string =>
  st.decisions.at(-1)?.authority === "emergency" ? " under Emergency Authority (the HUM LEADs are notified)" : "";

export const decisionCommands: Record<string, (ctx: Ctx) => Promise<number>> = {
  approve: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.approve(p, s, {
            ...b,
            ...(ctx.args.flags.waive ? { waive: ctx.args.flags.waive } : {}),
            ...(ctx.args.flags.proposal ? { proposal: ctx.args.flags.proposal } : {}),
          }),
        (st) =>
          st.gate
            ? `Approval recorded; the gate still needs ${gateWaitingFor(st.gate, st.requestedBy.id)}.`
            : `Approval recorded${st.decisions.at(-1)?.selfApproval ? " as a self-approval (you requested the release and are the only HUM LEAD)" : ""}. Next: brtops run`,
      ),
    ),
  reject: (ctx) => {
    const rt = ctx.args.flags["return-to"];
    const returnTo = rt === undefined ? undefined : Number(rt);
    if (rt !== undefined && !Number.isInteger(returnTo))
      throw new BrtopsError("E_USAGE", `--return-to takes a phase number, not "${rt}".`);
    return decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.reject(p, s, {
            ...b,
            reason: ctx.args.flags.reason ?? "",
            ...(returnTo !== undefined ? { returnTo } : {}),
          }),
        (st) => `Rejection recorded; the release returns to step ${st.step}. Next: brtops run`,
      ),
    );
  },
  feedback: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) => d.giveFeedback(p, s, { ...b, text: text(ctx, 0, "feedback text") }),
        (st) => `Feedback ${st.feedback.at(-1)!.id} recorded.`,
      ),
    ),
  respond: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.respondToFeedback(p, s, {
            ...b,
            id: text(ctx, 0, "feedback id").split(" ")[0]!,
            text: text(ctx, 1, "response"),
          }),
        () => "Response recorded.",
      ),
    ),
  ask: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) => d.askQuestion(p, s, { ...b, text: text(ctx, 0, "question") }),
        (st) =>
          `Question ${st.questions.at(-1)!.id} recorded; the HUM LEAD answers with \`brtops answer ${st.questions.at(-1)!.id} "…"\`.`,
      ),
    ),
  answer: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.answerQuestion(p, s, {
            ...b,
            id: text(ctx, 0, "question id").split(" ")[0]!,
            text: text(ctx, 1, "answer"),
          }),
        () => "Answer recorded.",
      ),
    ),
  go: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) => d.grantAutoProceed(p, s, b),
        () =>
          "GO RELEASE granted: gates without findings are approved on this grant for SEV-2 and lower. Next: brtops run",
      ),
    ),
  guide: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.guideIncident(p, s, {
            ...b,
            choice: text(ctx, 0, "choice (retry, rollback or continue)") as IncidentChoice,
            ...(ctx.args.flags.proposal ? { proposal: ctx.args.flags.proposal } : {}),
          }),
        (st) =>
          `Guidance recorded${st.decisions.at(-1)?.authority === "emergency" ? " under Emergency Authority (the HUM LEADs are notified)" : ""} (state ${st.state}). Next: brtops run`,
      ),
    ),
  propose: (ctx) => {
    const kind = text(ctx, 0, "kind (accept-risk or guidance)").split(" ")[0] as ProposalKind;
    const choice = kind === "guidance" ? (ctx.args.positionals[1] as IncidentChoice | undefined) : undefined;
    const said = (st: ReleaseState) => {
      const p = st.proposals.at(-1)!;
      return `Proposal ${p.id} recorded (${p.kind}${p.choice ? ` ${p.choice}` : ""}); a HUM LEAD accepts it with \`brtops accept ${p.id}\`${p.kind === "accept-risk" ? ` or \`brtops approve --proposal ${p.id}\`` : ""}.`;
    };
    return decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.propose(p, s, {
            ...b,
            kind,
            ...(choice ? { choice } : {}),
            text: text(ctx, kind === "guidance" ? 2 : 1, "proposal text"),
          }),
        said,
      ),
    );
  },
  accept: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) => d.acceptProposal(p, s, { ...b, id: text(ctx, 0, "proposal id (P1)") }),
        (st) => {
          const last = st.decisions.at(-1);
          return `COLLAB decision recorded: ${last?.actor.id ?? "you"} accepted ${last?.proposal?.id ?? "the proposal"} proposed by ${last?.proposal?.by.id ?? "the AI LEAD"}.${last?.type === "incident" ? " Next: brtops run" : ""}`;
        },
      ),
    ),
  waive: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.waiveFeature(p, s, {
            ...b,
            feature: text(ctx, 0, "feature name"),
            reason: ctx.args.flags.reason ?? "",
            mode: "waive",
          }),
        () => "Waiver recorded. Next: brtops run",
      ),
    ),
  exclude: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.waiveFeature(p, s, {
            ...b,
            feature: text(ctx, 0, "feature name"),
            reason: ctx.args.flags.reason ?? "",
            mode: "exclude",
          }),
        () => "Exclusion recorded. Next: brtops run",
      ),
    ),
  sev: (ctx) => {
    const sev = parseSev(text(ctx, 0, "SEV level (SEV-0 … SEV-5)"));
    if (sev === null)
      throw new BrtopsError("E_USAGE", `"${ctx.args.positionals[0]}" is not a SEV level.`, {
        hint: "Use SEV-0 … SEV-5.",
      });
    return decide(
      ctx,
      runDecision(
        (p, s, b) => d.overrideSev(p, s, { ...b, sev: sev, reason: ctx.args.flags.reason ?? "" }),
        (st) => `SEV set to SEV-${st.sev}; phases ${st.plan.join(", ")}.`,
      ),
    );
  },
  signoff: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) =>
          d.signOff(p, s, {
            ...b,
            for: ctx.args.flags.uat ? "uat" : "stakeholders",
            ...(ctx.args.flags.reject ? { reject: true } : {}),
            ...(ctx.args.positionals.length ? { note: ctx.args.positionals.join(" ") } : {}),
          }),
        () => "Sign-off recorded.",
      ),
    ),
  pause: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) => d.pauseRelease(p, s, b),
        () => "Pause recorded: the release holds at the next safe checkpoint. Resume with `brtops resume`.",
      ),
    ),
  resume: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) => d.resumeRelease(p, s, b),
        () => "Resumed. Next: brtops run",
      ),
    ),
  abort: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) => d.abortRelease(p, s, b),
        (st) => `Abort recorded${emergencyWord(st)}: rolling back what was deployed, in reverse order.`,
      ),
      cmdRun,
    ),
  rollback: (ctx) =>
    decide(
      ctx,
      runDecision(
        (p, s, b) => d.requestRollback(p, s, b),
        (st) => `Rollback recorded${emergencyWord(st)}: taking the deployment back to the previous version.`,
      ),
      cmdRun,
    ),
  incident: (ctx) => {
    if (ctx.args.positionals[0] !== "note")
      throw new BrtopsError("E_USAGE", `Unknown incident subcommand "${ctx.args.positionals[0] ?? ""}".`, {
        hint: 'brtops incident note "what was found and what will be done"',
      });
    // The run whose remediation plan it is may have ended (rolled back, aborted): finished runs count.
    return decide(
      ctx,
      runDecision(
        (p, s, b) => d.addIncidentNote(p, s, { ...b, text: text(ctx, 1, "note") }),
        () => "Remediation note recorded and written into rollback-procedures.md.",
        true,
      ),
    );
  },
};
