/**
 * Spec 2.3: the release's scope against the previous release — commits, files, lines, features
 * touched, by scope category (feature, integration, infrastructure, business; globs from config,
 * matched with core/scope-fingerprint's matcher). Pure and bounded (at most 50 paths listed per
 * category; the counts cover all).
 */
import {
  createCategorizer,
  DEFAULT_SCOPE_CATEGORIES,
  normalisePath,
  SCOPE_CATEGORY_ORDER,
  type ScopeCategories,
  type ScopeCategory,
} from "../core/scope-fingerprint.js";

export interface FileStat {
  path: string;
  added: number;
  deleted: number;
  binary: boolean;
}

export interface CategoryScope {
  files: number;
  added: number;
  deleted: number;
  binary: number;
  /** Share of all changed lines (added + deleted; a binary file counts as one line), in percent. */
  percent: number;
  paths: string[];
}

export interface ScopeAssessment {
  range: string;
  commits: number;
  files: number;
  linesAdded: number;
  linesDeleted: number;
  binaryFiles: number;
  byCategory: Record<ScopeCategory, CategoryScope>;
  /** Features whose folder changed, or whose name a commit scope names. */
  features: string[];
}

export interface ScopeInput {
  range: string;
  commits: number;
  files: readonly FileStat[];
  /** Partial lists replace the defaults of their category only. */
  categories?: Partial<ScopeCategories>;
  /** Known features: name and repository-relative folder. */
  features?: readonly { name: string; path: string }[];
  /** Scopes of the range's conventional commits. */
  commitScopes?: readonly (string | null)[];
  maxPaths?: number;
}

/** Merges configured category globs over the defaults. */
export function scopeCategories(
  partial: Partial<Record<ScopeCategory, readonly string[] | undefined>> = {},
): ScopeCategories {
  const out = { ...DEFAULT_SCOPE_CATEGORIES };
  for (const k of SCOPE_CATEGORY_ORDER) if (partial[k]) out[k] = [...partial[k]];
  return out;
}

/** Assesses the scope. Example: `assessScope({range: "v1.0.0..HEAD", commits: 3, files}).byCategory.infrastructure.files`. */
export function assessScope(input: ScopeInput): ScopeAssessment {
  const max = input.maxPaths ?? 50;
  const categorize = createCategorizer(scopeCategories(input.categories));
  const byCategory = Object.fromEntries(
    SCOPE_CATEGORY_ORDER.map((c) => [
      c,
      { files: 0, added: 0, deleted: 0, binary: 0, percent: 0, paths: [] as string[] },
    ]),
  ) as Record<ScopeCategory, CategoryScope>;
  let added = 0;
  let deleted = 0;
  let binary = 0;
  const touched = new Set<string>();
  const features = [...(input.features ?? [])].map((f) => ({
    name: f.name,
    prefix: `${normalisePath(f.path).replace(/\/+$/, "")}/`,
  }));
  for (const f of input.files) {
    const path = normalisePath(f.path);
    const cat = byCategory[categorize(path)];
    cat.files++;
    cat.added += f.added;
    cat.deleted += f.deleted;
    if (cat.paths.length < max) cat.paths.push(path);
    added += f.added;
    deleted += f.deleted;
    if (f.binary) {
      binary++;
      cat.binary++;
    }
    for (const ft of features) if (path.startsWith(ft.prefix)) touched.add(ft.name);
  }
  const names = new Map(features.map((f) => [f.name.toLowerCase(), f.name]));
  for (const s of input.commitScopes ?? []) {
    const hit = s ? names.get(s.toLowerCase()) : undefined;
    if (hit) touched.add(hit);
  }
  const weight = (c: CategoryScope): number => c.added + c.deleted + c.binary;
  const total = Math.max(1, added + deleted + binary);
  for (const c of Object.values(byCategory)) c.percent = Math.round((weight(c) / total) * 10000) / 100;
  return {
    range: input.range,
    commits: input.commits,
    files: input.files.length,
    linesAdded: added,
    linesDeleted: deleted,
    binaryFiles: binary,
    byCategory,
    features: [...touched].sort(),
  };
}

/** Parses `git diff --numstat -z --no-renames` output. */
export function parseNumstat(out: string): FileStat[] {
  const files: FileStat[] = [];
  for (const rec of out.split("\0")) {
    const m = /^\n?(-|\d+)\t(-|\d+)\t(.+)$/s.exec(rec);
    if (!m) continue;
    const bin = m[1] === "-" || m[2] === "-";
    files.push({ path: m[3]!, added: bin ? 0 : Number(m[1]), deleted: bin ? 0 : Number(m[2]), binary: bin });
  }
  return files;
}
