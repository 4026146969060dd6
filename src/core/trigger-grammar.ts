/**
 * The BRTOPS trigger grammar: the phrases of the spec's "Release Trigger Pattern Recognition" and
 * "Integration with BRTOPS Commands" sections, read into a command, a version or version type,
 * and a canonical environment.
 *
 * Matching works on whitespace-separated tokens with fixed anchor words ("RELEASE", "to", "cut"…)
 * and no backtracking, so any input is read in linear time. The version slot is loose (everything
 * between its anchors) and validated afterwards: "RELEASE 1.0.0/../x to Staging" is a recognised
 * form with a bad version (E_VERSION_INVALID), not an unknown phrase.
 *
 * Tolerated everywhere: any case, a "v" or not, extra spaces, straight/curly quotes around the
 * phrase or its words, trailing . ! ? … and commas. Tolerated variants, each reported as the spec
 * form it belongs to:
 * - "RELEASE [version] {v} to {t}"; "[This is great,] let's|lets cut a {v} release to {t}";
 *   "[It's] time to ship [version] {v} to {t}"; each of these also takes major | minor | patch.
 * - "INIT RELEASE {v} [to {t}]"; "GO RELEASE [{v} to {t}]".
 * - "SITREP [RELEASE]", "RELEASE SITREP", "[RELEASE] STATUS", "DEPLOYMENT|DEPLOY STATUS".
 * - "RELEASE ROLLBACK|PAUSE|RESUME|ABORT|VALIDATE" and the verb first ("ROLLBACK RELEASE");
 *   "ROLL BACK" = "ROLLBACK". The verb alone is not accepted: acting on a release must say so.
 * - status and management commands take an optional version naming the release ("RELEASE STATUS v2.1.0").
 * Not accepted: arrows instead of "to", a release request without "to {target}".
 */
import { BrtopsError, isBrtopsError } from "./errors.js";
import { buildEnvironmentCatalog, editDistance, previewText, resolveEnvironment } from "./environments.js";
import type { EnvironmentCatalog } from "./environments.js";
import { parseVersionOrThrow } from "./version-syntax.js";

/** Every command a trigger can name. */
export const TRIGGER_COMMANDS = [
  "release",
  "init",
  "go",
  "sitrep",
  "status",
  "deployment-status",
  "rollback",
  "pause",
  "resume",
  "abort",
  "validate",
] as const;
export type TriggerCommand = (typeof TRIGGER_COMMANDS)[number];

/** Words that stand for the next version instead of naming it. */
export const VERSION_TYPES = ["major", "minor", "patch"] as const;
export type VersionType = (typeof VERSION_TYPES)[number];

/** A recognised trigger phrase. */
export interface ParsedTrigger {
  command: TriggerCommand;
  /** Without the "v": "2.1.0". */
  version?: string;
  versionType?: VersionType;
  /** Canonical name: "production". */
  environment?: string;
  /** The supported form matched, e.g. "RELEASE v{version} to {target}". */
  form: string;
  input: string;
}

/** Phrases longer than this are refused before any matching. */
export const MAX_TRIGGER_LENGTH = 1000;

const F = {
  release: "RELEASE v{version} to {target}",
  releaseType: "RELEASE {version-type} to {environment}",
  cut: "This is great, let's cut a {version} release to {target}",
  ship: "Time to ship version {version} to {target}",
  init: "INIT RELEASE v{version}",
  go: "GO RELEASE",
  sitrep: "SITREP RELEASE",
  status: "RELEASE STATUS",
  deploymentStatus: "DEPLOYMENT STATUS",
  rollback: "RELEASE ROLLBACK",
  pause: "RELEASE PAUSE",
  resume: "RELEASE RESUME",
  abort: "RELEASE ABORT",
  validate: "RELEASE VALIDATE",
} as const;

/** The spec's trigger forms, for help text. */
export const SUPPORTED_FORMS: readonly string[] = Object.freeze(Object.values(F));

