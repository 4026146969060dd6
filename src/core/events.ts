/**
 * The events of a release's log. The log is the only source of truth (DESIGN rule 1): every
 * state, report and document is derived from these.
 */
/** `emergency`: a `leads.emergency` contact (Emergency Authority: stop a failing deployment, nothing else). */
export const Roles = {
  hum: "hum-lead",
  ai: "ai-lead",
  member: "member",
  emergency: "emergency",
  system: "system",
} as const;
export type Role = (typeof Roles)[keyof typeof Roles];

export interface Actor {
  id: string;
  role: Role;
}

import type { StepResult } from "./step-results.js";
import type { Verdict } from "./verdict.js";

/** What a caller hands the store; the store adds seq, release, prev and hash. */
export interface EventDraft<T extends EventType = EventType> {
  type: T;
  at: string;
  actor: Actor;
  data: EventData[T];
}

export interface StoredEvent<T extends EventType = EventType> extends EventDraft<T> {
  seq: number;
  release: string;
  prev: string;
  hash: string;
}

export type Sev = 0 | 1 | 2 | 3 | 4 | 5;

/** A thing the HUM LEAD must see before deciding; a gate with findings never auto-proceeds. */
export interface Finding {
  severity: "critical" | "warning" | "info";
  code: string;
  message: string;
  /** Where it comes from: a file and line, a step id, a command. */
  source?: string;
}

/** A compact fingerprint of what was approved: the commit, uncommitted changes, features, config, artifacts. */
export interface FingerprintRef {
  commit: string;
  dirty: Record<string, string>;
  features: string[];
  config: string;
  artifacts: Record<string, string>;
}

export type PreviousSource = "ledger" | "tag" | "none";

/** A release of the project the next one is measured from. */
export interface ReleaseBase {
  /** As written ("1.1.000"). */
  version: string;
  /** The commit it was released from (null when only a tag names it and it could not be resolved). */
  commit: string | null;
  /** Its tag, when it has one. */
  tag: string | null;
  source: "tag" | "certified";
}

/** The approved package: the release commit and the artifacts built from it (digests). */
export interface PackageRef {
  commit: string;
  artifacts: { name: string; sha256: string; size?: number }[];
  /** The commit brtops made to write the version into the version files, when it made one. */
  versionCommit?: string | null;
  /** Container images of the package (OCI layouts stored with the artifacts): the manifest digest approved. */
  images?: PackageImage[];
}

/** An OCI image of the approved package: the layout `from` the build wrote, stored under `store` (artifacts-relative). */
export interface PackageImage {
  from: string;
  ref?: string;
  store: string;
  digest: string;
  mediaType: string;
  size: number;
}

export interface Promotion {
  /** The release (run) id whose package this run deploys. */
  from: string;
  /** The environment the package was certified on (null for an override without one). */
  environment: string | null;
  package: PackageRef;
  /** A HUM LEAD's override of the promotion order (the hotfix path). */
  override?: { by: string; reason: string };
}

/** The log a decision was made on: its last event when the decider read it (an anchor against truncation and rewrite). */
export interface LogHead {
  seq: number;
  hash: string;
}

/**
 * A HUM LEAD's own signature over the canonical decision (core/decision-signature): an SSH
 * signature (`ssh-keygen -Y sign -n brtops`, armored) or a WebAuthn assertion by a passkey whose
 * challenge is the decision's sha256. `keyId`: the SSH key's fingerprint, or the credential id.
 */
export interface DecisionSignature {
  kind: "ssh" | "webauthn";
  keyId: string;
  /** The armored SSH signature, or the assertion's signature (base64url). */
  value: string;
  /** WebAuthn only (base64url): what the authenticator signed along with the client data. */
  authenticatorData?: string;
  clientDataJSON?: string;
  userHandle?: string;
}

/** The gate round a decision names: `2.10#2` and the hash of the report, findings and scope it showed (core/gate-round). */
export interface RoundRef {
  id: string;
  hash: string;
}

