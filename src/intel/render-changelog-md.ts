/**
 * changelog.md from the changelog model (spec 2.11.1), developer-facing, Keep a Changelog style:
 * breaking changes and migration first, then one section per change type, scopes grouped, each
 * line with its short commit id and author, the previous version named. Pure: the model is all.
 */
import { markdownCode, markdownText } from "../core/safe-text.js";
import type { ChangeEntry, ChangelogModel } from "./changelog-model.js";

/** One line of markdown from repository text (commits, readiness documents, folder names): no line breaks, HTML, escapes or table breakers. */
export const inline = markdownText;

function line(e: ChangeEntry, withScope = true): string {
  const scope = withScope && e.scope ? `**${inline(e.scope)}:** ` : "";
  return `- ${scope}${inline(e.description)} (\`${e.commit}\`, ${inline(e.author)})`;
}

/** Renders changelog.md. Example: `renderChangelog(model).startsWith("# Changelog")`. */
export function renderChangelog(model: ChangelogModel): string {
  const v = model.version.replace(/^v/, "");
  const c = model.counts;
  const out: string[] = [
    "# Changelog",
    "",
    "All notable changes of this release, from its commits and its features' readiness documents. The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/); commits follow [Conventional Commits](https://www.conventionalcommits.org/en/v1.0.0/).",
    "",
    `## [${v}] - ${model.date}`,
    "",
    model.previous
      ? `Changes since **${inline(model.previous)}** (\`${markdownCode(model.range)}\`): ${c.commits} commit(s), ${c.merges} merge(s), ${c.changes} change(s) listed, ${c.reverted} reverted.`
      : `First release: every commit up to \`${markdownCode(model.range)}\`: ${c.commits} commit(s), ${c.merges} merge(s), ${c.changes} change(s) listed, ${c.reverted} reverted.`,
    "",
  ];
  if (model.breaking.length > 0) {
    out.push("### ⚠ BREAKING CHANGES", "");
    for (const b of model.breaking) {
      out.push(line(b));
      for (const n of b.notes) if (n !== b.description) out.push(`  - ${inline(n)}`);
    }
    if (c.breaking > model.breaking.length)
      out.push(`- … and ${c.breaking - model.breaking.length} more breaking change(s) not listed here`);
    out.push("");
  }
  if (model.migration.length > 0) {
    out.push("### Migration", "");
    for (const m of model.migration) out.push(`- ${inline(m.text)} (${inline(m.source)})`);
    out.push("");
  }
  for (const g of model.groups) {
    out.push(`### ${g.title}`, "");
    for (const s of g.scopes) for (const e of s.entries) out.push(line(e));
    if (g.omitted > 0)
      out.push(`- … and ${g.omitted} more not listed here (see \`git log ${markdownCode(model.range)}\`)`);
    out.push("");
  }
  if (model.reverted.length > 0) {
    out.push(
      "### Reverted within this release",
      "",
      "Made and undone between the two versions; not part of the release:",
      "",
    );
    for (const r of model.reverted)
      out.push(`- ${inline(r.description)} (\`${r.sha}\`, reverted by \`${r.revertedBy}\`)`);
    out.push("");
  }
  if (model.groups.length === 0 && model.breaking.length === 0)
    out.push("No changes were found in the commits of this range.", "");
  out.push(model.previous ? `[${v}]: ${inline(model.range)}` : `[${v}]: first release`, "");
  return out.join("\n");
}