const EXAMPLES: Readonly<Record<string, string>> = {
  [F.release]: "RELEASE v2.1.0 to Production",
  [F.releaseType]: "RELEASE minor to Staging",
  [F.cut]: "This is great, let's cut a 2.1.0 release to Staging",
  [F.ship]: "Time to ship version 2.1.0 to GitHub",
  [F.init]: "INIT RELEASE v2.1.0",
};

type Piece =
  | { k: "lit"; words: readonly string[] }
  /** Optional words, taken all or none. */
  | { k: "opt"; seq: readonly (readonly string[])[] }
  /** Everything up to the next anchor; `optional` slots are taken only when they start like a version. */
  | { k: "ver"; optional: boolean }
  /** "to" and the rest of the phrase. */
  | { k: "target"; optional: boolean };

interface Rule {
  command: TriggerCommand;
  form: string;
  /** The form reported when the version slot holds a version type; absent: types are refused. */
  typeForm?: string;
  pieces: readonly Piece[];
}

const lit = (...words: string[]): Piece => ({ k: "lit", words });
const opt = (...seq: string[][]): Piece => ({ k: "opt", seq });
const VER: Piece = { k: "ver", optional: false };
const OPT_VER: Piece = { k: "ver", optional: true };
const TARGET: Piece = { k: "target", optional: false };
const OPT_TARGET: Piece = { k: "target", optional: true };

const MANAGEMENT = [
  ["rollback", F.rollback],
  ["pause", F.pause],
  ["resume", F.resume],
  ["abort", F.abort],
  ["validate", F.validate],
] as const;

// Tried in order; the first that fits the whole phrase wins.
const RULES: readonly Rule[] = [
  {
    command: "release",
    form: F.release,
    typeForm: F.releaseType,
    pieces: [lit("release"), opt(["version"]), VER, TARGET],
  },
  {
    command: "release",
    form: F.cut,
    typeForm: F.cut,
    pieces: [
      opt(["this"], ["is"], ["great", "great!", "great."]),
      lit("let's", "lets"),
      lit("cut"),
      lit("a"),
      VER,
      lit("release"),
      TARGET,
    ],
  },
  {
    command: "release",
    form: F.ship,
    typeForm: F.ship,
    pieces: [opt(["it's", "its"]), lit("time"), lit("to"), lit("ship"), opt(["version"]), VER, TARGET],
  },
  { command: "init", form: F.init, typeForm: F.init, pieces: [lit("init"), lit("release"), VER, OPT_TARGET] },
  { command: "go", form: F.go, pieces: [lit("go"), lit("release")] },
  { command: "go", form: F.go, typeForm: F.go, pieces: [lit("go"), lit("release"), VER, TARGET] },
  { command: "sitrep", form: F.sitrep, pieces: [lit("sitrep"), opt(["release"]), OPT_VER] },
  { command: "sitrep", form: F.sitrep, pieces: [lit("release"), lit("sitrep"), OPT_VER] },
  { command: "status", form: F.status, pieces: [opt(["release"]), lit("status"), OPT_VER] },
  {
    command: "deployment-status",
    form: F.deploymentStatus,
    pieces: [lit("deployment", "deploy"), lit("status"), OPT_VER],
  },
  ...MANAGEMENT.flatMap(([command, form]): Rule[] => [
    { command, form, pieces: [lit("release"), lit(command), OPT_VER] },
    { command, form, pieces: [lit(command), lit("release"), OPT_VER] },
  ]),
];

interface Tokens {
  raw: string[];
  lower: string[];
}

type MatchResult = { ok: true; ver?: string; target?: string } | { ok: false; pos: number };

const QUOTES = new Set(['"', "'"]);
const TRAILING = new Set(['"', "'", ".", "!", "?"]);