/** Who held which authority when an event was appended: the config's leads (and policy), recorded in the log so the fold judges each event under the config of its time. */
export interface AuthorityRecord {
  leads: { hum: string[]; ai: string[]; members?: string[]; emergency?: string[] };
  /** The config's `authority:` policy, when it has one. */
  policy?: Record<string, unknown>;
}

export type GateKind = "readiness" | "approval" | "go-no-go" | "certification" | "incident" | "deviation";
export type IncidentChoice = "retry" | "rollback" | "continue";

/** How a decision was authorised: a person's own role, GO RELEASE's grant, or Emergency Authority. */
export type DecisionAuthority = "person" | "auto-proceed" | "emergency";

/** The AI LEAD's proposal a HUM LEAD's decision accepts (COLLAB): both actors in one decision. */
export interface ProposalRef {
  id: string;
  /** Who proposed it (an AI LEAD). */
  by: Actor;
  text: string;
}

/** What an AI LEAD may propose for a COLLAB decision. */
export type ProposalKind = "accept-risk" | "guidance";

export interface EventData {
  ReleaseRequested: {
    version: string;
    environment: string;
    /** A bump, or a pre-release of the next patch (hotfix) or minor (rc, beta). */
    versionType?: "major" | "minor" | "patch" | "hotfix" | "rc" | "beta";
    trigger?: string;
    /** The version that ran on this environment before this release ({previous}, the rollback target). */
    previous?: string | null;
    /** Where `previous` comes from: the ledger of what ran there, the newest tag below (never deployed there by brtops), or nothing. */
    previousSource?: PreviousSource;
    /** The project's previous release (changelog base, version order): the newest of the tags and the versions brtops certified. */
    base?: ReleaseBase | null;
    /** Set when this run takes an already approved package to another environment (no rebuild). */
    promotion?: Promotion;
    /** 1 for the first run of this version on this environment; n for the n-th attempt. */
    attempt?: number;
    /** Earlier attempts of this version on this environment (release ids), oldest first. */
    earlier?: string[];
    /** The authority config at request time (later changes: ConfigRecorded). Absent in logs from before it was recorded. */
    authority?: AuthorityRecord;
  };
  /** The authority config changed: events after this one are judged under it. */
  ConfigRecorded: { authority: AuthorityRecord };
  VersionResolved: { version: string; previous: string | null; from?: string };
  SevAssessed: {
    sev: Sev;
    phases: number[];
    factors: { factor: string; effect: string; sev?: Sev }[];
    overriddenBy?: string;
    reason?: string;
    head?: LogHead;
  };
  StepStarted: { step: string; attempt: number; label?: string; effect?: boolean };
  /** `verdict`: what the result means (core/step-outcome); logs written before verdicts have none and the fold derives it. */
  StepSucceeded: { step: string; result?: StepResult; adopted?: boolean; verdict?: Verdict };
  StepFailed: { step: string; error: { code: string; message: string }; result?: StepResult; verdict?: Verdict };
  StepSkipped: { step: string; reason: string; verdict?: Verdict };
  PhaseSkipped: { phase: number; reason: string };
  GateOpened: {
    phase: number;
    step: string;
    kind: GateKind;
    title: string;
    report: string;
    findings: Finding[];
    requiredApprovals: number;
    /** Where the release goes on approval (the phase's document step, or the step the gate held). */
    onApprove: string;
    /** The scope the report was made on: an approval is refused once the project moved from it. */
    fingerprint?: FingerprintRef;
    /** Set when the gate was opened again because the project changed under its report. */
    refreshed?: { from: number; class: string; percent: number };
  };
  GateApproved: {
    phase: number;
    step: string;
    note?: string;
    authority: "person" | "auto-proceed";
    grantedBy?: string;
    final: boolean;
    /** The requester approved their own request alone (authority.selfApproval: sole-hum-lead). */
    selfApproval?: boolean;
    /** COLLAB: the AI LEAD's proposal this approval accepts. */
    proposal?: ProposalRef;
    /** What was approved (scope drift is measured against it). */
    fingerprint?: FingerprintRef;
    /** The round decided on (`2.10#2`) and the log head it was decided on. */
    round?: RoundRef;
    head?: LogHead;
    /** The approver's signature over the decision (absent: unsigned). */
    signature?: DecisionSignature;
  };
  GateRejected: {
    phase: number;
    step: string;
    reason: string;
    returnTo: number;
    round?: RoundRef;
    head?: LogHead;
    signature?: DecisionSignature;
  };
  FeedbackGiven: { id: string; phase: number; step: string; text: string };
  FeedbackAddressed: { id: string; response: string };
  QuestionAsked: { id: string; phase: number; step: string; text: string };
  QuestionAnswered: { id: string; text: string; head?: LogHead };
  AutoProceedGranted: { note?: string; head?: LogHead };
  PauseRequested: { reason?: string; head?: LogHead };
  PauseReached: { step: string };
  Resumed: { note?: string; fingerprint?: FingerprintRef; head?: LogHead };
  /** `authority: "emergency"`: ordered by an emergency contact during a failing deployment. */
  AbortRequested: { reason?: string; head?: LogHead; authority?: "emergency" };
  /** `appStore`: what a rollback of an App Store release does, as the HUM LEAD chose (pause the phased release, or remove from sale). */
  RollbackRequested: {
    reason?: string;
    head?: LogHead;
    authority?: "emergency";
    appStore?: "pause" | "remove-from-sale";
  };
  RollbackCompleted: { steps: string[]; to: string | null };
  IncidentOpened: { step: string; error: { code: string; message: string }; interrupted?: boolean };
  IncidentGuidance: {
    step: string;
    choice: IncidentChoice;
    note?: string;
    head?: LogHead;
    authority?: "emergency";
    proposal?: ProposalRef;
  };
  /**
   * COLLAB: an AI LEAD's proposal for a HUM LEAD — accept a risk (at the phase 5 gate: the risks
   * 5.3 assessed) or an incident's guidance. `on` is the seq of the gate or incident it concerns:
   * it lapses when that closes.
   */
  ProposalMade: { id: string; kind: ProposalKind; step: string; on: number; text: string; choice?: IncidentChoice };
  /** COLLAB: a HUM LEAD accepted a proposal that is not itself a gate decision (a risk acceptance). */
  ProposalAccepted: {
    id: string;
    kind: ProposalKind;
    step: string;
    proposal: ProposalRef;
    note?: string;
    head?: LogHead;
  };
  /** An incident waited `after` with no HUM LEAD decision: the emergency contacts were paged (once per incident). */
  Escalated: { step: string; incident: number; after: string; to: string[] };
  /**
   * Documents written to the version's folder. At a document step (x.11, 5.12, 7.11) they are the
   * phase's, rendered from the log up to its final approval. A record write (`upTo` set; phase 0)
   * re-renders the documents a failure or decision concerns from the log up to event `upTo` (an
   * incident, guidance, a rollback, an abort, a NO-GO or rejected round, a remediation note), so
   * `docs --rebuild` renders each document from the last point the log recorded for it.
   */
  DocumentsWritten: { phase: number; files: { name: string; sha256: string }[]; upTo?: number; reason?: string };
  FeatureWaived: { feature: string; reason: string; mode: "waive" | "exclude"; head?: LogHead };
  /** Phase 2 fixed the package: the release commit and the digests of what was built from it. */
  PackageFixed: PackageRef;
  Certified: { note?: string; head?: LogHead };
  Aborted: { reason?: string };
  Note: { text: string; kind?: string; data?: Record<string, unknown>; head?: LogHead };
}
export type EventType = keyof EventData;

export type AnyEvent = { [K in EventType]: StoredEvent<K> }[EventType];
export type AnyDraft = { [K in EventType]: EventDraft<K> }[EventType];

export function draft<T extends EventType>(type: T, at: string, actor: Actor, data: EventData[T]): EventDraft<T> {
  return { type, at, actor, data };
}
