/**
 * The "What's New" text of an App Store release, per locale — one place decides it for the check
 * at 2.10 and for 6.1: a locale's file (`appStore.whatsNew`, `{locale}` and `{version}`
 * substituted) when it exists, else, for the first locale only, the release notes (2.2's model)
 * as plain text. A locale without text, or with more than Apple's 4000 characters, is a critical
 * finding at 2.10: App Store Connect would refuse the submission after two approvals.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { AppStoreTargetConfig } from "../config/schema-app-store.js";
import type { Finding } from "../core/events.js";
import type { StepContext } from "../engine/step-types.js";
import type { ReleaseNotesModel } from "../intel/release-notes-model.js";

/** Apple's limit on "What's New", in characters. */
export const WHATS_NEW_MAX = 4000;

export interface WhatsNewText {
  locale: string;
  text: string | null;
  /** Where it came from: the locale's file, or "release notes". */
  source: string;
}

/** The release notes as the plain text App Store users read (no Markdown). Pure. */
export function whatsNewFromNotes(m: ReleaseNotesModel): string {
  const lines: string[] = [];
  for (const f of m.features)
    for (const t of [...f.newFeatures, ...f.enhancements, ...f.bugFixes]) lines.push(`• ${t}`);
  if (lines.length === 0)
    for (const n of [...m.fromCommits.features, ...m.fromCommits.fixes]) lines.push(`• ${n.text}`);
  for (const b of m.breaking) lines.push(`• ${b.text}`);
  return lines.length ? lines.join("\n") : "Bug fixes and improvements.";
}

/** The text of every configured locale. */
export function whatsNewTexts(
  ctx: Pick<StepContext, "root" | "state">,
  cfg: Pick<AppStoreTargetConfig, "locales" | "whatsNew">,
): WhatsNewText[] {
  const notes = ctx.state.steps["2.2"]?.result?.["releaseNotes"] as ReleaseNotesModel | undefined;
  return cfg.locales.map((locale, i) => {
    if (cfg.whatsNew) {
      const rel = cfg.whatsNew.replace(/\{locale\}/g, locale).replace(/\{version\}/g, ctx.state.version);
      const file = isAbsolute(rel) ? rel : join(ctx.root, rel);
      if (existsSync(file)) return { locale, text: readFileSync(file, "utf8").trim(), source: rel };
    }
    if (i === 0 && notes) return { locale, text: whatsNewFromNotes(notes), source: "release notes" };
    return { locale, text: null, source: cfg.whatsNew ? cfg.whatsNew.replace(/\{locale\}/g, locale) : "none" };
  });
}

/** Characters as App Store Connect counts them (code points). */
const length = (s: string): number => [...s].length;

/** The critical findings of the texts (missing, empty, too long). Pure. */
export function whatsNewFindings(texts: readonly WhatsNewText[]): Finding[] {
  const out: Finding[] = [];
  for (const t of texts) {
    if (t.text === null || t.text.trim() === "")
      out.push({
        severity: "critical",
        code: "APP_STORE_WHATS_NEW_MISSING",
        message: `The App Store "What's New" of ${t.locale} is missing${t.text === null ? ` (no ${t.source})` : " (empty)"}: App Store Connect refuses to submit a version without it. Write it, or remove ${t.locale} from appStore.locales.`,
        source: "appStore.whatsNew",
      });
    else if (length(t.text) > WHATS_NEW_MAX)
      out.push({
        severity: "critical",
        code: "APP_STORE_WHATS_NEW_TOO_LONG",
        message: `The App Store "What's New" of ${t.locale} (${t.source}) has ${length(t.text)} characters; App Store Connect accepts at most ${WHATS_NEW_MAX}. Shorten it.`,
        source: "appStore.whatsNew",
      });
  }
  return out;
}

/** The 2.10 check for a release whose environment has an App Store target (none otherwise). */
export function appStoreMetadataFindings(ctx: Pick<StepContext, "root" | "state" | "config">): Finding[] {
  const cfg = ctx.config.environments[ctx.state.environment]?.appStore;
  return cfg ? whatsNewFindings(whatsNewTexts(ctx, cfg)) : [];
}
