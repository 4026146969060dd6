/**
 * release-notes.md from the release-notes model (spec 2.11.2), user-facing: highlights per
 * feature, breaking changes, migration, known issues (from the readiness documents), then what
 * the commits add. Pure: the model is all.
 */
import type { NoteLine, ReleaseNotesModel } from "./release-notes-model.js";
import { inline } from "./render-changelog-md.js";

function bullet(n: NoteLine, showSource: boolean): string {
  return `- ${inline(n.text)}${showSource ? ` (${inline(n.source)})` : ""}`;
}

/** Renders release-notes.md. Example: `renderReleaseNotes(model).includes("## Breaking Changes")`. */
export function renderReleaseNotes(model: ReleaseNotesModel): string {
  const v = model.version.replace(/^v/, "");
  const out: string[] = [
    `# Release Notes — v${v}`,
    "",
    `**Version**: v${v}  `,
    `**Release Date**: ${model.date}  `,
    `**Previous Version**: ${model.previous ? inline(model.previous) : "none (first release)"}  `,
    ...(model.environment ? [`**Target Environment**: ${inline(model.environment)}  `] : []),
    "",
    "## Highlights",
    "",
  ];
  if (model.features.length === 0 && model.fromCommits.features.length === 0)
    out.push("This release brings fixes and maintenance; no new features are announced.", "");
  for (const f of model.features) {
    out.push(`### ${inline(f.name)}${f.waived ? " (released under a HUM LEAD waiver)" : ""}`, "");
    for (const t of f.newFeatures) out.push(`- ${inline(t)}`);
    if (f.enhancements.length) out.push("", "**Enhancements**", "", ...f.enhancements.map((t) => `- ${inline(t)}`));
    if (f.bugFixes.length) out.push("", "**Bug fixes**", "", ...f.bugFixes.map((t) => `- ${inline(t)}`));
    if (f.deploymentMethod) out.push("", `_Rollout: ${inline(f.deploymentMethod)}._`);
    out.push("");
  }
  out.push("## Breaking Changes", "");
  if (model.breaking.length === 0) out.push("None.", "");
  else out.push(...model.breaking.map((b) => bullet(b, true)), "");
  out.push("## Migration", "");
  if (model.migration.length === 0)
    out.push(
      model.breaking.length
        ? "No migration steps are documented for the breaking changes above; see the changelog."
        : "No migration is needed.",
      "",
    );
  else out.push(...model.migration.map((m) => bullet(m, true)), "");
  out.push("## Known Issues", "");
  if (model.knownIssues.length === 0) out.push("None known.", "");
  else out.push(...model.knownIssues.map((k) => bullet(k, true)), "");
  if (model.fromCommits.features.length || model.fromCommits.fixes.length) {
    out.push("## All changes", "");
    if (model.fromCommits.features.length)
      out.push("**New**", "", ...model.fromCommits.features.map((n) => bullet(n, false)), "");
    if (model.fromCommits.fixes.length)
      out.push("**Fixed**", "", ...model.fromCommits.fixes.map((n) => bullet(n, false)), "");
    if (model.fromCommits.omitted > 0) out.push(`… and ${model.fromCommits.omitted} more in the changelog.`, "");
  }
  return out.join("\n");
}
