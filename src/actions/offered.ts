/**
 * The actions a person may take on a release as it is now, with their options: what the dashboard
 * renders its controls from, so it re-derives no rule. Who may take each comes from core
 * authority (with the release's situation: an emergency contact's powers last only while it is
 * failing); whether it can have an effect now from the action table; option defaults and choices
 * from the core rules they are (the NO-GO return phase, the open questions, the open proposals).
 */
import { z } from "zod";
import { authorize, judgeApproval, situationOf, type ApprovalPolicy, type Leads } from "../core/authority.js";
import { openProposals } from "../core/collab.js";
import type { IncidentChoice } from "../core/events.js";
import type { ReleaseState } from "../core/release-state.js";
import { defaultReturnPhase } from "../core/return-phase.js";
import { roundId } from "../core/gate-round.js";
import { INCIDENT_CHOICES } from "./fields.js";
import { inputSchema } from "./input.js";
import { ACTIONS, httpRoute, type ActionHints, type ActionSpec } from "./table.js";

export interface OptionView {
  name: string;
  type: "string" | "number" | "boolean";
  required: boolean;
  description: string;
  /** The values it may take now (an enum, the open question ids, the phases a rejection may return to). */
  choices?: (string | number)[];
  /** What the release gets when the option is left out. */
  default?: unknown;
}

export interface OfferedAction {
  name: string;
  title: string;
  authority: string;
  summary: string;
  method: "GET" | "POST";
  path: string;
  hints: ActionHints;
  /** A runner carries it out once recorded. */
  runs: boolean;
  options: OptionView[];
}

type JsonProp = {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  anyOf?: JsonProp[];
};

const views = new WeakMap<ActionSpec, OptionView[]>();

/** The options of an action as a form would show them (from its JSON Schema; worked out once per action). */
export function optionViews(a: ActionSpec): OptionView[] {
  const known = views.get(a);
  if (known) return known;
  const v = viewsOf(a);
  views.set(a, v);
  return v;
}

function viewsOf(a: ActionSpec): OptionView[] {
  const js = z.toJSONSchema(inputSchema(a), { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, JsonProp>;
    required?: string[];
  };
  return Object.entries(js.properties ?? {}).map(([name, p]) => {
    const t = [p.type, ...(p.anyOf ?? []).map((x) => x.type)].flat().find((x) => typeof x === "string");
    const enumValues = p.enum ?? (p.anyOf ?? []).flatMap((x) => x.enum ?? []);
    return {
      name,
      type: t === "boolean" ? "boolean" : t === "number" || t === "integer" ? "number" : "string",
      required: (js.required ?? []).includes(name) && p.default === undefined,
      description: a.fields[name]?.ui.description ?? p.description ?? "",
      ...(enumValues.length ? { choices: enumValues as (string | number)[] } : {}),
      ...(p.default !== undefined ? { default: p.default } : {}),
    };
  });
}

function allowed(leads: Leads, id: string, a: ActionSpec, s: ReleaseState, choice?: IncidentChoice): boolean {
  try {
    authorize(leads, id, a.authority, undefined, situationOf(s, choice));
    return true;
  } catch {
    return false;
  }
}

/** What the release as it is now sets on an option: its choices, its default, whether it is needed. */
function refine(a: ActionSpec, o: OptionView, s: ReleaseState, leads: Leads, id: string): OptionView {
  const g = s.gate;
  if (a.name === "reject" && o.name === "returnTo" && g)
    return { ...o, default: defaultReturnPhase(s), choices: s.plan.filter((p) => p <= g.phase) };
  if (a.name === "approve" && o.name === "waive" && g)
    return { ...o, required: g.findings.some((f) => f.severity === "critical") && openProposals(s).length === 0 };
  if (a.name === "guide" && o.name === "choice")
    return { ...o, choices: INCIDENT_CHOICES.filter((c) => allowed(leads, id, a, s, c)) };
  if (a.name === "answer" && o.name === "id")
    return { ...o, choices: s.questions.filter((q) => !q.answer).map((q) => q.id) };
  if (a.name === "respond" && o.name === "id")
    return { ...o, choices: s.feedback.filter((x) => x.response === undefined).map((x) => x.id) };
  if (a.name === "accept" && o.name === "id") return { ...o, choices: openProposals(s).map((p) => p.id) };
  if (a.name === "signoff" && o.name === "for")
    return { ...o, choices: [...(s.plan.includes(3) ? ["uat"] : []), "stakeholders"] };
  if (o.name === "step") return { ...o, default: g ? roundId(g.step, g.round) : (s.incident?.step ?? s.step) };
  return o;
}

/** Whether approving the open gate would count: not approved by this person already, nor refused by the separation of duties. */
function approvalCounts(s: ReleaseState, actorId: string, policy?: ApprovalPolicy): boolean {
  if (!s.gate) return false;
  try {
    judgeApproval(s.gate, s.requestedBy.id, actorId, policy);
    return true;
  } catch {
    return false;
  }
}

/**
 * The decisions `actorId` may take on release `s` now, each with its route and its options.
 * `policy`: the project's approval policy (core approvalPolicy), for who may approve the gate.
 */
export function offeredActions(
  leads: Leads,
  actorId: string,
  s: ReleaseState,
  policy?: ApprovalPolicy,
): OfferedAction[] {
  const out: OfferedAction[] = [];
  for (const a of ACTIONS) {
    if (a.kind !== "decision" || !a.when?.(s)) continue;
    const options = optionViews(a)
      .filter((o) => o.name !== "dryRun")
      .map((o) => refine(a, o, s, leads, actorId));
    const may =
      a.name === "guide"
        ? (options.find((o) => o.name === "choice")?.choices?.length ?? 0) > 0
        : allowed(leads, actorId, a, s) && (a.name !== "approve" || approvalCounts(s, actorId, policy));
    if (!may) continue;
    const route = httpRoute(a)!;
    out.push({
      name: a.name,
      title: a.title,
      authority: a.authority,
      summary: a.summary,
      method: route.method,
      path: route.path.replace(":version", encodeURIComponent(s.release)),
      hints: a.hints,
      runs: !!a.runs,
      options,
    });
  }
  return out;
}
