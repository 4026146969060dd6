/** The state of a release: what a fold over its events yields. Read-only everywhere. */
import type { StepResult } from "./step-results.js";
import type { Verdict } from "./verdict.js";
import type {
  Actor,
  AuthorityRecord,
  DecisionAuthority,
  Finding,
  FingerprintRef,
  GateKind,
  IncidentChoice,
  PackageRef,
  PreviousSource,
  ProposalKind,
  ProposalRef,
  Promotion,
  ReleaseBase,
  Sev,
} from "./events.js";

export const StateNames = {
  running: "running",
  awaitingHumLead: "awaiting-hum-lead",
  paused: "paused",
  onHold: "on-hold",
  rollingBack: "rolling-back",
  rolledBack: "rolled-back",
  aborted: "aborted",
  failed: "failed",
  certified: "certified",
} as const;
export type StateName = (typeof StateNames)[keyof typeof StateNames];

export const TERMINAL_STATES: readonly StateName[] = ["certified", "aborted", "rolled-back"];

export interface Approval {
  actor: Actor;
  at: string;
  seq: number;
  authority: "person" | "auto-proceed";
  grantedBy?: string;
  note?: string;
}

export interface Gate {
  phase: number;
  step: string;
  kind: GateKind;
  title: string;
  report: string;
  findings: Finding[];
  requiredApprovals: number;
  openedSeq: number;
  openedAt: string;
  approvals: Approval[];
  /** The scope the report was made on (absent in logs from before gates recorded it). */
  fingerprint?: FingerprintRef;
  /** The round of this step's gate (1 for the first report; a new report or an answer starts the next): `2.10#2`. */
  round: number;
  /** The hash of what this round shows (core/gate-round `roundHash`). */
  roundHash: string;
  /** Answers given at this round's gate (part of the round's hash). */
  amendments: { seq: number; question: string; answer: string }[];
}

export interface StepRecord {
  step: string;
  status: "started" | "succeeded" | "failed" | "skipped";
  attempt: number;
  label?: string;
  effect: boolean;
  startedSeq: number;
  startedAt: string;
  finishedAt?: string;
  result?: StepResult;
  /** What the step's outcome means (set when it finished). */
  verdict?: Verdict;
  error?: { code: string; message: string };
  adopted?: boolean;
  reason?: string;
}

export interface Incident {
  step: string;
  error: { code: string; message: string };
  openedSeq: number;
  openedAt: string;
  interrupted: boolean;
  /** Once the emergency contacts were paged (its Escalated event). */
  escalated?: { seq: number; at: string; to: string[] };
}

/** COLLAB: an AI LEAD's proposal, open until a HUM LEAD accepts it or what it concerns closes. */
export interface Proposal {
  id: string;
  seq: number;
  at: string;
  actor: Actor;
  kind: ProposalKind;
  step: string;
  /** The seq of the gate or incident it concerns. */
  on: number;
  text: string;
  choice?: IncidentChoice;
  status: "open" | "accepted" | "lapsed";
  acceptedBy?: Actor;
}

export interface Feedback {
  id: string;
  seq: number;
  actor: Actor;
  at: string;
  phase: number;
  step: string;
  text: string;
  response?: string;
}

export interface Question {
  id: string;
  seq: number;
  actor: Actor;
  at: string;
  phase: number;
  step: string;
  text: string;
  answer?: { text: string; actor: Actor; at: string; seq: number };
}

export interface Decision {
  seq: number;
  at: string;
  actor: Actor;
  type:
    | "approve"
    | "reject"
    | "go"
    | "no-go"
    | "certify"
    | "auto-proceed"
    | "incident"
    | "pause"
    | "resume"
    | "abort"
    | "rollback"
    | "waive"
    | "exclude"
    | "sev-override"
    | "accept-risk";
  phase: number;
  step: string;
  note?: string;
  authority?: DecisionAuthority;
  /** COLLAB: the AI LEAD's proposal this decision accepted (both actors in the one decision). */
  proposal?: ProposalRef;
  /** The requester approved their own request alone (authority.selfApproval). */
  selfApproval?: boolean;
  returnTo?: number;
  choice?: IncidentChoice;
}

export interface ReleaseState {
  release: string;
  version: string;
  environment: string;
  versionType?: "major" | "minor" | "patch" | "hotfix" | "rc" | "beta";
  trigger?: string;
  /** The version that ran on this environment before this release ({previous}; the rollback target). */
  previous: string | null;
  previousSource: PreviousSource;
  /** The project's previous release (the changelog base and the version this one must exceed). */
  base: ReleaseBase | null;
  /** Set when this run deploys a package approved in an earlier run (promotion). */
  promotion: Promotion | null;
  /** The approved package (PackageFixed, or the promoted one). */
  package: PackageRef | null;
  attempt: number;
  earlier: string[];
  /** When deployment (6.1) last succeeded in this run, and the commit it deployed. */
  deployedAt?: string;
  rolledBackAt?: string;
  /** The version the rollback restored. */
  rolledBackTo?: string | null;
  requestedBy: Actor;
  requestedAt: string;
  sev: Sev | null;
  sevFactors: { factor: string; effect: string; sev?: Sev }[];
  plan: number[];
  phase: number;
  /** The next step to execute, or the gate step being decided. */
  step: string;
  state: StateName;
  gate: Gate | null;
  incident: Incident | null;
  /** Latest record per step id in the current pass (sub-steps are "6.1:name"). */
  steps: Record<string, StepRecord>;
  /** A step started and not finished: after a crash, the engine recovers it (DESIGN rule 4). */
  inFlight: StepRecord | null;
  feedback: Feedback[];
  questions: Question[];
  decisions: Decision[];
  /** COLLAB proposals (P1, P2 …), in order. */
  proposals: Proposal[];
  autoProceed: { by: Actor; at: string; seq: number } | null;
  pauseRequested: boolean;
  abortRequested: boolean;
  rollbackRequested: boolean;
  onHold: boolean;
  /** Why the release is on hold (a MAJOR scope deviation's escalation), and since when; null when it is not. */
  hold: { reason: string; at: string } | null;
  /** Phase → the seq of its final approval (documents are rendered from the log up to it). */
  approvedAt: Record<number, number>;
  documents: Record<number, { seq: number; files: { name: string; sha256: string }[] }>;
  waivers: { feature: string; reason: string; mode: "waive" | "exclude"; actor: Actor; at: string }[];
  /** Scope deviations and holds recorded (Note kind deviation / hold), in order. */
  deviations: { seq: number; at: string; kind: "deviation" | "hold"; text: string; class?: string; percent?: number }[];
  /** The latest App Store state seen (Note kind "app-store": App Review, the phased release); absent for other targets. */
  appStore?: { state: string; text: string; at: string; phasedRelease: string | null };
  /** Passes through each phase (a rejection or NO-GO starts another). */
  iterations: Record<number, number>;
  deployed: boolean;
  rolledBack?: boolean;
  aborted?: boolean;
  /** Where an open gate sends the release on approval. */
  gateOnApprove?: string | undefined;
  certifiedAt?: string;
  finishedAt?: string;
  /** Rounds per gate step so far (the open gate's round is the last). */
  rounds: Record<string, number>;
  /** The authority config recorded in the log (null for logs from before it was recorded). */
  authority: AuthorityRecord | null;
  lastSeq: number;
  lastHash: string;
  lastAt: string;
}
