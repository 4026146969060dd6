/**
 * release-notes.md (spec 2.11.2) from the model step 2.2 recorded: user-facing highlights per
 * feature, breaking changes, migration and known issues from the features' readiness documents,
 * then what the commits add. Pure: only the log is read.
 */
import type { ReleaseNotesModel } from "../../intel/release-notes-model.js";
import { renderReleaseNotes } from "../../intel/render-release-notes-md.js";
import { stepResult, type DocContext } from "./doc-context.js";
import { header, stepsSection } from "./render-common.js";
import { releaseRecord } from "./render-changelog.js";

export function renderReleaseNotesDoc(ctx: DocContext): string {
  const model = stepResult(ctx, "2.2")?.releaseNotes as ReleaseNotesModel | undefined;
  if (!model || !Array.isArray(model.features)) {
    return [
      header(ctx, "Release Notes"),
      stepsSection(ctx, ["2.1", "2.2"]),
      releaseRecord(ctx, 2, "The release notes were"),
    ].join("\n");
  }
  return [renderReleaseNotes(model), releaseRecord(ctx, 2, "The release notes were")].join("\n");
}
