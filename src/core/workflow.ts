/**
 * The RELEASE workflow of the spec as data: phases 1–7 with their step ids (1.1 … 7.13), what
 * kind each step is, and which phases each SEV level runs.
 */
import type { Sev } from "./events.js";

export const StepKinds = {
  automated: "automated", // brtops does it
  report: "report", // brtops composes a report for the HUM LEAD
  gate: "gate", // a person decides (the approval loop's prompt/intake/clarify/consolidate)
  decision: "decision", // the outcome of a gate (approve, reject, GO, NO-GO, certify)
  document: "document", // documents written from the log
  conditional: "conditional", // happens only on some path (incident, rollback, GitHub)
} as const;
export type StepKind = (typeof StepKinds)[keyof typeof StepKinds];

export interface StepDef {
  id: string;
  phase: number;
  title: string;
  kind: StepKind;
}

export interface PhaseDef {
  phase: number;
  name: string;
  /** Steps brtops executes, in order, before the phase's gate (or to its end when there is none). */
  run: string[];
  /** The step a decision binds to (`--step`), when the phase has a gate. */
  gate?: { step: string; kind: "approval" | "go-no-go" | "certification"; approve: string; reject: string };
  /** Steps after approval, before the next phase. */
  after: string[];
  documents: string[];
}

const s = (id: string, title: string, kind: StepKind): StepDef => ({
  id,
  phase: Number(id.split(".")[0]),
  title,
  kind,
});

