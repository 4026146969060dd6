/**
 * The release-notes model (spec 2.2/2.11): user-facing content gathered from the features'
 * readiness documents (highlights, breaking changes, migration, known issues), completed with the
 * commits' features and fixes where no document speaks for them. JSON-serialisable; pure.
 */
import type { Change } from "./conventional-commit.js";
import type { FeatureReadiness } from "./feature-types.js";
import { countOfTypes, summarizeChanges } from "./change-summary.js";

export interface NoteLine {
  text: string;
  /** A feature name, or a commit id for lines taken from commits. */
  source: string;
}

export interface FeatureHighlights {
  name: string;
  newFeatures: string[];
  enhancements: string[];
  bugFixes: string[];
  /** How it is rolled out, when its documents say. */
  deploymentMethod: string | null;
  waived: boolean;
}

export interface ReleaseNotesModel {
  version: string;
  previous: string | null;
  date: string;
  environment: string | null;
  features: FeatureHighlights[];
  /** Commit features and fixes (conventional feat/fix/perf) — shown when features say little. */
  fromCommits: { features: NoteLine[]; fixes: NoteLine[]; omitted: number };
  breaking: NoteLine[];
  migration: NoteLine[];
  knownIssues: NoteLine[];
}

export interface ReleaseNotesInput {
  version: string;
  previous: string | null;
  date: string;
  environment?: string | null;
  features: readonly Pick<FeatureReadiness, "name" | "notes" | "deploymentMethod" | "waived">[];
  changes?: readonly Change[];
  maxCommitLines?: number;
}

/** Builds the model. Example: `buildReleaseNotesModel({version: "2.1.0", previous: "v2.0.0", date, features}).breaking[0].text`. */
export function buildReleaseNotesModel(input: ReleaseNotesInput): ReleaseNotesModel {
  const max = input.maxCommitLines ?? 100;
  const texts = (items: { text: string }[]): string[] => items.map((i) => i.text);
  const features: FeatureHighlights[] = input.features
    .map((f) => ({
      name: f.name,
      newFeatures: texts(f.notes.newFeatures),
      enhancements: texts(f.notes.enhancements),
      bugFixes: texts(f.notes.bugFixes),
      deploymentMethod: f.deploymentMethod,
      waived: f.waived === true,
    }))
    .filter((f) => f.newFeatures.length + f.enhancements.length + f.bugFixes.length > 0 || f.waived);
  const fromFeatures = (key: "breakingChanges" | "migration" | "knownIssues"): NoteLine[] =>
    input.features.flatMap((f) => f.notes[key].map((i) => ({ text: i.text, source: f.name })));

  const changes = input.changes ?? [];
  const commitLine = (c: Change): NoteLine => ({
    text: c.scope ? `${c.scope}: ${c.description}` : c.description,
    source: c.sha.slice(0, 7),
  });
  // Oldest first reads like a story; git gives newest first. The oldest `max` of each are listed
  // (found walking from the oldest until both are full), the rest counted.
  const summary = summarizeChanges(changes);
  const featCount = countOfTypes(summary, "feat");
  const fixCount = countOfTypes(summary, "fix", "perf");
  const feats: Change[] = [];
  const fixes: Change[] = [];
  const featsWanted = Math.min(max, featCount);
  const fixesWanted = Math.min(max, fixCount);
  for (let i = changes.length - 1; i >= 0 && (feats.length < featsWanted || fixes.length < fixesWanted); i--) {
    const c = changes[i]!;
    if (c.type === "feat") {
      if (feats.length < max) feats.push(c);
    } else if (c.type === "fix" || c.type === "perf") {
      if (fixes.length < max) fixes.push(c);
    }
  }
  const breaking = [...fromFeatures("breakingChanges")];
  for (const i of summary.breaking) {
    if (breaking.length >= 200) break;
    const c = changes[i]!;
    const notes = c.breakingNotes.filter((n) => n !== c.description);
    breaking.push({
      text: notes.length ? `${commitLine(c).text} — ${notes.join(" ")}` : commitLine(c).text,
      source: c.sha.slice(0, 7),
    });
  }
  return {
    version: input.version,
    previous: input.previous,
    date: input.date,
    environment: input.environment ?? null,
    features,
    fromCommits: {
      features: feats.map(commitLine),
      fixes: fixes.map(commitLine),
      omitted: Math.max(0, featCount - max) + Math.max(0, fixCount - max),
    },
    breaking: breaking.slice(0, 200),
    migration: fromFeatures("migration").slice(0, 200),
    knownIssues: fromFeatures("knownIssues").slice(0, 200),
  };
}
