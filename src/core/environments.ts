/**
 * Release targets ("environments") and the names people use for them. A catalog joins the spec's
 * built-in targets with the project's configured ones; names match case-insensitively and
 * ignoring spaces, hyphens and underscores ("docker hub" = "Docker-Hub" = "dockerhub").
 */
import { BrtopsError } from "./errors.js";

/** Built-in targets of the spec, canonical name → aliases as people write them. */
export const BUILTIN_ENVIRONMENTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  production: Object.freeze(["Production", "Prod", "Live"]),
  staging: Object.freeze(["Staging", "Stage", "UAT"]),
  testing: Object.freeze(["Testing", "QA", "Beta"]),
  github: Object.freeze(["GitHub"]),
  npm: Object.freeze(["NPM"]),
  "docker-hub": Object.freeze(["Docker Hub", "dockerhub"]),
  "app-store": Object.freeze(["App Store", "appstore"]),
});

/** Known environments: canonical names in order, and every normalised name → its canonical name. */
export interface EnvironmentCatalog {
  readonly canonical: readonly string[];
  readonly byAlias: ReadonlyMap<string, string>;
  /** Canonical name → aliases as written, for messages; absent on hand-made catalogs. */
  readonly aliasesOf?: ReadonlyMap<string, readonly string[]>;
}

/** The matching key of an environment name: "Docker-Hub" → "dockerhub". */
export function normalizeEnvironmentName(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_-]+/g, "");
}

// Priority when two names collide: the project's own names win over the spec's built-ins.
const Rank = { configuredName: 0, configuredAlias: 1, builtinName: 2, builtinAlias: 3 } as const;
type RankValue = (typeof Rank)[keyof typeof Rank];

interface Entry {
  canonical: string;
  rank: RankValue;
}

/**
 * Built-ins plus the project's `environments:` (same canonical name: aliases are merged).
 * Throws E_CONFIG_INVALID when two configured environments claim the same name.
 * @example buildEnvironmentCatalog({ "eu-west": { aliases: ["Europe"] } }).byAlias.get("europe") // "eu-west"
 */
export function buildEnvironmentCatalog(
  configured: Readonly<Record<string, { aliases?: readonly string[] }>> = {},
): EnvironmentCatalog {
  const names: { canonical: string; display: string; rank: RankValue }[] = [];
  for (const [canonical, cfg] of Object.entries(configured)) {
    names.push({ canonical, display: canonical, rank: Rank.configuredName });
    for (const alias of cfg.aliases ?? []) names.push({ canonical, display: alias, rank: Rank.configuredAlias });
  }
  for (const [canonical, aliases] of Object.entries(BUILTIN_ENVIRONMENTS)) {
    names.push({ canonical, display: canonical, rank: Rank.builtinName });
    for (const alias of aliases) names.push({ canonical, display: alias, rank: Rank.builtinAlias });
  }
  names.sort((a, b) => a.rank - b.rank); // stable: declaration order kept within a rank

  const entries = new Map<string, Entry>();
  for (const { canonical, display, rank } of names) {
    const key = normalizeEnvironmentName(display);
    if (key === "") {
      throw new BrtopsError("E_CONFIG_INVALID", `Environment "${canonical}" has an empty name or alias.`, {
        hint: "Give every environment and alias at least one letter or digit.",
        details: { environment: canonical },
      });
    }
    const existing = entries.get(key);
    if (existing === undefined) {
      entries.set(key, { canonical, rank });
    } else if (existing.canonical !== canonical && rank <= Rank.configuredAlias) {
      throw new BrtopsError(
        "E_CONFIG_INVALID",
        `Environments "${existing.canonical}" and "${canonical}" both answer to "${display}".`,
        {
          hint: "Give each environment its own aliases in brtops.config.yaml.",
          details: { alias: display, environments: [existing.canonical, canonical] },
        },
      );
    }
  }

  const order = [...Object.keys(BUILTIN_ENVIRONMENTS), ...Object.keys(configured)];
  const byAlias = new Map<string, string>();
  for (const [key, entry] of entries) byAlias.set(key, entry.canonical);
  const reachable = new Set(byAlias.values());
  // A built-in whose every name the project took over is no longer a target.
  const canonical = [...new Set(order)].filter((c) => reachable.has(c));
  const aliasesOf = new Map<string, string[]>();
  for (const c of canonical) aliasesOf.set(c, []);
  for (const { canonical: c, display } of names) {
    const key = normalizeEnvironmentName(display);
    const list = aliasesOf.get(c);
    // "Docker Hub" is worth showing beside docker-hub; "Production" beside production is not.
    const same = (d: string): boolean => d.toLowerCase() === display.toLowerCase();
    if (list === undefined || byAlias.get(key) !== c || same(c) || list.some(same)) continue;
    list.push(display);
  }
  return { canonical: Object.freeze(canonical), byAlias, aliasesOf };
}

