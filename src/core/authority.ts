/**
 * The authority matrix (DESIGN rule 6): who may do what, checked here for every face.
 * HUM LEADs decide; AI LEADs request, run, ask, report and propose (COLLAB: a HUM LEAD accepts);
 * emergency contacts may stop a failing deployment (Emergency Authority); anyone named may give
 * feedback.
 */
import { BrtopsError } from "./errors.js";
import type { Actor, IncidentChoice, Role } from "./events.js";
import type { Gate, ReleaseState } from "./release-state.js";

export interface Leads {
  hum: readonly string[];
  ai: readonly string[];
  members?: readonly string[];
  emergency?: readonly string[];
}

export const Actions = {
  request: "request",
  run: "run",
  approve: "approve",
  reject: "reject",
  grantAutoProceed: "grant-auto-proceed",
  incidentGuidance: "incident-guidance",
  incidentNote: "incident-note",
  feedback: "feedback",
  ask: "ask",
  answer: "answer",
  respond: "respond",
  pause: "pause",
  resume: "resume",
  abort: "abort",
  rollback: "rollback",
  validate: "validate",
  waive: "waive",
  overrideSev: "override-sev",
  signoff: "signoff",
  /** COLLAB: an AI LEAD records a proposal (accept a risk, an incident's guidance) for a HUM LEAD. */
  propose: "propose",
  /** COLLAB: a HUM LEAD accepts an AI LEAD's proposal; both are named in the one decision. */
  acceptProposal: "accept-proposal",
  read: "read",
} as const;
export type Action = (typeof Actions)[keyof typeof Actions];

const HUM_ONLY: readonly Action[] = [
  "approve",
  "reject",
  "grant-auto-proceed",
  "incident-guidance",
  "incident-note",
  "answer",
  "resume",
  "abort",
  "rollback",
  "waive",
  "override-sev",
  "accept-proposal",
];
const AI_ONLY: readonly Action[] = ["propose"];
/**
 * What an emergency contact (`leads.emergency`) may do, and only during a failing deployment or an
 * open incident: order the rollback or abort, or choose rollback as incident guidance. Never
 * approve, decide GO/NO-GO or certify.
 */
export const EMERGENCY_ACTIONS: readonly Action[] = ["rollback", "abort", "incident-guidance"];

/** Where authority depends on the release: is it failing now, and which guidance is chosen. */
export interface Situation {
  /** An open incident, or a step failed after deployment began (core `emergencyOpen`). */
  emergency: boolean;
  /** The guidance chosen, for incident-guidance. */
  choice?: IncidentChoice;
  /** A rollback or abort is ordered and not yet carried out (an emergency contact may run it). */
  stopping?: boolean;
}

/**
 * The spec's "deployment failure": an incident is open, or a step failed once something was
 * deployed. Only then may an emergency contact act.
 */
export function emergencyOpen(s: ReleaseState): boolean {
  if (s.state === "certified" || s.state === "aborted" || s.state === "rolled-back") return false;
  if (s.rollbackRequested || s.abortRequested) return false;
  return s.incident !== null || (s.deployed && Object.values(s.steps).some((r) => r.status === "failed"));
}

/** The situation of a release for `authorize` (the guidance chosen, when there is one). */
export function situationOf(s: ReleaseState, choice?: IncidentChoice): Situation {
  const stopping = (s.rollbackRequested || s.abortRequested) && !s.rolledBack && !s.aborted;
  return { emergency: emergencyOpen(s), ...(choice ? { choice } : {}), ...(stopping ? { stopping } : {}) };
}

/** How an actor's decision is recorded: a person's own authority, or emergency authority. */
export function authorityOf(actor: Actor): "person" | "emergency" {
  return actor.role === "emergency" ? "emergency" : "person";
}

/** The actions an identity may take only in an emergency (none unless it is an emergency contact). */
export function emergencyPowers(leads: Leads, id: string): Action[] {
  return roleOf(leads, id) === "emergency" ? [...EMERGENCY_ACTIONS] : [];
}
const LEADS: readonly Action[] = ["request", "run", "ask", "respond", "pause", "validate"];
/** Anyone named in the config (a sign-off is a person's: not an AI LEAD's). */
const NAMED: readonly Action[] = ["feedback", "signoff"];

