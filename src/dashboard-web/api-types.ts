/** The shapes the dashboard reads from the API: core's own types where core defines them. */
import type { GateView } from "../core/gate-view.js";
import type { Ledger } from "../core/ledger.js";
import type { ReleaseAttention } from "../core/release-attention.js";
import type { StatusView } from "../core/status-view.js";
import type { DeploymentStatus } from "../cli/views.js";

export type { GateView, Ledger, StatusView, DeploymentStatus, ReleaseAttention };

/** GET /api/me. */
export interface Me {
  id: string;
  /** "hum-lead", "ai-lead", "member", or a role the config does not name. */
  role: string;
  via: "bearer" | "cookie";
  csrfToken: string | null;
  can: Record<string, boolean>;
  passkeys?: number;
}

/** A decision's answer: the new status, with what was recorded and what carries it out. */
export type DecisionAnswer = StatusView & { said?: string; runs?: boolean };

export interface SignoffView {
  needed: number;
  complete: boolean;
  required: string[];
  signed: { by: string; at: string }[];
  rejected: { by: string; at: string }[];
  missing: string[];
}

/** GET /api/releases/:version/controls. */
export interface Controls {
  release: string;
  state: string;
  finished: boolean;
  phase: number;
  paused: boolean;
  onHold: boolean;
  deployed: boolean;
  abortRequested: boolean;
  rollbackRequested: boolean;
  autoProceed: null | { by: string; at: string; appliesNow: boolean };
  signoffs: { uat: SignoffView | null; stakeholders: SignoffView | null };
  run: string;
  /**
   * The decisions the signed-in person may take on this release now, each only where it has an
   * effect (the server's action table decides: no GO RELEASE at SEV-0/1), with its options' choices.
   */
  actions?: OfferedAction[];
}

/** One entry of `actions` (src/actions/offered.ts). */
export interface OfferedAction {
  name: string;
  title: string;
  summary: string;
  runs: boolean;
  options: { name: string; required: boolean; choices?: (string | number)[]; default?: unknown }[];
}

/** GET /api/dashboard/releases. */
export interface ReleaseRow {
  release: string;
  version: string;
  environment: string;
  state: string;
  phase: number;
  step: string;
  lastAt: string;
  sev: number | null;
  requestedBy: string;
  attention: ReleaseAttention;
}

/** GET /api/environments, with `promotable` once the server offers promotions. */
export type EnvironmentsAnswer = Ledger & {
  promotable?: { version: string; to: string; from?: string; release?: string; certifiedAt?: string }[];
};

/** One event of GET /api/releases/:version/audit. */
export interface AuditEvent {
  seq: number;
  type: string;
  at: string;
  actor: { id: string; role: string };
  data: Record<string, unknown>;
  hash: string;
}

export interface AuditAnswer {
  verification: { ok: boolean; count: number; lastHash: string; bad?: { seq: number; reason: string } };
  events: AuditEvent[];
}
