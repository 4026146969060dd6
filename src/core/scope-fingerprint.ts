/**
 * What an approval binds to (a scope fingerprint), and which scope category each path falls in.
 * Pure: the engine gathers the facts (git blob hashes, line counts, artifact sha256, the config
 * hash); this file only describes them and sorts paths with a tiny glob matcher.
 */
import { BrtopsError } from "./errors.js";

/** The facts an approval was given on; compared later by `measureDeviation`. */
export interface ScopeFingerprint {
  commit: string;
  /** path -> blob hash (or content hash) of each tracked file in scope. */
  files: Record<string, string>;
  /** path -> line count; when absent every file weighs the same. */
  lines?: Record<string, number>;
  /** artifact name -> sha256. */
  artifacts: Record<string, string>;
  features: string[];
  /** Hash of the normalised config (e.g. sha256 of its canonical JSON). */
  config: string;
}

/** The spec's four scope categories, in the order a path is tried against them. */
export const SCOPE_CATEGORY_ORDER = ["infrastructure", "integration", "business", "feature"] as const;
export type ScopeCategory = (typeof SCOPE_CATEGORY_ORDER)[number];

/** Glob lists per category; the first category (in SCOPE_CATEGORY_ORDER) with a matching glob wins. */
export interface ScopeCategories {
  feature: string[];
  integration: string[];
  infrastructure: string[];
  business: string[];
}

/** Defaults for a BRTOPS repository; a path matching nothing counts as feature scope. */
export const DEFAULT_SCOPE_CATEGORIES: ScopeCategories = {
  infrastructure: [
    "infra/**",
    "infrastructure/**",
    "deploy/**",
    "deployment/**",
    "ops/**",
    "k8s/**",
    "helm/**",
    "terraform/**",
    "**/Dockerfile",
    "**/Dockerfile.*",
    "**/docker-compose*.{yml,yaml}",
    "**/*.tf",
    "**/*.tfvars",
    ".github/**",
    ".gitlab-ci.yml",
    "scripts/deploy*",
    "scripts/release*",
    "**/migrations/**",
    "brtops.config.yaml",
    "package.json",
    "{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml}",
  ],
  integration: [
    "src/api/**",
    "**/api/**",
    "**/integrations/**",
    "**/adapters/**",
    "**/clients/**",
    "**/*.proto",
    "**/openapi*.{json,yml,yaml}",
    "**/*.graphql",
  ],
  business: ["docs/01_application/**", "**/business/**", "**/i18n/**", "**/locales/**"],
  feature: ["docs/02_features/**", "src/**", "lib/**", "app/**"],
};

/** Turns backslashes into slashes and drops a leading "./" so globs see one path shape. */
export function normalisePath(path: string): string {
  return path.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
}

/**
 * Compiles a glob to a predicate. Supports `**` (any number of folders, zero included), `*` and
 * `?` (within one path segment), `{a,b}` (alternatives, nestable) and `\` escapes. Dotfiles are
 * matched like any other name: `.github/**` must be written out, but `**` does reach into `.x/`.
 */
export function compileGlob(glob: string): (path: string) => boolean {
  const re = globRegExp(glob);
  return (path) => re.test(normalisePath(path));
}

/** The glob as an anchored RegExp over normalised paths. */
export function globRegExp(glob: string): RegExp {
  // Backslashes in a glob are escapes, so only the "./" prefix is dropped from it.
  return new RegExp(`^${globToRegExpSource(glob.replace(/^(\.\/)+/, ""))}$`);
}

/** True when the path matches the glob (see compileGlob for the syntax). */
export function matchGlob(glob: string, path: string): boolean {
  return compileGlob(glob)(path);
}

function globToRegExpSource(glob: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "\\") {
      const next = glob[i + 1];
      if (next === undefined) throw invalidGlob(glob, "it ends with a lone \\");
      out += escapeRe(next);
      i++;
    } else if (c === "*") {
      if (glob[i + 1] === "*") {
        const atSegmentStart = i === 0 || glob[i - 1] === "/" || glob[i - 1] === "{" || glob[i - 1] === ",";
        const afterIsSlash = glob[i + 2] === "/";
        const atEnd = i + 2 === glob.length || glob[i + 2] === "}" || glob[i + 2] === ",";
        if (atSegmentStart && afterIsSlash) {
          out += "(?:[^/]*/)*"; // "**/" — zero or more whole folders
          i += 2;
        } else if (atSegmentStart && atEnd) {
          out += ".*";
          i += 1;
        } else {
          out += "[^/]*"; // "a**b" is just a star within a segment
          i += 1;
        }
      } else {
        out += "[^/]*";
      }
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "{") {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) {
      out += "|";
    } else {
      out += escapeRe(c);
    }
  }
  if (depth !== 0) throw invalidGlob(glob, "a { has no closing }");
  return out;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function invalidGlob(glob: string, why: string): BrtopsError {
  return new BrtopsError("E_GLOB_INVALID", `The scope glob "${glob}" is not valid: ${why}.`, {
    hint: "Use **, *, ?, {a,b} and \\ to escape; check the scope categories in brtops.config.yaml.",
    details: { glob },
  });
}

/** Compiles the category lists once; the returned function gives a path's category. */
export function createCategorizer(
  categories: ScopeCategories = DEFAULT_SCOPE_CATEGORIES,
): (path: string) => ScopeCategory {
  const compiled = SCOPE_CATEGORY_ORDER.map((cat) => ({ cat, res: categories[cat].map(globRegExp) }));
  return (path) => {
    const p = normalisePath(path);
    for (const { cat, res } of compiled) if (res.some((re) => re.test(p))) return cat;
    // Anything not named elsewhere is ordinary product change.
    return "feature";
  };
}