const norm = (id: string): string => id.trim().toLowerCase();

export function roleOf(leads: Leads, id: string): Role | null {
  const n = norm(id);
  if (leads.hum.some((x) => norm(x) === n)) return "hum-lead";
  if (leads.ai.some((x) => norm(x) === n)) return "ai-lead";
  if ((leads.emergency ?? []).some((x) => norm(x) === n)) return "emergency";
  if ((leads.members ?? []).some((x) => norm(x) === n)) return "member";
  return null;
}

const roleLabel = {
  "hum-lead": "HUM LEAD",
  "ai-lead": "AI LEAD",
  member: "member",
  emergency: "emergency contact",
  system: "system",
} as const;

/**
 * The actor, with its role, when it may take the action; otherwise E_NOT_AUTHORIZED naming the role
 * needed. An emergency contact's rollback, abort or rollback guidance needs `situation` to say the
 * release is failing (without it they are refused, as anywhere else).
 */
export function authorize(leads: Leads, id: string, action: Action, what?: string, situation?: Situation): Actor {
  const role = roleOf(leads, id);
  const doing = what ?? action;
  if (action === "read") return { id, role: role ?? "member" };
  if (role === "emergency" && EMERGENCY_ACTIONS.includes(action)) {
    if (situation?.emergency && (action !== "incident-guidance" || situation.choice === "rollback"))
      return { id, role };
    const why = !situation?.emergency
      ? "only during a failing deployment or an open incident"
      : "and the only incident guidance they may choose is rollback";
    throw new BrtopsError(
      "E_NOT_AUTHORIZED",
      `${id} is an emergency contact: they may order a rollback or abort, or choose rollback at an incident, ${why}; to ${doing} now needs a HUM LEAD.`,
      {
        hint: `Ask one of the HUM LEADs (${leads.hum.join(", ")}) to do it.`,
        details: { actor: id, role, needed: "hum-lead", action, emergency: situation?.emergency ?? false },
      },
    );
  }
  // Carrying out a rollback or abort already ordered is part of ordering it.
  if (role === "emergency" && action === "run" && situation?.stopping) return { id, role };
  if (role === null) {
    throw new BrtopsError("E_NOT_AUTHORIZED", `${id} is not named in brtops.config.yaml, so cannot ${doing}.`, {
      hint: "Add the identity under leads.hum, leads.ai or leads.members, or act as a named identity (--as ID).",
      details: { actor: id, needed: HUM_ONLY.includes(action) ? "hum-lead" : "lead", action },
    });
  }
  if (AI_ONLY.includes(action)) {
    if (role === "ai-lead") return { id, role };
    throw new BrtopsError(
      "E_NOT_AUTHORIZED",
      `Only an AI LEAD may ${doing}; ${id} is ${/^[aeiou]/i.test(roleLabel[role]) ? "an" : "a"} ${roleLabel[role]}.`,
      {
        hint:
          role === "hum-lead"
            ? "A HUM LEAD decides directly (approve, guide …); a proposal is the AI LEAD's half of a COLLAB decision."
            : "Act as an AI LEAD named in brtops.config.yaml.",
        details: { actor: id, role, needed: "ai-lead", action },
      },
    );
  }
  const ok = HUM_ONLY.includes(action)
    ? role === "hum-lead"
    : LEADS.includes(action)
      ? role === "hum-lead" || role === "ai-lead"
      : action === "signoff"
        ? role !== "ai-lead"
        : NAMED.includes(action);
  if (!ok) {
    const needed = HUM_ONLY.includes(action) ? "hum-lead" : "hum-lead or ai-lead";
    throw new BrtopsError(
      "E_NOT_AUTHORIZED",
      `Only a ${needed === "hum-lead" ? "HUM LEAD" : "HUM LEAD or AI LEAD"} may ${doing}; ${id} is ${/^[aeiou]/i.test(roleLabel[role]) ? "an" : "a"} ${roleLabel[role]}.`,
      {
        hint:
          needed === "hum-lead"
            ? `Ask one of the HUM LEADs (${leads.hum.join(", ")}) to do it.`
            : "Act as a lead named in brtops.config.yaml.",
        details: { actor: id, role, needed, action },
      },
    );
  }
  return { id, role };
}

