/** The shapes of feature readiness: what one feature's documents say, and the system's result. */
import type { Sev } from "../core/events.js";
import type { FeatureStatus, StatusReading } from "./readiness-status.js";
import type { DocItem, NoteSections } from "./readiness-sections.js";
import type { Risk } from "./readiness-tables.js";
import type { ScoreKind } from "./readiness-fields.js";

export interface SourceRef {
  /** Repository-relative, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
}

/** One feature's readiness as its documents state it. */
export interface FeatureReadiness {
  name: string;
  /** Repository-relative folder of the feature (or the index's **Path** when there is no folder). */
  path: string;
  status: FeatureStatus;
  /** Where the winning status was read; null when nothing was readable (pending). */
  source: SourceRef | null;
  sev: Sev | null;
  scores: Partial<Record<ScoreKind, number>>;
  failed: DocItem[];
  pending: DocItem[];
  risks: Risk[];
  breakingChanges: DocItem[];
  knownIssues: DocItem[];
  /** Release-notes content gathered from the feature's documents. */
  notes: NoteSections;
  deploymentMethod: string | null;
  /** Every status reading, when they disagree: the most cautious wins. Empty when they agree. */
  contradictions: StatusReading[];
  /** Documents read (repository-relative). */
  files: string[];
  /** What the reader noticed: skipped files, template placeholders, the winning reading. */
  remarks: string[];
  /** Set by aggregation: the HUM LEAD waived this feature (it counts as conditional-accepted). */
  waived?: boolean;
}

/** NO_FEATURES: nothing was found to assess — said so rather than READY. */
export const Readiness = {
  ready: "READY",
  conditional: "CONDITIONAL",
  notReady: "NOT_READY",
  noFeatures: "NO_FEATURES",
} as const;
export type ReadinessLevel = (typeof Readiness)[keyof typeof Readiness];

export const Recommendations = { go: "GO", conditionalGo: "CONDITIONAL_GO", noGo: "NO_GO" } as const;
export type Recommendation = (typeof Recommendations)[keyof typeof Recommendations];

export const GateClasses = { critical: "CRITICAL", standard: "STANDARD", advisory: "ADVISORY" } as const;
export type GateClass = (typeof GateClasses)[keyof typeof GateClasses];

/** One system check of a gate class. */
export interface GateCheck {
  id: string;
  class: GateClass;
  title: string;
  passed: boolean;
  detail: string;
  /** Features that fail it. */
  features: string[];
}

export interface GateTally {
  passed: number;
  total: number;
}

export interface FeatureCounts {
  total: number;
  complete: number;
  conditional: number;
  inProgress: number;
  blocked: number;
  pending: number;
  waived: number;
  excluded: number;
}

/** The system result (spec 1.2/1.3): what `brtops features --json` prints. */
export interface FeatureReport {
  features: FeatureReadiness[];
  readiness: ReadinessLevel;
  recommendation: Recommendation;
  /** The most severe SEV any feature states, null when none states one. */
  sev: Sev | null;
  gates: { critical: GateTally; standard: GateTally; advisory: GateTally };
  checks: GateCheck[];
  counts: FeatureCounts;
  waived: string[];
  excluded: string[];
  /** Project-level remarks: no features folder, an unreadable index or registry. */
  remarks: string[];
}
