/**
 * The authority matrix (DESIGN rule 6): who may do what, checked here for every face.
 * HUM LEADs decide; AI LEADs request, run, ask and report; anyone named may give feedback.
 */
import { BrtopsError } from "./errors.js";
import type { Actor, Role } from "./events.js";
import type { Gate } from "./release-state.js";

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
  read: "read",
} as const;
export type Action = (typeof Actions)[keyof typeof Actions];

const HUM_ONLY: readonly Action[] = ["approve", "reject", "grant-auto-proceed", "incident-guidance", "incident-note", "answer", "resume", "abort", "rollback", "waive", "override-sev"];
const LEADS: readonly Action[] = ["request", "run", "ask", "respond", "pause", "validate"];
/** Anyone named in the config (a sign-off is a person's: not an AI LEAD's). */
const NAMED: readonly Action[] = ["feedback", "signoff"];

const norm = (id: string): string => id.trim().toLowerCase();

export function roleOf(leads: Leads, id: string): Role | null {
  const n = norm(id);
  if (leads.hum.some((x) => norm(x) === n)) return "hum-lead";
  if (leads.ai.some((x) => norm(x) === n)) return "ai-lead";
  if ((leads.members ?? []).some((x) => norm(x) === n) || (leads.emergency ?? []).some((x) => norm(x) === n)) return "member";
  return null;
}

const roleLabel = { "hum-lead": "HUM LEAD", "ai-lead": "AI LEAD", member: "member", system: "system" } as const;

/** The actor, with its role, when it may take the action; otherwise E_NOT_AUTHORIZED naming the role needed. */
export function authorize(leads: Leads, id: string, action: Action, what?: string): Actor {
  const role = roleOf(leads, id);
  const doing = what ?? action;
  if (action === "read") return { id, role: role ?? "member" };
  if (role === null) {
    throw new BrtopsError("E_NOT_AUTHORIZED", `${id} is not named in brtops.config.yaml, so cannot ${doing}.`, {
      hint: "Add the identity under leads.hum, leads.ai or leads.members, or act as a named identity (--as ID).",
      details: { actor: id, needed: HUM_ONLY.includes(action) ? "hum-lead" : "lead", action },
    });
  }
  const ok = HUM_ONLY.includes(action) ? role === "hum-lead" : LEADS.includes(action) ? role === "hum-lead" || role === "ai-lead" : action === "signoff" ? role !== "ai-lead" : NAMED.includes(action);
  if (!ok) {
    const needed = HUM_ONLY.includes(action) ? "hum-lead" : "hum-lead or ai-lead";
    throw new BrtopsError("E_NOT_AUTHORIZED", `Only a ${needed === "hum-lead" ? "HUM LEAD" : "HUM LEAD or AI LEAD"} may ${doing}; ${id} is ${/^[aeiou]/i.test(roleLabel[role]) ? "an" : "a"} ${roleLabel[role]}.`, {
      hint: needed === "hum-lead" ? `Ask one of the HUM LEADs (${leads.hum.join(", ")}) to do it.` : "Act as a lead named in brtops.config.yaml.",
      details: { actor: id, role, needed, action },
    });
  }
  return { id, role };
}

export interface ApprovalVerdict {
  /** The gate is decided by this approval. */
  final: boolean;
  /** Why more is needed, when not final. */
  waitingFor?: string;
}

/**
 * Rules for a gate's approvals: a SEV-0 gate needs two different HUM LEADs, and whoever requested
 * the release can never be its only approver. Throws when this approver already approved.
 */
export function judgeApproval(gate: Gate, requestedBy: string, approverId: string): ApprovalVerdict {
  const approvers = new Set(gate.approvals.map((a) => norm(a.grantedBy ?? a.actor.id)));
  const me = norm(approverId);
  if (approvers.has(me)) {
    throw new BrtopsError("E_INVALID_STATE", `${approverId} has already approved step ${gate.step}; it needs another HUM LEAD.`, {
      hint: "Ask a second HUM LEAD to approve.",
      details: { step: gate.step, approvals: [...approvers] },
    });
  }
  approvers.add(me);
  const needed = gate.requiredApprovals;
  if (approvers.size < needed) return { final: false, waitingFor: `${needed - approvers.size} more HUM LEAD approval(s) (SEV-0 needs ${needed} different HUM LEADs)` };
  if (approvers.size === 1 && approvers.has(norm(requestedBy))) {
    return { final: false, waitingFor: `a HUM LEAD other than ${requestedBy}, who requested the release` };
  }
  return { final: true };
}
