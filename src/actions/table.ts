/**
 * The action table: every action on a release defined once — its name, who may take it (the core
 * authority action), its options (zod schemas), what it says when done, whether a runner must
 * then carry it out, and whether it can have an effect on the release as it is now. The CLI's
 * commands, the HTTP routes, the MCP tools and the dashboard's controls are generated from it
 * (src/cli/command-table.ts, src/server/routes-actions.ts, src/mcp/tools.ts, src/actions/offered.ts).
 *
 * To add an action: add an entry here; each face picks it up. Kind "decision" runs through
 * `decide` on the selected release; kind "release" (request, run, views) is carried out by each
 * face's own code, but its name, authority and options still come from here.
 */
import type { Action } from "../core/authority.js";
import { gateWaitingFor } from "../core/authority.js";
import { BrtopsError } from "../core/errors.js";
import { openProposals } from "../core/collab.js";
import { isTerminal } from "../core/fold.js";
import type { ReleaseState } from "../core/release-state.js";
import type { Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import type { DecisionInput } from "../engine/decisions.js";
import { INCIDENT_CHOICES, SevLevel, decisionFields, f, identity, type Field } from "./fields.js";

export type Group = "Start" | "Advance" | "Decide" | "Talk" | "Look";

/** MCP's tool annotations, decided here for every face (the CLI's help and the API's listing show them too). */
export interface ActionHints {
  /** It changes nothing. */
  readOnly: boolean;
  /** It may undo or replace what was done (a rollback, an abort, a deployment). */
  destructive: boolean;
  /** It reaches beyond the project: deploys, notifies people, calls a forge or registry. */
  openWorld: boolean;
  /** Taking it twice has no further effect. */
  idempotent: boolean;
}

type Input = Record<string, unknown>;

export interface ActionSpec {
  /** The CLI command, the HTTP path segment, and (snake_case, or `mcp`) the MCP tool. */
  name: string;
  /** A short title (MCP's tool title, a button's label). */
  title: string;
  group: Group;
  /** Who may take it: core/authority's action. */
  authority: Action;
  summary: string;
  details?: string;
  /** How help shows the words after the command (derived from the options' `arg` when absent). */
  args?: string;
  fields: Record<string, Field>;
  kind: "decision" | "release";
  hints: ActionHints;
  /** The MCP tool's name when not the action's own (null: no MCP tool — the MCP face is the AI LEAD's). */
  mcp?: string;
  /** The HTTP route when not POST /api/releases/:version/<name> (null: the server has no route for it). */
  http?: { method: "GET" | "POST"; path: string } | null;
  /** Decisions: records it on the release; the engine judges it (authority, step, state). */
  decide?: (p: Project, s: ReleaseSession, base: DecisionInput, input: Input) => Promise<ReleaseState>;
  /** What it says when done (every face says the same). */
  said?: (st: ReleaseState, input: Input) => string;
  /** A runner must then carry it out (the faces say which runner). */
  runs?: boolean;
  /** A gate decision, which may be signed (CLI: an SSH key; HTTP: a passkey). */
  signs?: boolean;
  /** It may be taken on a release that has ended (a remediation note). */
  allowFinished?: boolean;
  /** Whether it can have an effect on the release as it is now: controls are offered only then. */
  when?: (s: ReleaseState) => boolean;
  /** The command line's irregular words (propose, signoff, incident): builds the input from them. */
  cliInput?: (positionals: string[], flags: Record<string, unknown>) => Input;
  /** Options only the command line has (by their CLI name, from its option catalogue). */
  cliOptions?: readonly string[];
}

const d = () => import("../engine/decisions.js");
const open = (s: ReleaseState) => !isTerminal(s);
const READ: ActionHints = { readOnly: true, destructive: false, openWorld: false, idempotent: true };
const RECORD: ActionHints = { readOnly: false, destructive: false, openWorld: true, idempotent: false };
const STOP: ActionHints = { readOnly: false, destructive: true, openWorld: true, idempotent: false };
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const opt = <K extends string>(k: K, v: unknown): Partial<Record<K, string>> =>
  typeof v === "string" && v ? ({ [k]: v } as Record<K, string>) : {};
const emergencyWord = (st: ReleaseState): string =>
  st.decisions.at(-1)?.authority === "emergency" ? " under Emergency Authority (the HUM LEADs are notified)" : "";
const decision = { ...decisionFields };
/** The feature a waiver or an exclusion names (waive and exclude take it alike). */
const feature = f.field((z) => identity(z).refine((s) => s.trim().length > 0, "must not be blank"), {
  description: "the feature",
  value: "FEATURE",
  arg: "rest",
});
/** Waive and exclude record the same decision; only the mode differs. */
const waiveFeature =
  (mode: (i: Input) => "waive" | "exclude") =>
  async (p: Project, s: ReleaseSession, b: DecisionInput, i: Input): Promise<ReleaseState> =>
    (await d()).waiveFeature(p, s, { ...b, feature: str(i.feature), reason: str(i.reason), mode: mode(i) });

export const ACTIONS: readonly ActionSpec[] = [
  {
    name: "request",
    title: "Request a release",
    group: "Start",
    authority: "request",
    kind: "release",
    summary: "Requests a release (RELEASE v{version} to {environment}) and advances it to the first HUM LEAD gate.",
    fields: {
      // Not bounded here: core/version-syntax judges a version (E_VERSION_INVALID, shortened), on every face.
      version: f.field((z) => z.string().min(1), {
        description: "2.1.0, or major | minor | patch",
        value: "VERSION",
        arg: 0,
      }),
      environment: f.field(identity, {
        description: "the environment (one configured in brtops.config.yaml)",
        value: "ENV",
        flag: "to",
      }),
      overridePromotion: f.optionalText("a HUM LEAD deploys outside the promotion order (the reason)", "REASON"),
      dryRun: decisionFields.dryRun,
    },
    hints: { readOnly: false, destructive: false, openWorld: true, idempotent: false },
    mcp: "request_release",
    http: { method: "POST", path: "/api/releases" },
  },
  {
    name: "run",
    title: "Advance the release",
    group: "Advance",
    authority: "run",
    kind: "release",
    summary: "Advances the release as far as it can go: until a HUM LEAD must decide, it ends, or a step fails.",
    fields: {},
    // It deploys (and so may replace what runs), notifies, and calls forges and registries.
    hints: { readOnly: false, destructive: true, openWorld: true, idempotent: false },
    mcp: "advance",
    // The server's runner carries decisions out; there is no route that runs a release on request.
    http: null,
  },
  {
    name: "validate",
    title: "Validate the deployment",
    group: "Advance",
    authority: "validate",
    kind: "release",
    summary:
      "RELEASE VALIDATE: runs post-deployment validation (health, performance, smoke) on its own and records it.",
    fields: {},
    hints: { readOnly: false, destructive: false, openWorld: true, idempotent: false },
    http: null,
  },
  {
    name: "status",
    title: "Release status",
    group: "Look",
    authority: "read",
    kind: "release",
    summary: "RELEASE STATUS: phase, step, state, the gate's report and the commands to type next.",
    fields: {},
    hints: READ,
    http: { method: "GET", path: "/api/releases/:version" },
  },
  {
    name: "list",
    title: "List releases",
    group: "Look",
    authority: "read",
    kind: "release",
    summary: "Every release in the store, with its state and step.",
    fields: {},
    hints: READ,
    mcp: "list_releases",
    http: { method: "GET", path: "/api/releases" },
  },
  {
    name: "environments",
    title: "List environments",
    group: "Look",
    authority: "read",
    kind: "release",
    summary:
      "What runs where: per environment the version running now, since when, by which release, its commit and artifact digests, and its history.",
    fields: {},
    hints: READ,
    mcp: "list_environments",
    http: { method: "GET", path: "/api/environments" },
  },
  {
    name: "go",
    title: "GO RELEASE (auto-proceed)",
    group: "Advance",
    authority: "grant-auto-proceed",
    kind: "decision",
    summary:
      "GO RELEASE: grants auto-proceed. For SEV-2 and lower, gates without findings are approved on this grant; GO/NO-GO and certification still wait for a person. Refused at SEV-0 and SEV-1.",
    fields: { note: decision.note, dryRun: decision.dryRun },
    hints: RECORD,
    decide: async (p, s, b) => (await d()).grantAutoProceed(p, s, b),
    said: () => "GO RELEASE granted: gates without findings are approved on this grant for SEV-2 and lower.",
    runs: true,
    when: (s) => open(s) && !s.autoProceed && (s.sev === null || s.sev >= 2),
  },
  {
    name: "pause",
    title: "Pause the release",
    group: "Advance",
    authority: "pause",
    kind: "decision",
    summary: "RELEASE PAUSE: holds the release at the next safe checkpoint.",
    fields: { note: decision.note, dryRun: decision.dryRun },
    hints: RECORD,
    decide: async (p, s, b) => (await d()).pauseRelease(p, s, b),
    said: () => "Pause recorded: the release holds at the next safe checkpoint (an active runner stops between steps).",
    when: (s) => open(s) && !s.pauseRequested && !s.abortRequested && !s.rollbackRequested,
  },
  {
    name: "resume",
    title: "Resume the release",
    group: "Advance",
    authority: "resume",
    kind: "decision",
    summary: "RELEASE RESUME: goes on from the checkpoint.",
    fields: { note: decision.note, dryRun: decision.dryRun },
    hints: RECORD,
    decide: async (p, s, b) => (await d()).resumeRelease(p, s, b),
    said: () => "Resumed.",
    runs: true,
    when: (s) => open(s) && (s.pauseRequested || s.onHold),
  },
  {
    name: "abort",
    title: "Abort the release",
    group: "Advance",
    authority: "abort",
    kind: "decision",
    summary: "RELEASE ABORT: stops and rolls back what was deployed, in reverse order.",
    fields: { note: decision.note, dryRun: decision.dryRun },
    hints: STOP,
    decide: async (p, s, b) => (await d()).abortRelease(p, s, b),
    said: (st) =>
      st.deployed
        ? `Abort recorded${emergencyWord(st)}: what was deployed is rolled back in reverse order.`
        : `Abort recorded${emergencyWord(st)}.`,
    runs: true,
    when: (s) => open(s) && !s.abortRequested,
  },
  {
    name: "rollback",
    title: "Roll the release back",
    group: "Advance",
    authority: "rollback",
    kind: "decision",
    summary: "RELEASE ROLLBACK: takes the deployment back to the previous version (--env ENV after certification).",
    fields: {
      note: decision.note,
      dryRun: decision.dryRun,
      appStore: f.field((z) => z.enum(["pause", "remove-from-sale"]).optional(), {
        description: "an App Store release: pause its phased release, or remove the app from sale",
        value: "pause|remove-from-sale",
      }),
    },
    hints: STOP,
    decide: async (p, s, b, i) =>
      (await d()).requestRollback(p, s, {
        ...b,
        ...(i.appStore === "pause" || i.appStore === "remove-from-sale" ? { appStore: i.appStore } : {}),
      }),
    said: (st) =>
      `Rollback recorded${emergencyWord(st)}: the deployment goes back to ${st.previous ? `v${st.previous}` : "the previous version"}.`,
    runs: true,
    when: (s) => s.deployed && !s.rollbackRequested && s.state !== "aborted" && s.state !== "rolled-back",
  },
  {
    name: "approve",
    title: "Approve the gate",
    group: "Decide",
    authority: "approve",
    kind: "decision",
    summary:
      "Approves the open gate (at 5.10 the GO decision, at 7.10 certification). Critical findings need a waiver.",
    fields: {
      ...decision,
      waive: f.optionalText("approve over critical findings, with a recorded waiver", "REASON"),
      proposal: f.optionalText(
        "COLLAB: the AI LEAD's proposal this decision accepts (both named in the decision)",
        "P1",
      ),
    },
    hints: RECORD,
    signs: true,
    decide: async (p, s, b, i) =>
      (await d()).approve(p, s, { ...b, ...opt("waive", i.waive), ...opt("proposal", i.proposal) }),
    said: (st) =>
      st.gate
        ? `Approval recorded; the gate still needs ${gateWaitingFor(st.gate, st.requestedBy.id)}.`
        : `Approval recorded${st.decisions.at(-1)?.selfApproval ? " as a self-approval (you requested the release and are the only HUM LEAD)" : ""}.`,
    runs: true,
    when: (s) => open(s) && s.gate !== null,
  },
  {
    name: "reject",
    title: "Reject the gate (NO-GO)",
    group: "Decide",
    authority: "reject",
    kind: "decision",
    summary: "Rejects the open gate (at 5.10: NO-GO); the release returns to the start of a phase.",
    fields: {
      ...decision,
      reason: f.reason("what must change (recorded)"),
      returnTo: f.field((z) => z.coerce.number().int().min(1).max(7).optional(), {
        description: "the phase the release returns to (default: the gate's own phase; NO-GO: the phase before 5)",
        value: "PHASE",
      }),
    },
    hints: RECORD,
    signs: true,
    decide: async (p, s, b, i) =>
      (await d()).reject(p, s, {
        ...b,
        reason: str(i.reason),
        ...(typeof i.returnTo === "number" ? { returnTo: i.returnTo } : {}),
      }),
    said: (st) => `Rejection recorded; the release returns to step ${st.step}.`,
    runs: true,
    when: (s) => open(s) && s.gate !== null,
  },
  {
    name: "guide",
    title: "Guide an incident",
    group: "Decide",
    authority: "incident-guidance",
    kind: "decision",
    summary:
      "A HUM LEAD chooses how to handle an incident (a failed step); an emergency contact may choose rollback (Emergency Authority).",
    fields: {
      ...decision,
      choice: f.field((z) => z.enum(INCIDENT_CHOICES), {
        description: "retry, rollback or continue",
        value: "retry|rollback|continue",
        arg: 0,
      }),
      proposal: f.optionalText("COLLAB: the AI LEAD's proposal this decision accepts", "P1"),
    },
    hints: STOP,
    decide: async (p, s, b, i) =>
      (await d()).guideIncident(p, s, {
        ...b,
        choice: i.choice as (typeof INCIDENT_CHOICES)[number],
        ...opt("proposal", i.proposal),
      }),
    said: (st, i) => `Guidance recorded${emergencyWord(st)}: ${str(i.choice)}.`,
    runs: true,
    when: (s) => open(s) && s.incident !== null,
  },
  {
    name: "propose",
    title: "Propose a joint decision",
    group: "Decide",
    authority: "propose",
    kind: "decision",
    args: 'accept-risk "TEXT" | guidance retry|rollback|continue "TEXT"',
    summary:
      "COLLAB: the AI LEAD proposes a joint decision for a HUM LEAD to accept — a risk acceptance at the phase 5 gate (the risks 5.3 assessed) or an incident's guidance.",
    details:
      "A proposal decides nothing on its own. A HUM LEAD accepts it with `brtops accept P1`, or names it in their\ndecision (`brtops approve --proposal P1`, `brtops guide rollback --proposal P2`); the decision names both.",
    fields: {
      ...decision,
      kind: f.field((z) => z.enum(["accept-risk", "guidance"]), {
        description: "accept-risk or guidance",
        value: "KIND",
      }),
      choice: f.field((z) => z.enum(INCIDENT_CHOICES).optional(), {
        description: "for guidance: the choice proposed",
        value: "CHOICE",
      }),
      text: f.field((z) => z.string().min(1).max(4000), { description: "what is proposed, and why", value: "TEXT" }),
    },
    cliInput: (pos) => {
      const kind = pos[0];
      return kind === "guidance"
        ? { kind, choice: pos[1], text: pos.slice(2).join(" ") }
        : { kind, text: pos.slice(1).join(" ") };
    },
    hints: RECORD,
    decide: async (p, s, b, i) =>
      (await d()).propose(p, s, {
        ...b,
        kind: i.kind as "accept-risk" | "guidance",
        text: str(i.text),
        ...(i.choice ? { choice: i.choice as (typeof INCIDENT_CHOICES)[number] } : {}),
      }),
    said: (st) => {
      const p = st.proposals.at(-1)!;
      return `Proposal ${p.id} recorded (${p.kind}${p.choice ? ` ${p.choice}` : ""}); a HUM LEAD accepts it with \`brtops accept ${p.id}\`${p.kind === "accept-risk" ? ` or \`brtops approve --proposal ${p.id}\`` : ""}.`;
    },
    when: (s) => open(s) && (s.incident !== null || s.gate?.kind === "go-no-go"),
  },
  {
    name: "accept",
    title: "Accept a proposal",
    group: "Decide",
    authority: "accept-proposal",
    kind: "decision",
    summary:
      "COLLAB: a HUM LEAD accepts the AI LEAD's proposal (a risk acceptance, or an incident's guidance, which then applies).",
    fields: { ...decision, id: f.id("the proposal (P1)", "P1", 0) },
    hints: RECORD,
    decide: async (p, s, b, i) => (await d()).acceptProposal(p, s, { ...b, id: str(i.id) }),
    said: (st) => {
      const last = st.decisions.at(-1);
      return `COLLAB decision recorded: ${last?.actor.id ?? "you"} accepted ${last?.proposal?.id ?? "the proposal"} proposed by ${last?.proposal?.by.id ?? "the AI LEAD"}.`;
    },
    runs: true,
    when: (s) => open(s) && openProposals(s).length > 0,
  },
  {
    name: "incident",
    title: "Add a remediation note",
    group: "Decide",
    authority: "incident-note",
    kind: "decision",
    args: 'note "TEXT"',
    summary:
      "A HUM LEAD adds to the remediation plan of a run that had an incident, a rollback or an abort (also after it ended).",
    fields: { ...decision, text: f.text("the remediation note") },
    cliInput: (pos) => {
      if (pos.length === 0) return {};
      if (pos[0] !== "note")
        throw new BrtopsError("E_USAGE", `Unknown incident subcommand "${pos[0] ?? ""}".`, {
          hint: 'brtops incident note "what was found and what will be done"',
        });
      return { text: pos.slice(1).join(" ") };
    },
    hints: RECORD,
    allowFinished: true,
    decide: async (p, s, b, i) => (await d()).addIncidentNote(p, s, { ...b, text: str(i.text) }),
    said: () => "Remediation note recorded and written into rollback-procedures.md.",
    when: (s) =>
      s.incident !== null ||
      s.rollbackRequested ||
      s.abortRequested ||
      s.state === "rolled-back" ||
      s.state === "aborted",
  },
  {
    name: "waive",
    title: "Waive a feature",
    group: "Decide",
    authority: "waive",
    kind: "decision",
    summary: "Lets a feature that is not ready into the release (or, with mode exclude, leaves it out), recorded.",
    fields: {
      ...decision,
      feature,
      reason: f.reason(),
      mode: f.field((z) => z.enum(["waive", "exclude"]).default("waive"), {
        description: "waive (let it in) or exclude (leave it out)",
        value: "MODE",
      }),
    },
    hints: RECORD,
    decide: waiveFeature((i) => (i.mode === "exclude" ? "exclude" : "waive")),
    said: (_st, i) => `${i.mode === "exclude" ? "Exclusion" : "Waiver"} of ${str(i.feature)} recorded.`,
    when: (s) => open(s) && s.phase <= 2,
  },
  {
    name: "exclude",
    title: "Exclude a feature",
    group: "Decide",
    authority: "waive",
    kind: "decision",
    summary: "Leaves a feature out of the release, recorded.",
    fields: {
      ...decision,
      feature,
      reason: f.reason(),
    },
    hints: RECORD,
    decide: waiveFeature(() => "exclude"),
    said: (_st, i) => `Exclusion of ${str(i.feature)} recorded.`,
    when: (s) => open(s) && s.phase <= 2,
  },
  {
    name: "sev",
    title: "Override the SEV",
    group: "Decide",
    authority: "override-sev",
    kind: "decision",
    summary: "A HUM LEAD overrides the release SEV (and so its phase plan).",
    fields: {
      ...decision,
      sev: f.field(SevLevel, { description: "the SEV level: SEV-0 … SEV-5", value: "SEV-N", arg: 0 }),
      reason: f.reason(),
    },
    hints: RECORD,
    decide: async (p, s, b, i) => (await d()).overrideSev(p, s, { ...b, sev: i.sev as never, reason: str(i.reason) }),
    said: (st) => `SEV set to SEV-${st.sev}; phases ${st.plan.join(", ")}.`,
    when: open,
  },
  {
    name: "signoff",
    title: "Sign off",
    group: "Decide",
    authority: "signoff",
    kind: "decision",
    args: '["NOTE"]',
    summary:
      "A configured person signs off (UAT for phase 3, else stakeholders for phase 5). AI LEADs cannot sign off.",
    fields: {
      ...decision,
      for: f.field((z) => z.enum(["uat", "stakeholders"]), {
        description: "uat (phase 3) or stakeholders (phase 5)",
        value: "FOR",
      }),
      reject: f.bool("sign off as rejected"),
    },
    cliOptions: ["uat"],
    cliInput: (pos, flags) => ({
      for: flags.uat ? "uat" : (flags.for ?? "stakeholders"),
      ...(pos.length ? { note: pos.join(" ") } : {}),
    }),
    hints: RECORD,
    decide: async (p, s, b, i) =>
      (await d()).signOff(p, s, {
        ...b,
        for: i.for === "uat" ? "uat" : "stakeholders",
        ...(i.reject ? { reject: true } : {}),
      }),
    said: (_st, i) =>
      `${i.for === "uat" ? "UAT" : "Stakeholder"} sign-off (${i.reject ? "refused" : "given"}) recorded.`,
    when: open,
  },
  {
    name: "feedback",
    title: "Give feedback",
    group: "Talk",
    authority: "feedback",
    kind: "decision",
    summary: "Adds feedback to the current gate (anyone named in the config).",
    fields: { ...decision, text: f.text("the feedback", "rest") },
    hints: RECORD,
    decide: async (p, s, b, i) => (await d()).giveFeedback(p, s, { ...b, text: str(i.text) }),
    said: (st) => `Feedback ${st.feedback.at(-1)?.id ?? ""} recorded.`,
    when: (s) => open(s) && s.gate !== null,
  },
  {
    name: "respond",
    title: "Respond to feedback",
    group: "Talk",
    authority: "respond",
    kind: "decision",
    summary: "The AI LEAD answers a piece of feedback.",
    fields: { ...decision, id: f.id("the feedback (F1)", "F1", 0), text: f.text("the response", "rest") },
    hints: RECORD,
    mcp: "respond_to_feedback",
    decide: async (p, s, b, i) => (await d()).respondToFeedback(p, s, { ...b, id: str(i.id), text: str(i.text) }),
    said: (_st, i) => `Response to ${str(i.id).toUpperCase()} recorded.`,
    when: (s) => open(s) && s.feedback.some((x) => x.response === undefined),
  },
  {
    name: "ask",
    title: "Ask the HUM LEAD",
    group: "Talk",
    authority: "ask",
    kind: "decision",
    summary: "Asks the HUM LEAD a clarifying question (HUM CALL).",
    fields: { ...decision, text: f.text("the question", "rest", "QUESTION") },
    hints: RECORD,
    mcp: "ask_hum_lead",
    decide: async (p, s, b, i) => (await d()).askQuestion(p, s, { ...b, text: str(i.text) }),
    said: (st) => `Question ${st.questions.at(-1)?.id ?? ""} recorded; a HUM LEAD answers it.`,
    when: open,
  },
  {
    name: "answer",
    title: "Answer a question",
    group: "Talk",
    authority: "answer",
    kind: "decision",
    summary: "A HUM LEAD answers a question.",
    fields: { ...decision, id: f.id("the question (Q1)", "Q1", 0), text: f.text("the answer", "rest") },
    hints: RECORD,
    decide: async (p, s, b, i) => (await d()).answerQuestion(p, s, { ...b, id: str(i.id), text: str(i.text) }),
    said: (_st, i) => `Answer to ${str(i.id).toUpperCase()} recorded.`,
    when: (s) => open(s) && s.questions.some((q) => !q.answer),
  },
];

const BY_NAME = new Map(ACTIONS.map((a) => [a.name, a]));

/** The action named `name` (its CLI and HTTP name), if there is one. */
export function actionSpec(name: string): ActionSpec | undefined {
  return BY_NAME.get(name);
}

/** The MCP tool name of an action. */
export function mcpName(a: ActionSpec): string {
  return a.mcp ?? a.name.replace(/-/g, "_");
}

/** The HTTP route of an action (decisions: POST /api/releases/:version/<name>), or null. */
export function httpRoute(a: ActionSpec): { method: "GET" | "POST"; path: string } | null {
  if (a.http !== undefined) return a.http;
  return { method: "POST", path: `/api/releases/:version/${a.name}` };
}