/**
 * The canonical name of an environment, by its name or any alias.
 * Throws E_ENVIRONMENT_UNKNOWN listing the known environments and the closest one.
 * @example resolveEnvironment("Docker Hub", buildEnvironmentCatalog()) // "docker-hub"
 */
export function resolveEnvironment(name: string, catalog: EnvironmentCatalog): string {
  const key = normalizeEnvironmentName(name);
  const hit =
    key === ""
      ? undefined
      : (catalog.byAlias.get(key) ?? catalog.canonical.find((c) => normalizeEnvironmentName(c) === key));
  if (hit !== undefined) return hit;

  const closest = closestEnvironment(key, catalog);
  const known = catalog.canonical.map((c) => {
    const aliases = aliasesFor(c, catalog);
    return aliases.length === 0 ? c : `${c} (${aliases.join(", ")})`;
  });
  const what = key === "" ? "No environment was named." : `Unknown environment "${previewText(name)}".`;
  throw new BrtopsError(
    "E_ENVIRONMENT_UNKNOWN",
    `${what}${closest === undefined ? "" : ` Did you mean ${closest}?`} Known environments: ${known.join(", ")}.`,
    {
      hint: "Name one of the known environments, or add yours under environments: in brtops.config.yaml.",
      details: {
        given: previewText(name),
        known: [...catalog.canonical],
        ...(closest === undefined ? {} : { closest }),
        aliases: Object.fromEntries(catalog.canonical.map((c) => [c, aliasesFor(c, catalog)])),
      },
    },
  );
}

function aliasesFor(canonical: string, catalog: EnvironmentCatalog): readonly string[] {
  const written = catalog.aliasesOf?.get(canonical);
  if (written !== undefined) return written;
  const own = normalizeEnvironmentName(canonical);
  return [...catalog.byAlias].filter(([k, c]) => c === canonical && k !== own).map(([k]) => k);
}

const MAX_SUGGEST_LENGTH = 64;

/** The known environment nearest to a mistyped name (typo or prefix), if any is near enough. */
function closestEnvironment(key: string, catalog: EnvironmentCatalog): string | undefined {
  if (key.length === 0 || key.length > MAX_SUGGEST_LENGTH) return undefined;
  let best: { canonical: string; score: number } | undefined;
  const candidates: [string, string][] = [
    ...catalog.byAlias,
    ...catalog.canonical.map((c): [string, string] => [normalizeEnvironmentName(c), c]),
  ];
  for (const [alias, canonical] of candidates) {
    let score = editDistance(key, alias);
    if (key.length >= 3 && (alias.startsWith(key) || key.startsWith(alias))) score = Math.min(score, 1);
    const limit = Math.max(1, Math.floor(Math.max(key.length, alias.length) / 3));
    if (score <= limit && score < Math.max(key.length, 2) && (best === undefined || score < best.score))
      best = { canonical, score };
  }
  return best?.canonical;
}

/**
 * Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`.
 * Callers bound the lengths: the cost is |a|·|b|.
 * @example editDistance("prdo", "prod") // 1
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const up = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * User text made safe to quote in a message: control and bidi characters replaced, cut to `max`.
 * @example previewText("a\u001b[31m") // "a?[31m"
 */
export function previewText(text: string, max = 80): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "?");
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}
