/**
 * What steps record of large intel results: the same shapes, cut to a bounded size so that one
 * event stays small (StepSucceeded.result must be JSON and bounded). Cuts are counted, never silent.
 */
import type { FeatureReadiness, FeatureReport } from "./feature-types.js";

const LIST = 20;

function cut<T>(items: readonly T[], max = LIST): T[] {
  return items.slice(0, max);
}

/** One feature as recorded: its lists cut to 20 items each. */
export function boundFeature(f: FeatureReadiness): FeatureReadiness {
  return {
    ...f,
    failed: cut(f.failed),
    pending: cut(f.pending),
    risks: cut(f.risks),
    breakingChanges: cut(f.breakingChanges),
    knownIssues: cut(f.knownIssues),
    notes: {
      newFeatures: cut(f.notes.newFeatures),
      enhancements: cut(f.notes.enhancements),
      bugFixes: cut(f.notes.bugFixes),
      breakingChanges: cut(f.notes.breakingChanges),
      migration: cut(f.notes.migration),
      knownIssues: cut(f.notes.knownIssues),
    },
    contradictions: cut(f.contradictions, 10),
    files: cut(f.files),
    remarks: cut(f.remarks, 10),
  };
}

/** The feature report as recorded: at most `maxFeatures` features in full (bounded), the rest counted. */
export function boundFeatureReport(r: FeatureReport, maxFeatures = 300): FeatureReport & { featuresOmitted: number } {
  return {
    ...r,
    features: r.features.slice(0, maxFeatures).map(boundFeature),
    checks: r.checks.map((c) => ({ ...c, features: cut(c.features, 50) })),
    remarks: cut(r.remarks),
    featuresOmitted: Math.max(0, r.features.length - maxFeatures),
  };
}
