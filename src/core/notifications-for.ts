/** Which recorded events people hear about, and what they are told. Pure: the engine sends them. */
import type { AnyEvent } from "./events.js";
import type { ReleaseState } from "./release-state.js";

export interface NotificationDraft {
  kind:
    | "prompt"
    | "gate"
    | "go-decision"
    | "deploy-start"
    | "deploy-progress"
    | "deploy-failure"
    | "rollback"
    | "complete"
    | "incident"
    | "hold"
    | "emergency"
    | "escalation";
  step?: string;
  phase?: number;
  title: string;
  text: string;
  /** The people it is for. */
  to?: string[];
  data?: Record<string, unknown>;
}

/** Who is told of what only some people must hear: the HUM LEADs (emergency acts) and the emergency contacts (escalations). */
export interface People {
  hum: readonly string[];
  emergency: readonly string[];
}

/** An act of Emergency Authority: every HUM LEAD is told at once. */
function emergencyAct(e: AnyEvent, v: string, what: string, people: People | undefined): NotificationDraft[] {
  const hum = [...(people?.hum ?? [])];
  return [
    {
      kind: "emergency",
      title: `${v}: EMERGENCY AUTHORITY — ${e.actor.id} ordered ${what}`,
      text: `${e.actor.id}, an emergency contact, ordered ${what} under Emergency Authority during a failing deployment. Recorded at event ${e.seq}; review it with \`brtops status\`.`,
      to: hum,
      data: { authority: "emergency", actor: e.actor.id, seq: e.seq, act: what },
    },
  ];
}

export function notificationsFor(e: AnyEvent, s: ReleaseState, people?: People): NotificationDraft[] {
  const v = `v${s.version} → ${s.environment}`;
  switch (e.type) {
    case "RollbackRequested":
      return e.data.authority === "emergency" ? emergencyAct(e, v, "a rollback", people) : [];
    case "AbortRequested":
      return e.data.authority === "emergency" ? emergencyAct(e, v, "an abort", people) : [];
    case "IncidentGuidance":
      return e.data.authority === "emergency"
        ? emergencyAct(e, v, `${e.data.choice} at incident ${e.data.step}`, people)
        : [];
    case "Escalated":
      return [
        {
          kind: "escalation",
          step: e.data.step,
          title: `${v}: incident at ${e.data.step} unanswered for ${e.data.after} — emergency contacts paged`,
          text: `No HUM LEAD has decided the incident at ${e.data.step} for ${e.data.after}. Emergency contacts may order a rollback: brtops guide rollback | brtops rollback | brtops abort (recorded as emergency authority).`,
          to: e.data.to,
          data: { incident: e.data.incident, after: e.data.after },
        },
      ];
    case "GateOpened": {
      const kind = e.data.kind === "go-no-go" ? "go-decision" : "prompt";
      return [
        {
          kind,
          step: e.data.step,
          phase: e.data.phase,
          title: `${v}: a HUM LEAD decision is needed at ${e.data.step}`,
          text: `${e.data.title}\n\n${e.data.report}\n\nDecide with: brtops approve --step ${e.data.step}  |  brtops reject --step ${e.data.step} --reason "…"`,
        },
      ];
    }
    case "GateApproved":
      return e.data.final && e.data.step === "5.10"
        ? [
            {
              kind: "go-decision",
              step: e.data.step,
              phase: 5,
              title: `${v}: GO by ${e.actor.id}`,
              text: e.data.note ?? "GO decision recorded.",
            },
          ]
        : [];
    case "GateRejected":
      return e.data.step === "5.10"
        ? [
            {
              kind: "go-decision",
              step: e.data.step,
              phase: 5,
              title: `${v}: NO-GO by ${e.actor.id}`,
              text: `${e.data.reason} (back to phase ${e.data.returnTo})`,
            },
          ]
        : [];
    case "StepStarted":
      if (e.data.step === "6.1")
        return [
          {
            kind: "deploy-start",
            step: "6.1",
            phase: 6,
            title: `${v}: deployment started`,
            text: `Deployment of v${s.version} to ${s.environment} has begun.`,
          },
        ];
      if (e.data.step.startsWith("6.1:"))
        return [
          {
            kind: "deploy-progress",
            step: e.data.step,
            phase: 6,
            title: `${v}: ${e.data.label ?? e.data.step}`,
            text: `Running ${e.data.label ?? e.data.step}.`,
          },
        ];
      return [];
    case "StepFailed":
      return e.data.step.startsWith("6.")
        ? [
            {
              kind: "deploy-failure",
              step: e.data.step,
              phase: 6,
              title: `${v}: deployment step ${e.data.step} failed`,
              text: e.data.error.message,
            },
          ]
        : [];
    case "IncidentOpened":
      return [
        {
          kind: "incident",
          step: e.data.step,
          title: `${v}: incident at ${e.data.step}`,
          text: `${e.data.error.message}\n\nChoose: brtops guide retry | rollback | continue`,
        },
      ];
    case "RollbackCompleted":
      return [
        {
          kind: "rollback",
          title: `${v}: rolled back${e.data.to ? ` to v${e.data.to}` : ""}`,
          text: `Undone: ${e.data.steps.join(", ") || "nothing"}.`,
        },
      ];
    case "Certified":
      return [
        {
          kind: "complete",
          step: "7.12",
          phase: 7,
          title: `${v}: COMPLETE and CERTIFIED`,
          text: `Release v${s.version} is certified.`,
        },
      ];
    case "Note":
      return e.data.kind === "hold" ? [{ kind: "hold", title: `${v}: deployment hold`, text: e.data.text }] : [];
    default:
      return [];
  }
}