export const STEPS: readonly StepDef[] = [
  s("1.1", "Parse release request syntax and version identifier", "automated"),
  s("1.2", "Aggregate all feature VAL results across project", "automated"),
  s("1.3", "Verify system-wide readiness (all features complete)", "automated"),
  s("1.4", "Establish release scope and target environment", "automated"),
  s("1.5", "Initialize system-level release documentation", "automated"),
  s("1.6", "Create release folder: docs/01_application/6-releases/{version}/", "automated"),
  s("1.7", "Confirm HUM LEAD authority for release decisions", "automated"),
  s("1.8", "Establish RELEASE phase objectives and success criteria", "automated"),
  s("2.1", "Execute semantic versioning analysis and validation", "automated"),
  s("2.2", "Generate comprehensive changelog from feature docs", "automated"),
  s("2.3", "ASSESS release scope against previous versions", "automated"),
  s("2.4", "Compile system artifacts (builds, docs, assets)", "automated"),
  s("2.5", "REPORT release package to HUM LEAD", "report"),
  s("2.6", "Prompt HUM LEAD for package validation and approval", "gate"),
  s("2.7", "INTAKE HUM LEAD feedback on release composition", "gate"),
  s("2.8", "Ask HUM LEAD clarifying questions on scope/version", "gate"),
  s("2.9", "Repeat 2.6-2.8 as needed for package clarity", "gate"),
  s("2.10", "REPORT final release package for APPROVAL", "gate"),
  s("2.11", "HUM LEAD APPROVES: changelog.md, release-notes.md", "document"),
  s("2.12", "HUM LEAD REJECTS → Return to 2.1 for re-assembly", "decision"),
  s("3.1", "Execute cross-feature integration testing", "automated"),
  s("3.2", "Perform system-wide performance testing at scale", "automated"),
  s("3.3", "ASSESS security validation across entire system", "automated"),
  s("3.4", "Coordinate user acceptance testing for release", "automated"),
  s("3.5", "REPORT system testing results to HUM LEAD", "report"),
  s("3.6", "Prompt HUM LEAD for system validation approval", "gate"),
  s("3.7", "INTAKE HUM LEAD feedback on testing results", "gate"),
  s("3.8", "Ask HUM LEAD clarifying questions on test failures", "gate"),
  s("3.9", "Repeat 3.6-3.8 as needed for validation clarity", "gate"),
  s("3.10", "REPORT consolidated testing assessment for APPROVAL", "gate"),
  s("3.11", "HUM LEAD APPROVES: system-validation-report.md", "document"),
  s("3.12", "HUM LEAD REJECTS → Return to 3.1 for re-testing", "decision"),
  s("4.1", "Validate infrastructure readiness for deployment", "automated"),
  s("4.2", "Design comprehensive rollback procedures and recovery", "automated"),
  s("4.3", "ASSESS deployment sequence and timing coordination", "automated"),
  s("4.4", "Plan communication and stakeholder notifications", "automated"),
  s("4.5", "REPORT deployment orchestration to HUM LEAD", "report"),
  s("4.6", "Prompt HUM LEAD for orchestration approval", "gate"),
  s("4.7", "INTAKE HUM LEAD feedback on deployment strategy", "gate"),
  s("4.8", "Ask HUM LEAD clarifying questions on procedures", "gate"),
  s("4.9", "Repeat 4.6-4.8 as needed for orchestration clarity", "gate"),
  s("4.10", "REPORT final deployment plan for APPROVAL", "gate"),
  s("4.11", "HUM LEAD APPROVES: deployment-orchestration-plan.md, rollback-procedures.md", "document"),
  s("4.12", "HUM LEAD REJECTS → Return to 4.1 for re-planning", "decision"),
  s("5.1", "Execute final system health verification", "automated"),
  s("5.2", "Collect all stakeholder approvals and sign-offs", "automated"),
  s("5.3", "ASSESS risk assessment and mitigation confirmation", "automated"),
  s("5.4", "Complete production readiness checklist validation", "automated"),
  s("5.5", "REPORT pre-deployment status to HUM LEAD", "report"),
  s("5.6", "Prompt HUM LEAD for final GO/NO-GO decision", "gate"),
  s("5.7", "INTAKE HUM LEAD final deployment authorization", "gate"),
  s("5.8", "Ask HUM LEAD clarifying questions on readiness", "gate"),
  s("5.9", "Repeat 5.6-5.8 as needed for GO/NO-GO clarity", "gate"),
  s("5.10", "REPORT final readiness assessment for DECISION", "gate"),
  s("5.11", "HUM LEAD GO DECISION → Proceed to Phase 6", "decision"),
  s("5.12", "Document GO decision in release-readiness-checklist.md", "document"),
  s("5.13", "HUM LEAD NO-GO → Return to appropriate phase for remediation", "decision"),
  s("6.1", "Execute deployment per orchestration plan", "automated"),
  s("6.2", "Monitor real-time deployment health and progress", "automated"),
  s("6.3", "ASSESS system health checks and validation points", "automated"),
  s("6.4", "Execute issue detection and emergency procedures", "automated"),
  s("6.5", "REPORT deployment progress to HUM LEAD (continuous)", "report"),
  s("6.6", "INTAKE HUM LEAD guidance on deployment issues", "conditional"),
  s("6.7", "Execute rollback procedures if deployment fails", "conditional"),
  s("6.8", "CREATE GITHUB RELEASE (for GitHub target environment)", "conditional"),
  s("6.9", "REPORT deployment completion status to HUM LEAD", "report"),
  s("6.10", "DEPLOYMENT SUCCESS → Proceed to Phase 7", "decision"),
  s("6.11", "DEPLOYMENT FAILURE → Execute rollback and assess", "conditional"),
  s("7.1", "Execute system-wide operational validation", "automated"),
  s("7.2", "Verify performance metrics at production scale", "automated"),
  s("7.3", "ASSESS user experience validation across all features", "automated"),
  s("7.4", "Validate business objectives and success metrics", "automated"),
  s("7.5", "REPORT post-deployment validation to HUM LEAD", "report"),
  s("7.6", "Prompt HUM LEAD for release certification approval", "gate"),
  s("7.7", "INTAKE HUM LEAD feedback on release success", "gate"),
  s("7.8", "Ask HUM LEAD clarifying questions on metrics", "gate"),
  s("7.9", "Repeat 7.6-7.8 as needed for certification clarity", "gate"),
  s("7.10", "REPORT final release validation for CERTIFICATION", "gate"),
  s("7.11", "HUM LEAD APPROVES release certification: post-deployment-validation.md", "document"),
  s("7.12", "Mark release as COMPLETE and CERTIFIED", "automated"),
  s("7.13", "HUM LEAD REJECTS → Return to appropriate remediation", "decision"),
];