/** Quotes and ellipses folded to ASCII, invisible characters dropped, then split on whitespace. */
function tokenize(phrase: string): Tokens {
  const text = phrase
    .normalize("NFKC")
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, "")
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'")
    .replace(/[\u201c-\u201f\u2033\u00ab\u00bb\u2039\u203a]/g, '"');
  // Index loops rather than regexes: a run of punctuation must not cost quadratic time.
  let start = 0;
  let end = text.length;
  while (start < end && (QUOTES.has(text[start]!) || /\s/.test(text[start]!))) start++;
  while (end > start && (TRAILING.has(text[end - 1]!) || /\s/.test(text[end - 1]!))) end--;
  const raw: string[] = [];
  for (const word of text.slice(start, end).split(/\s+/)) {
    let s = 0;
    let e = word.length;
    while (s < e && QUOTES.has(word[s]!)) s++;
    while (e > s && (QUOTES.has(word[e - 1]!) || word[e - 1] === ",")) e--;
    const token = word.slice(s, e);
    // A quoted nothing ("") fills a slot as an empty value; a stray quote is dropped.
    if (token !== "" || word.length >= 2) raw.push(token);
  }
  const lower = raw.map((t) => t.toLowerCase());
  for (let i = 0; i < lower.length; i++) {
    if (lower[i] === "roll-back" || (lower[i] === "roll" && lower[i + 1] === "back")) {
      const n = lower[i] === "roll" ? 2 : 1;
      raw.splice(i, n, "rollback");
      lower.splice(i, n, "rollback");
    }
  }
  return { raw, lower };
}

const looksLikeVersion = (token: string): boolean => /^v?\d/i.test(token);

function matchRule(rule: Rule, t: Tokens): MatchResult {
  const n = t.lower.length;
  let i = 0;
  let ver: string | undefined;
  let target: string | undefined;
  for (let p = 0; p < rule.pieces.length; p++) {
    const piece = rule.pieces[p]!;
    if (piece.k === "lit") {
      if (i >= n || !piece.words.includes(t.lower[i]!)) return { ok: false, pos: i };
      i++;
    } else if (piece.k === "opt") {
      if (i + piece.seq.length <= n && piece.seq.every((words, j) => words.includes(t.lower[i + j]!)))
        i += piece.seq.length;
    } else if (piece.k === "ver") {
      if (piece.optional && (i >= n || !looksLikeVersion(t.lower[i]!))) continue;
      const next = rule.pieces[p + 1];
      const stop = next?.k === "lit" ? next.words : next?.k === "target" ? ["to"] : [];
      let j = i;
      while (j < n && !stop.includes(t.lower[j]!)) j++;
      const anchorNeeded = next !== undefined && (next.k === "lit" || (next.k === "target" && !next.optional));
      if (anchorNeeded && j === n) return { ok: false, pos: i + 0.5 };
      ver = t.raw.slice(i, j).join(" ");
      i = j;
    } else {
      if (i >= n && piece.optional) continue;
      const rest = t.raw.slice(i + 1).filter((w) => w !== "");
      if (t.lower[i] !== "to" || rest.length === 0) return { ok: false, pos: t.lower[i] === "to" ? i + 1 : i };
      target = rest.join(" ");
      i = n;
    }
  }
  if (i < n) return { ok: false, pos: i };
  return { ok: true, ...(ver === undefined ? {} : { ver }), ...(target === undefined ? {} : { target }) };
}

/**
 * Reads a trigger phrase. Throws E_TRIGGER_UNKNOWN (with the closest form), E_VERSION_INVALID or
 * E_ENVIRONMENT_UNKNOWN; never echoes more than a short, cleaned preview of the input.
 * @example parseTrigger("RELEASE v2.1.0 to Prod") // {command: "release", version: "2.1.0", environment: "production", …}
 */
export function parseTrigger(phrase: string, catalog: EnvironmentCatalog = DEFAULT_CATALOG): ParsedTrigger {
  const input = typeof phrase === "string" ? phrase : "";
  if (input.length > MAX_TRIGGER_LENGTH) {
    throw unknownTrigger(
      input,
      tokenize(input.slice(0, MAX_TRIGGER_LENGTH)),
      `The trigger phrase is too long (${input.length} characters; at most ${MAX_TRIGGER_LENGTH}).`,
    );
  }
  const tokens = tokenize(input);
  for (const rule of RULES) {
    const m = matchRule(rule, tokens);
    if (!m.ok) continue;
    let form = rule.form;
    const found: Pick<ParsedTrigger, "version" | "versionType" | "environment"> = {};
    if (m.ver !== undefined) {
      const type = VERSION_TYPES.find((v) => v === m.ver?.toLowerCase());
      if (type !== undefined && rule.typeForm !== undefined) {
        found.versionType = type;
        form = rule.typeForm;
      } else {
        found.version = checkVersion(m.ver, rule.form);
      }
    }
    if (m.target !== undefined) found.environment = resolveEnvironment(m.target, catalog);
    return { command: rule.command, ...found, form, input };
  }
  throw unknownTrigger(
    input,
    tokens,
    tokens.raw.length === 0
      ? "The trigger phrase is empty."
      : `"${previewText(input.trim())}" is not a supported RELEASE trigger.`,
  );
}

