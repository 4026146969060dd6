/**
 * What the fold refuses: an event authority could not have accepted when it was appended. A log
 * is hash-chained, but anyone who can write the file can append an event with a recomputed hash;
 * such an event must still pass the rules brtops itself applies (core/authority), judged under the
 * authority config recorded in the log at that time (ReleaseRequested, ConfigRecorded). Pure.
 */
import { approvalPolicy, authorize, judgeApproval, type Leads } from "./authority.js";
import { BrtopsError } from "./errors.js";
import type { AnyEvent, AuthorityRecord } from "./events.js";
import { roundId } from "./gate-round.js";
import type { ReleaseState } from "./release-state.js";

/** The authority part of a config, as the log records it. */
export function authorityRecord(config: {
  leads: {
    hum: readonly unknown[];
    ai: readonly unknown[];
    members?: readonly unknown[];
    emergency?: readonly unknown[];
  };
  authority?: unknown;
}): AuthorityRecord {
  // A lead may be written as a plain id or as {id, key}: only the id decides authority here.
  const ids = (xs: readonly unknown[] | undefined): string[] =>
    (xs ?? []).map((x) => (typeof x === "string" ? x : String((x as { id?: unknown }).id ?? ""))).filter(Boolean);
  const l = config.leads;
  const policy =
    config.authority && typeof config.authority === "object"
      ? (config.authority as Record<string, unknown>)
      : undefined;
  return {
    leads: { hum: ids(l.hum), ai: ids(l.ai), members: ids(l.members), emergency: ids(l.emergency) },
    ...(policy ? { policy } : {}),
  };
}

/** True when the config's authority differs from what the log recorded last. */
export function authorityChanged(recorded: AuthorityRecord | null, now: AuthorityRecord): boolean {
  if (!recorded) return false;
  const key = (a: AuthorityRecord) =>
    JSON.stringify([a.leads.hum, a.leads.ai, a.leads.members ?? [], a.leads.emergency ?? [], a.policy ?? null]);
  return key(recorded) !== key(now);
}

function refuse(e: AnyEvent, why: string): never {
  const reason = `${e.type} by ${e.actor.id} could not have been accepted: ${why}`;
  throw new BrtopsError("E_LOG_TAMPERED", `event ${e.seq}: ${reason}`, {
    hint: "Run `brtops audit verify` for details; restore the log from a backup or version control.",
    details: { seq: e.seq, reason },
  });
}

/** Throws E_LOG_TAMPERED when `e` could not have been accepted on state `s` (the state before it). */
export function admitEvent(s: ReleaseState, e: AnyEvent): void {
  const leads: Leads | null = s.authority?.leads ?? null;
  const judge = (fn: () => unknown) => {
    try {
      return fn();
    } catch (err) {
      refuse(e, err instanceof Error ? err.message : String(err));
    }
  };
  switch (e.type) {
    case "GateApproved": {
      const g = s.gate;
      if (!g) refuse(e, "no gate was open");
      if (e.data.step !== g.step) refuse(e, `the open gate was ${g.step}, not ${e.data.step}`);
      if (e.data.round && e.data.round.id !== roundId(g.step, g.round))
        refuse(e, `it names round ${e.data.round.id}; the open round was ${roundId(g.step, g.round)}`);
      if (g.kind === "certification" && g.step !== "7.10") refuse(e, `a certification at ${g.step}, before 7.10`);
      if (e.data.authority === "auto-proceed") {
        if (!s.autoProceed) refuse(e, "an auto-proceed approval without a GO RELEASE grant");
        if (g.kind === "go-no-go" || g.kind === "certification") refuse(e, `GO RELEASE never decides a ${g.kind} gate`);
        if (leads && e.data.grantedBy) judge(() => authorize(leads, e.data.grantedBy!, "grant-auto-proceed"));
        return;
      }
      if (leads) judge(() => authorize(leads, e.actor.id, "approve", "approve a gate"));
      const verdict = judge(() =>
        judgeApproval(
          g,
          s.requestedBy.id,
          e.actor.id,
          s.authority ? approvalPolicy(s.authority.leads, s.authority.policy) : undefined,
        ),
      ) as { final: boolean };
      if (e.data.final && !verdict.final)
        refuse(e, "it claims to decide the gate, which needed another HUM LEAD's approval");
      return;
    }
    case "GateRejected": {
      if (!s.gate) refuse(e, "no gate was open");
      if (e.data.round && e.data.round.id !== roundId(s.gate.step, s.gate.round))
        refuse(e, `it names round ${e.data.round.id}; the open round was ${roundId(s.gate.step, s.gate.round)}`);
      if (leads) judge(() => authorize(leads, e.actor.id, "reject", "reject a gate"));
      return;
    }
    case "Certified":
      if (s.approvedAt[7] === undefined) refuse(e, "a certification before the 7.10 certification gate was approved");
      return;
    default:
      return;
  }
}
