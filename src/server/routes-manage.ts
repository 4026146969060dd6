/**
 * GET …/controls (what the dashboard needs to offer the decisions on a release), and what a
 * recorded decision's answer says about who carries it out: the server's runner (`brtops serve`),
 * else an active `brtops run` at its next checkpoint, else the command the response's `then` names. The decision routes are
 * generated from the action table (routes-actions.ts).
 */
import type { Context, Hono } from "hono";
import { isTerminal } from "../core/fold.js";
import { autoProceedApplies } from "../core/next-action.js";
import { approvalPolicy } from "../core/authority.js";
import type { Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import { stakeholderSignoffs } from "../engine/steps/phase5.js";
import { assessSignoffs, type SignoffAssessment } from "../intel/assess-signoffs.js";
import { signoffsFromEvents } from "../intel/signoffs-from-events.js";
import { offeredActions } from "../actions/offered.js";
import type { AppEnv } from "./http.js";

type Session = (c: Context<AppEnv>) => Promise<ReleaseSession>;

/** What a recorded decision says, and whether a runner must act on it (then: the command). */
export interface Outcome {
  said: string;
  runs: boolean;
}

const runCommand = (version: string) => `brtops run --release ${version}`;

export function carriedOut(o: Outcome, version: string, runnerActive = false): { said: string; then: string | null } {
  if (!o.runs) return { said: o.said, then: null };
  if (runnerActive) return { said: `${o.said} The server's runner carries it out now.`, then: null };
  return {
    said: `${o.said} An active \`brtops run\` carries it out at its next checkpoint; otherwise run \`${runCommand(version)}\`.`,
    then: runCommand(version),
  };
}

/** Sign-offs shown beside a release: who must sign, who did, who refused, who is missing. */
function signoffView(a: SignoffAssessment | null) {
  if (!a || a.required.length === 0) return null;
  const who = (s: { by: string; at: string }) => ({ by: s.by, at: s.at });
  return {
    required: a.required,
    needed: a.needed,
    signed: a.signed.map(who),
    rejected: a.rejected.map(who),
    missing: a.missing,
    complete: a.complete,
  };
}

/** The controls object of GET /api/releases/:version/controls. */
export function controlsView(project: Project, session: ReleaseSession) {
  const s = session.state;
  const uat = project.config.tests.uat.signoffs;
  return {
    release: s.version,
    state: s.state,
    finished: isTerminal(s),
    phase: s.phase,
    paused: s.pauseRequested,
    onHold: s.onHold,
    deployed: s.deployed,
    abortRequested: s.abortRequested,
    rollbackRequested: s.rollbackRequested,
    autoProceed: s.autoProceed
      ? { by: s.autoProceed.by.id, at: s.autoProceed.at, appliesNow: autoProceedApplies(s) }
      : null,
    signoffs: {
      uat: s.plan.includes(3) ? signoffView(assessSignoffs(uat, signoffsFromEvents(session.events, "uat"))) : null,
      stakeholders: signoffView(stakeholderSignoffs({ config: project.config, events: session.events })),
    },
    run: runCommand(s.version),
  };
}

/**
 * Installs GET /api/releases/:version/controls. The decisions themselves (go, guide, pause, resume,
 * abort, rollback, ask, respond, signoff, sev, waive …) are routes generated from the action table
 * (routes-actions.ts); `actions` here lists those the caller may take now, with their options.
 */
export function installManage(app: Hono<AppEnv>, project: Project, session: Session): void {
  app.get("/api/releases/:version/controls", async (c) => {
    const s = await session(c);
    return c.json({
      ...controlsView(project, s),
      actions: offeredActions(
        project.config.leads,
        c.get("actorId"),
        s.state,
        approvalPolicy(project.config.leads, project.config.authority),
      ),
    });
  });
}