const DEFAULT_CATALOG = buildEnvironmentCatalog();

function checkVersion(text: string, form: string): string {
  try {
    return parseVersionOrThrow(text);
  } catch (e) {
    if (!isBrtopsError(e)) throw e;
    const what =
      text.trim() === "" ? "The trigger names no version" : `"${previewText(text)}" is not a release version`;
    throw new BrtopsError("E_VERSION_INVALID", `${what} (form "${form}").`, {
      ...(e.hint === undefined ? {} : { hint: e.hint }),
      details: { given: previewText(text), form },
    });
  }
}

function unknownTrigger(input: string, tokens: Tokens, what: string): BrtopsError {
  const closest = closestForm(tokens);
  const example = EXAMPLES[closest] ?? closest;
  return new BrtopsError("E_TRIGGER_UNKNOWN", `${what} Closest supported form: "${closest}".`, {
    hint: `Write it as "${closest}", for example "${example}". Supported forms: ${SUPPORTED_FORMS.join("; ")}.`,
    details: { closest, forms: [...SUPPORTED_FORMS], given: previewText(input.trim()) },
  });
}

const MAX_SCORED_TOKENS = 50;

/** Placeholders for what varies, so "RELEASE v9.9.9 to Mars" looks like its form. */
function abstractTokens(lower: readonly string[]): string[] {
  const lastTo = lower.lastIndexOf("to");
  const head = (lastTo < 0 ? lower : lower.slice(0, lastTo + 1)).map((w) => {
    if (w.includes("{version}") || looksLikeVersion(w)) return "{version}";
    return (VERSION_TYPES as readonly string[]).includes(w) ? "{version-type}" : w;
  });
  return lastTo >= 0 && lastTo < lower.length - 1 ? [...head, "{target}"] : head;
}

const FORM_TOKENS: ReadonlyMap<string, readonly string[]> = new Map(
  SUPPORTED_FORMS.map((f) => [f, abstractTokens(f.toLowerCase().replace(/,/g, "").split(" "))]),
);

function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith("{") || b.startsWith("{") || a.length < 4 || b.length < 4 || a.length > 32 || b.length > 32)
    return false;
  return Math.abs(a.length - b.length) <= 1 && editDistance(a, b) <= 1;
}

/** Word overlap (typos forgiven), plus how far the phrase got into one of the form's rules. */
function closestForm(tokens: Tokens): string {
  const phrase = abstractTokens(tokens.lower.slice(0, MAX_SCORED_TOKENS));
  const reach = new Map<string, number>();
  for (const rule of RULES) {
    const m = matchRule(rule, tokens);
    const pos = m.ok ? tokens.lower.length : m.pos;
    reach.set(rule.form, Math.max(reach.get(rule.form) ?? 0, pos));
  }
  let best: string = F.release;
  let bestScore = -1;
  for (const form of SUPPORTED_FORMS) {
    const words = FORM_TOKENS.get(form) ?? [];
    const used = new Array<boolean>(phrase.length).fill(false);
    let common = 0;
    for (const w of words) {
      const at = phrase.findIndex((p, j) => !used[j] && sameWord(w, p));
      if (at >= 0) {
        used[at] = true;
        common++;
      }
    }
    const score = (2 * common) / (words.length + phrase.length) + 0.25 * Math.min(reach.get(form) ?? 0, 8);
    if (score > bestScore) {
      best = form;
      bestScore = score;
    }
  }
  return best;
}
