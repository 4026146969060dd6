/** The state of an open release page, shared by the parts that draw it. */
import type { OpenPage } from "./app-state.js";
import type { LiveFeed } from "./live-feed.js";
import type { AuditEvent, Controls, DeploymentStatus, GateView, StatusView } from "./api-types.js";

export interface ReleasePage extends OpenPage {
  version: string;
  /** Whether this server runs releases itself (its runner), or a `brtops run` must carry decisions out. */
  serverRuns: boolean;
  status: StatusView | null;
  ctl: Controls | null;
  /** The open gate's structured view (GET …/gate), for the round `status.gate` names. */
  gate: GateView | null;
  deployment: DeploymentStatus | null;
  events: AuditEvent[];
  auditSeq: number;
  /** Fetches after each status, one at a time and in order. */
  chain: Promise<void>;
  answerForms: Map<string, HTMLFormElement>;
  respondForms: Map<string, HTMLFormElement>;
  /** What each part was last drawn from: a part whose key did not change keeps what is being typed in it. */
  keys: Record<"gate" | "decide" | "incident" | "controls" | "signoff" | "deployment", string | null>;
  threadDrawn: boolean;
  es: EventSource | null;
  /** The runner's progress as it happens (when the server runs releases). */
  live: LiveFeed;
  retry: ReturnType<typeof setTimeout> | null;
  ticker: ReturnType<typeof setInterval> | null;
  el: {
    title: HTMLElement;
    live: HTMLElement;
    timeline: HTMLOListElement;
    steps: HTMLOListElement;
    now: HTMLElement;
    gate: HTMLElement;
    decision: HTMLElement;
    incident: HTMLElement;
    controls: HTMLElement;
    signoffs: HTMLElement;
    ask: HTMLFormElement;
    thread: HTMLUListElement;
    feedback: HTMLFormElement;
    deployment: HTMLElement;
    audit: HTMLElement;
    verify: HTMLElement | null;
    events: HTMLOListElement | null;
    decide: HTMLElement | null;
  };
}

/** True once the release ended (certified, aborted, rolled back): nothing is left to decide. */
export function isFinished(s: { state: string }): boolean {
  return s.state === "certified" || s.state === "aborted" || s.state === "rolled-back";
}