export interface ApprovalVerdict {
  /** The gate is decided by this approval. */
  final: boolean;
  /** Why more is needed, when not final. */
  waitingFor?: string;
  /** The requester approved their own request alone (allowed by `authority.selfApproval`). */
  selfApproval?: boolean;
}

/** `authority.selfApproval` and how many HUM LEADs the project names. */
export interface ApprovalPolicy {
  selfApproval: "never" | "sole-hum-lead";
  /** HUM LEADs named in the config; "sole" means exactly one. */
  humLeads?: number;
}

/** The approval policy of a config (or of the authority record a log keeps): `authority.selfApproval` and the HUM LEAD count. */
export function approvalPolicy(
  leads: Pick<Leads, "hum">,
  authority?: { selfApproval?: unknown } | null,
): ApprovalPolicy {
  return { selfApproval: authority?.selfApproval === "never" ? "never" : "sole-hum-lead", humLeads: leads.hum.length };
}

/**
 * Rules for a gate's approvals (separation of duties): a gate that needs two HUM LEADs (SEV-0)
 * needs two different ones, neither of them the requester; elsewhere whoever requested the release
 * is not its only approver — unless the project names one HUM LEAD and `selfApproval` is
 * `sole-hum-lead` (the default), when that person's approval decides, recorded as a self-approval.
 * Throws when this approver already approved, or may not approve at all.
 */
export function judgeApproval(
  gate: Gate,
  requestedBy: string,
  approverId: string,
  policy: ApprovalPolicy = { selfApproval: "sole-hum-lead" },
): ApprovalVerdict {
  const approvers = new Set(gate.approvals.map((a) => norm(a.grantedBy ?? a.actor.id)));
  const me = norm(approverId);
  const requester = me === norm(requestedBy);
  if (approvers.has(me)) {
    throw new BrtopsError(
      "E_INVALID_STATE",
      `${approverId} has already approved step ${gate.step}; it needs another HUM LEAD.`,
      {
        hint: "Ask a second HUM LEAD to approve.",
        details: { step: gate.step, approvals: [...approvers], rule: "two-person" },
      },
    );
  }
  const needed = gate.requiredApprovals;
  if (needed >= 2 && requester) {
    throw new BrtopsError(
      "E_NOT_AUTHORIZED",
      `${approverId} requested this release, so cannot be one of the ${needed} HUM LEADs who approve step ${gate.step} (SEV-0: two different HUM LEADs, neither the requester).`,
      {
        hint: "Ask two other HUM LEADs to approve.",
        details: { step: gate.step, actor: approverId, rule: "requester", needed },
      },
    );
  }
  approvers.add(me);
  if (approvers.size < needed)
    return {
      final: false,
      waitingFor: `${needed - approvers.size} more HUM LEAD approval(s) (SEV-0 needs ${needed} different HUM LEADs)`,
    };
  if (approvers.size === 1 && requester) {
    if (policy.humLeads === 1) {
      if (policy.selfApproval === "sole-hum-lead") return { final: true, selfApproval: true };
      throw new BrtopsError(
        "E_NOT_AUTHORIZED",
        `${approverId} requested this release and is the only HUM LEAD; with authority.selfApproval: never nobody else can approve it.`,
        {
          hint: "Name a second HUM LEAD under leads.hum (or let another lead request the release), or set authority.selfApproval: sole-hum-lead.",
          details: { step: gate.step, actor: approverId, rule: "self-approval", selfApproval: policy.selfApproval },
        },
      );
    }
    return { final: false, waitingFor: `a HUM LEAD other than ${requestedBy}, who requested the release` };
  }
  return { final: true };
}

/** What an open gate still waits for after its approvals so far (for the faces' messages). */
export function gateWaitingFor(gate: Gate, requestedBy: string): string {
  const approvers = new Set(gate.approvals.map((a) => norm(a.grantedBy ?? a.actor.id)));
  if (approvers.size < gate.requiredApprovals)
    return `${gate.requiredApprovals - approvers.size} more HUM LEAD approval(s) (${gate.requiredApprovals} different HUM LEADs, not the requester)`;
  if (approvers.has(norm(requestedBy))) return `a HUM LEAD other than ${requestedBy}, who requested the release`;
  return "a HUM LEAD's approval";
}
