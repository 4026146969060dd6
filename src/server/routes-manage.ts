/**
 * Managing a release over HTTP beyond approve / reject: GO RELEASE, incident guidance, pause,
 * resume, abort, rollback, questions, responses, sign-offs, SEV overrides and feature waivers,
 * and GET …/controls (what the dashboard needs to offer them). The server records decisions and
 * never runs the release: an active `brtops run` carries them out at its next checkpoint, else
 * the response's `then` names the command that does.
 */
import type { Context, Hono } from "hono";
import type { z } from "zod";
import { statusView } from "../core/status-view.js";
import type { ReleaseState } from "../core/release-state.js";
import { isTerminal } from "../core/fold.js";
import { autoProceedApplies } from "../core/next-action.js";
import * as d from "../engine/decisions.js";
import type { Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import { stakeholderSignoffs } from "../engine/steps/phase5.js";
import { assessSignoffs, type SignoffAssessment } from "../intel/assess-signoffs.js";
import { signoffsFromEvents } from "../intel/signoffs-from-events.js";
import { AskBody, GuideBody, NoteBody, RespondBody, SevBody, SignoffBody, WaiveBody } from "./bodies.js";
import { readBody, type AppEnv } from "./http.js";

type Session = (c: Context<AppEnv>) => Promise<ReleaseSession>;

/** What a recorded decision says, and whether a runner must act on it (then: the command). */
interface Outcome {
  said: string;
  runs: boolean;
}

const runCommand = (version: string) => `brtops run --release ${version}`;

function carriedOut(o: Outcome, version: string): { said: string; then: string | null } {
  if (!o.runs) return { said: o.said, then: null };
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
 * Defines `POST /api/releases/:version/<path>` routes that record one decision: validate the body,
 * bind it to the step it names, let the core judge it, answer with the new status (and, given
 * `outcome`, what was said and what carries it out).
 */
export function decisionRoutes(app: Hono<AppEnv>, session: Session) {
  return <S extends z.ZodType>(
    path: string,
    schema: S,
    run: (s: ReleaseSession, base: d.DecisionInput, body: z.infer<S>) => Promise<ReleaseState>,
    outcome?: (st: ReleaseState, body: z.infer<S>) => Outcome,
  ) =>
    app.post(`/api/releases/:version/${path}`, async (c) => {
      const s = await session(c);
      const body = await readBody(c, schema);
      const b = body as { step?: string; note?: string };
      const base: d.DecisionInput = {
        actorId: c.get("actorId"),
        ...(b.step ? { step: b.step } : {}),
        ...(b.note ? { note: b.note } : {}),
      };
      const state = await run(s, base, body);
      return c.json({
        recorded: true,
        ...(outcome ? carriedOut(outcome(state, body), state.version) : {}),
        ...statusView(state, state.version),
      });
    });
}

/** Installs the management endpoints under /api/releases/:version/ (see the file comment). */
export function installManage(app: Hono<AppEnv>, project: Project, session: Session): void {
  const manage = decisionRoutes(app, session);

  manage(
    "go",
    NoteBody,
    (s, base) => d.grantAutoProceed(project, s, base),
    () => ({
      said: "GO RELEASE granted: gates without findings are approved on this grant for SEV-2 and lower.",
      runs: true,
    }),
  );
  manage(
    "guide",
    GuideBody,
    (s, base, b) => d.guideIncident(project, s, { ...base, choice: b.choice }),
    (_st, b) => ({ said: `Guidance recorded: ${b.choice}.`, runs: true }),
  );
  manage(
    "pause",
    NoteBody,
    (s, base) => d.pauseRelease(project, s, base),
    () => ({
      said: "Pause recorded: the release holds at the next safe checkpoint (an active runner stops between steps).",
      runs: false,
    }),
  );
  manage(
    "resume",
    NoteBody,
    (s, base) => d.resumeRelease(project, s, base),
    () => ({ said: "Resumed.", runs: true }),
  );
  manage(
    "abort",
    NoteBody,
    (s, base) => d.abortRelease(project, s, base),
    (st) => ({
      said: st.deployed ? "Abort recorded: what was deployed is rolled back in reverse order." : "Abort recorded.",
      runs: true,
    }),
  );
  manage(
    "rollback",
    NoteBody,
    (s, base) => d.requestRollback(project, s, base),
    (st) => ({
      said: `Rollback recorded: the deployment goes back to ${st.previous ? `v${st.previous}` : "the previous version"}.`,
      runs: true,
    }),
  );
  manage(
    "ask",
    AskBody,
    (s, base, b) => d.askQuestion(project, s, { ...base, text: b.text }),
    (st) => ({ said: `Question ${st.questions.at(-1)?.id ?? ""} recorded; a HUM LEAD answers it.`, runs: false }),
  );
  manage(
    "respond",
    RespondBody,
    (s, base, b) => d.respondToFeedback(project, s, { ...base, id: b.id, text: b.text }),
    (_st, b) => ({ said: `Response to ${b.id.toUpperCase()} recorded.`, runs: false }),
  );
  manage(
    "signoff",
    SignoffBody,
    (s, base, b) => d.signOff(project, s, { ...base, for: b.for, ...(b.reject ? { reject: true } : {}) }),
    (_st, b) => ({
      said: `${b.for === "uat" ? "UAT" : "Stakeholder"} sign-off (${b.reject ? "refused" : "given"}) recorded.`,
      runs: false,
    }),
  );
  manage(
    "sev",
    SevBody,
    (s, base, b) => d.overrideSev(project, s, { ...base, sev: b.sev, reason: b.reason }),
    (st) => ({ said: `SEV set to SEV-${st.sev}; phases ${st.plan.join(", ")}.`, runs: false }),
  );
  manage(
    "waive",
    WaiveBody,
    (s, base, b) => d.waiveFeature(project, s, { ...base, feature: b.feature, reason: b.reason, mode: b.mode }),
    (_st, b) => ({ said: `${b.mode === "waive" ? "Waiver" : "Exclusion"} of ${b.feature} recorded.`, runs: false }),
  );

  app.get("/api/releases/:version/controls", async (c) => c.json(controlsView(project, await session(c))));
}
