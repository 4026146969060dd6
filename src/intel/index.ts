/** Release intelligence: the public API, as an explicit list. */
export { readFeatureReport, readFeatures } from "./read-feature-report.js";
export {
  aggregateReadiness,
  gateLine,
  namesFeature,
  DEFAULT_READINESS_THRESHOLDS,
  type Waivers,
  type ReadinessThresholds,
} from "./aggregate-readiness.js";
export { assessFeature, type FeatureInput } from "./assess-feature.js";
export type {
  FeatureReadiness,
  FeatureReport,
  GateCheck,
  GateClass,
  ReadinessLevel,
  Recommendation,
  SourceRef,
} from "./feature-types.js";
export { classifyStatusValue, FeatureStatuses, type FeatureStatus, type StatusReading } from "./readiness-status.js";
export { parseReadinessDoc } from "./parse-readiness-doc.js";
export { parseFeatureIndex, parseFeatureRegistry } from "./parse-feature-index.js";
export { assessSev, type SevAssessment, type SevFactor, type SevInput } from "./assess-sev.js";
export {
  parseTagVersion,
  releasesFromTags,
  compareVersions,
  describeRelease,
  toSemver,
  type TaggedRelease,
} from "./version-order.js";
export {
  validateRequestedVersion,
  resolveVersionType,
  previousRelease,
  changelogBase,
  type VersionCheck,
  type VersionType,
} from "./version-validate.js";
export { inferBump, bumpFindings, actualBump, type Bump, type BumpNeed } from "./version-bump.js";
export { parseCommit, parseHeader, type Change, type CommitRecord, type ParsedCommit } from "./conventional-commit.js";
export { collectChanges, type CollectedChanges } from "./collect-changes.js";
export { readCommits, LOG_FORMAT, type CommitRange } from "./read-commits.js";
export { buildChangelogModel, type ChangelogModel } from "./changelog-model.js";
export { buildReleaseNotesModel, type ReleaseNotesModel } from "./release-notes-model.js";
export { renderChangelog } from "./render-changelog-md.js";
export { renderReleaseNotes } from "./render-release-notes-md.js";
export { analyzeRelease, type ReleaseAnalysis } from "./read-release-analysis.js";
export { assessScope, scopeCategories, type ScopeAssessment } from "./assess-scope.js";
export { readScope, readChangedFiles } from "./read-scope.js";
export { runBuild, MANIFEST_FILE, type ArtifactsResult, type ArtifactRecord } from "./run-build.js";
export { runTestSteps, type TestRunRecord } from "./run-system-tests.js";
export { assessTestRun, summarizeOutcomes, type TestOutcome, type TestKind } from "./assess-test-run.js";
export { parseJUnit, parseTap, parseNpmAudit, detectReportFormat } from "./parse-test-reports.js";
export { assessSignoffs, type Signoff, type SignoffAssessment } from "./assess-signoffs.js";
export { aggregateRisks, type RiskProfile, type SystemRisk } from "./aggregate-risks.js";
export { buildReadinessChecklist, type ChecklistInput, type ChecklistModel } from "./readiness-checklist.js";
export { readinessFindings, needsReadinessGate, renderReadinessReport } from "./readiness-findings.js";
export { phaseApproval, type PhaseApproval } from "./phase-approval.js";
export { signoffsFromEvents, SIGNOFF_NOTE_KIND, type SignoffScope } from "./signoffs-from-events.js";
export { boundFeatureReport, boundFeature } from "./record-bounds.js";