export const PHASES: readonly PhaseDef[] = [
  {
    phase: 1,
    name: "Release Initiation & System Validation",
    run: ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"],
    after: [],
    documents: [],
  },
  {
    phase: 2,
    name: "Release Package Assembly & Version Management",
    run: ["2.1", "2.2", "2.3", "2.4", "2.5"],
    gate: { step: "2.10", kind: "approval", approve: "2.11", reject: "2.12" },
    after: ["2.11"],
    documents: ["changelog.md", "release-notes.md"],
  },
  {
    phase: 3,
    name: "System-Level Testing & Integration Validation",
    run: ["3.1", "3.2", "3.3", "3.4", "3.5"],
    gate: { step: "3.10", kind: "approval", approve: "3.11", reject: "3.12" },
    after: ["3.11"],
    documents: ["system-validation-report.md"],
  },
  {
    phase: 4,
    name: "Deployment Orchestration Planning",
    run: ["4.1", "4.2", "4.3", "4.4", "4.5"],
    gate: { step: "4.10", kind: "approval", approve: "4.11", reject: "4.12" },
    after: ["4.11"],
    documents: ["deployment-orchestration-plan.md", "rollback-procedures.md"],
  },
  {
    phase: 5,
    name: "Pre-Deployment Validation & GO/NO-GO Decision",
    run: ["5.1", "5.2", "5.3", "5.4", "5.5"],
    gate: { step: "5.10", kind: "go-no-go", approve: "5.11", reject: "5.13" },
    after: ["5.12"],
    documents: ["release-readiness-checklist.md"],
  },
  {
    phase: 6,
    name: "Deployment Execution & Monitoring",
    run: ["6.1", "6.2", "6.3", "6.4", "6.5", "6.8", "6.9", "6.10"],
    after: [],
    documents: [],
  },
  {
    phase: 7,
    name: "Post-Deployment System Validation & Certification",
    run: ["7.1", "7.2", "7.3", "7.4", "7.5"],
    gate: { step: "7.10", kind: "certification", approve: "7.11", reject: "7.13" },
    after: ["7.11", "7.12"],
    documents: ["post-deployment-validation.md"],
  },
];

/** All seven documents of the spec, in the order the spec lists them. */
export const ALL_DOCUMENTS = [
  "release-readiness-checklist.md",
  "deployment-orchestration-plan.md",
  "rollback-procedures.md",
  "system-validation-report.md",
  "post-deployment-validation.md",
  "release-notes.md",
  "changelog.md",
] as const;

const stepById = new Map(STEPS.map((d) => [d.id, d]));

export function stepDef(id: string): StepDef | undefined {
  return stepById.get(id.split(":")[0] ?? id);
}

export function phaseDef(phase: number): PhaseDef {
  const p = PHASES[phase - 1];
  if (!p) throw new RangeError(`no phase ${phase}`);
  return p;
}

/** Phases each release SEV runs (framework rules). */
export function phasesForSev(sev: Sev): number[] {
  if (sev <= 1) return [1, 2, 3, 4, 5, 6, 7];
  if (sev === 2) return [1, 2, 4, 5, 6, 7];
  return [1, 2, 5, 6, 7];
}

/** HUM LEAD approvals a gate needs: two different people for SEV-0, one otherwise. */
export function approvalsRequired(sev: Sev | null): number {
  return sev === 0 ? 2 : 1;
}

/** The ordered list of steps executed for a phase (run, then after-approval steps). */
export function phaseSequence(phase: number): string[] {
  const p = phaseDef(phase);
  return [...p.run, ...(p.gate ? [p.gate.step] : []), ...p.after];
}

/** The next phase in the plan after `phase`, or null at the end. */
export function nextPhase(plan: readonly number[], phase: number): number | null {
  for (const p of plan) if (p > phase) return p;
  return null;
}

export function parseSev(text: string): Sev | null {
  const m = /^\s*sev[-_ ]?([0-5])\s*$/i.exec(text);
  return m ? (Number(m[1]) as Sev) : null;
}

export function sevLabel(sev: Sev | null): string {
  return sev === null ? "SEV-?" : `SEV-${sev}`;
}
