/**
 * The BRTOPS trigger grammar: the phrases of the spec's "Release Trigger Pattern Recognition" and
 * "Integration with BRTOPS Commands" sections, and the way people say them in a chat, read into a
 * command, a version or version type, and a canonical environment.
 *
 * Matching works on whitespace-separated tokens with fixed anchor words ("to", "release"…) and no
 * backtracking, so any input is read in linear time. The version slot is loose (everything
 * between its anchors) and validated afterwards: "RELEASE 1.0.0/../x to Staging" is a recognised
 * form with a bad version (E_VERSION_INVALID), not an unknown phrase.
 *
 * Tolerated everywhere: any case, a "v" or not, extra spaces, straight/curly quotes around the
 * phrase or its words, trailing . ! ? … and commas, fillers before ("OK,", "great", "I think it's
 * time to", "let's", "please", "now") and after ("please", "now", "thanks"). Read as:
 * - a release request: VERB [a|the|new|version] {v} [release|out] to|->|→ [the] {t} [environment|registry|store…],
 *   VERB one of release, ship, deploy, cut, push (out), roll out; {v} a version or a version
 *   type (major | minor | patch, or hotfix | rc | beta: a pre-release of the next patch / minor).
 *   Reported as the spec form of its verb: ship → "Time to ship…", cut → "let's cut a…", else RELEASE.
 * - "GO RELEASE {v} to {t}": the request and the GO RELEASE grant (auto-proceed) in one phrase.
 * - "INIT RELEASE {v} [to {t}]"; "GO RELEASE".
 * - "SITREP [RELEASE]", "RELEASE SITREP", "[RELEASE] STATUS", "DEPLOYMENT|DEPLOY STATUS".
 * - "RELEASE ROLLBACK|PAUSE|RESUME|ABORT|VALIDATE" and the verb first ("ROLLBACK RELEASE");
 *   "ROLL BACK" = "ROLLBACK". The verb alone is not accepted: acting on a release must say so.
 * - status and management commands take an optional version naming the release ("RELEASE STATUS v2.1.0").
 * Not accepted: a release request without a target, anything else said around it ("we should
 * release…", "did you ship…?", "let's not release…").
 */
import { BrtopsError, isBrtopsError } from "./errors.js";
import { buildEnvironmentCatalog, editDistance, previewText, resolveEnvironment } from "./environments.js";
import type { EnvironmentCatalog } from "./environments.js";
import { parseVersionOrThrow, VERSION_TYPES, type VersionType } from "./version-syntax.js";
import {
  TO_WORDS,
  VERSION_LEAD_WORDS,
  VERSION_TAIL_WORDS,
  leadingFillers,
  targetCandidates,
  trailingFillers,
} from "./trigger-words.js";

export { VERSION_TYPES, type VersionType };

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

/** A recognised trigger phrase. */
export interface ParsedTrigger {
  command: TriggerCommand;
  /** Without the "v": "2.1.0". */
  version?: string;
  versionType?: VersionType;
  /** Canonical name: "production". */
  environment?: string;
  /** "GO RELEASE v2.1.0 to Staging": the request also grants GO RELEASE (auto-proceed). */
  autoProceed?: true;
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
  goRelease: "GO RELEASE v{version} to {target}",
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
  [F.goRelease]: "GO RELEASE v2.1.0 to Staging",
  [F.init]: "INIT RELEASE v2.1.0",
};

type Piece =
  | { k: "lit"; words: readonly string[] }
  /** Everything up to the next anchor; `optional` slots are taken only when they start like a version. */
  | { k: "ver"; optional: boolean }
  /** "to" (or an arrow) and the rest of the phrase. */
  | { k: "target"; optional: boolean };

interface Rule {
  command: TriggerCommand;
  form: string;
  /** The form reported when the version slot holds a version type; absent: types are refused. */
  typeForm?: string;
  pieces: readonly Piece[];
}

const lit = (...words: string[]): Piece => ({ k: "lit", words });
const VER: Piece = { k: "ver", optional: false };
const OPT_VER: Piece = { k: "ver", optional: true };
const OPT_TARGET: Piece = { k: "target", optional: true };

const MANAGEMENT = [
  ["rollback", F.rollback],
  ["pause", F.pause],
  ["resume", F.resume],
  ["abort", F.abort],
  ["validate", F.validate],
] as const;

// Tried in order after the release request (matchRequest); the first that fits the whole phrase wins.
const RULES: readonly Rule[] = [
  { command: "init", form: F.init, typeForm: F.init, pieces: [lit("init"), lit("release"), VER, OPT_TARGET] },
  { command: "go", form: F.go, pieces: [lit("go"), lit("release")] },
  { command: "sitrep", form: F.sitrep, pieces: [lit("sitrep"), { k: "lit", words: ["release"] }, OPT_VER] },
  { command: "sitrep", form: F.sitrep, pieces: [lit("sitrep"), OPT_VER] },
  { command: "sitrep", form: F.sitrep, pieces: [lit("release"), lit("sitrep"), OPT_VER] },
  { command: "status", form: F.status, pieces: [lit("release"), lit("status"), OPT_VER] },
  { command: "status", form: F.status, pieces: [lit("status"), OPT_VER] },
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

type Match = { ok: true; ver?: string; target?: string[] } | { ok: false; pos: number };

const QUOTES = new Set(['"', "'"]);
const TRAILING = new Set(['"', "'", ".", "!", "?"]);

/** Quotes and ellipses folded to ASCII, invisible characters dropped, arrows set apart, then split on whitespace. */
function tokenize(phrase: string): Tokens {
  const text = phrase
    .normalize("NFKC")
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, "")
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'")
    .replace(/[\u201c-\u201f\u2033\u00ab\u00bb\u2039\u203a]/g, '"')
    // "v2.1.0->Production": an arrow is a word of its own.
    .replace(/->|=>|\u2192/g, (a) => ` ${a} `);
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

/** The phrase without the fillers around it ("OK, …", "… please"). */
function withoutFillers(t: Tokens): Tokens {
  const start = leadingFillers(t.lower);
  const end = Math.max(start, t.lower.length - trailingFillers(t.lower.slice(start)));
  return { raw: t.raw.slice(start, end), lower: t.lower.slice(start, end) };
}

const looksLikeVersion = (token: string): boolean => /^v?\d/i.test(token);

function matchRule(rule: Rule, t: Tokens): Match {
  const n = t.lower.length;
  let i = 0;
  let ver: string | undefined;
  let target: string[] | undefined;
  for (let p = 0; p < rule.pieces.length; p++) {
    const piece = rule.pieces[p]!;
    if (piece.k === "lit") {
      if (i >= n || !piece.words.includes(t.lower[i]!)) return { ok: false, pos: i };
      i++;
    } else if (piece.k === "ver") {
      if (piece.optional && (i >= n || !looksLikeVersion(t.lower[i]!))) continue;
      const next = rule.pieces[p + 1];
      const stop = next?.k === "lit" ? next.words : next?.k === "target" ? TO_WORDS : [];
      let j = i;
      while (j < n && !stop.includes(t.lower[j]!)) j++;
      const anchorNeeded = next !== undefined && (next.k === "lit" || (next.k === "target" && !next.optional));
      if (anchorNeeded && j === n) return { ok: false, pos: i + 0.5 };
      ver = t.raw.slice(i, j).join(" ");
      i = j;
    } else {
      if (i >= n && piece.optional) continue;
      const rest = t.raw.slice(i + 1).filter((w) => w !== "");
      const to = TO_WORDS.includes(t.lower[i]!);
      if (!to || rest.length === 0) return { ok: false, pos: to ? i + 1 : i };
      target = rest;
      i = n;
    }
  }
  if (i < n) return { ok: false, pos: i };
  return { ok: true, ...(ver === undefined ? {} : { ver }), ...(target === undefined ? {} : { target }) };
}

/** The verbs of a release request, each with the spec form it is reported as. */
const VERBS: readonly { words: readonly string[]; form: string }[] = [
  { words: ["release"], form: F.release },
  { words: ["deploy"], form: F.release },
  { words: ["push", "out"], form: F.release },
  { words: ["push"], form: F.release },
  { words: ["roll", "out"], form: F.release },
  { words: ["ship"], form: F.ship },
  { words: ["cut"], form: F.cut },
];

type RequestMatch = { ok: true; form: string; go: boolean; ver: string; target: string[] } | { ok: false; pos: number };

/**
 * A release request: ["GO"] VERB {version} to|-> {target}, the version slot without the words
 * around it ("a new 2.1.0 release" → "2.1.0").
 */
function matchRequest(t: Tokens): RequestMatch {
  const n = t.lower.length;
  const go = t.lower[0] === "go" && t.lower[1] === "release";
  let i = go ? 1 : 0;
  const verb = VERBS.find((v) => v.words.every((w, j) => t.lower[i + j] === w));
  if (!verb) return { ok: false, pos: i };
  i += verb.words.length;
  let j = i;
  while (j < n && !TO_WORDS.includes(t.lower[j]!)) j++;
  if (j === n) return { ok: false, pos: i + 0.5 };
  const target = t.raw.slice(j + 1).filter((w) => w !== "");
  if (target.length === 0) return { ok: false, pos: j + 1 };
  let s = i;
  let e = j;
  while (s < e && VERSION_LEAD_WORDS.includes(t.lower[s]!)) s++;
  while (e > s && VERSION_TAIL_WORDS.includes(t.lower[e - 1]!)) e--;
  // "RELEASE to Staging" is the release form without its version; "push to main" is no release at all.
  if (s === e && verb.words[0] !== "release") return { ok: false, pos: i };
  return { ok: true, form: go ? F.goRelease : verb.form, go, ver: t.raw.slice(s, e).join(" "), target };
}

/**
 * Reads a trigger phrase. Throws E_TRIGGER_UNKNOWN (with the closest forms), E_VERSION_INVALID or
 * E_ENVIRONMENT_UNKNOWN; never echoes more than a short, cleaned preview of the input.
 * @example parseTrigger("RELEASE v2.1.0 to Prod") // {command: "release", version: "2.1.0", environment: "production", …}
 * @example parseTrigger("OK, time to ship 2.1.0 to the npm registry please").environment // "npm"
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
  const all = tokenize(input);
  const tokens = withoutFillers(all);
  const request = tokens.raw.length ? matchRequest(tokens) : { ok: false as const, pos: 0 };
  if (request.ok) {
    const found = readVersion(request.ver, request.form === F.release ? F.releaseType : request.form, request.form);
    const environment = resolveTarget(request.target, catalog);
    return {
      command: "release",
      ...found.value,
      environment,
      ...(request.go ? { autoProceed: true as const } : {}),
      form: found.form,
      input,
    };
  }
  for (const rule of tokens.raw.length ? RULES : []) {
    const m = matchRule(rule, tokens);
    if (!m.ok) continue;
    let form = rule.form;
    const found: Pick<ParsedTrigger, "version" | "versionType" | "environment"> = {};
    if (m.ver !== undefined) {
      const read = rule.typeForm ? readVersion(m.ver, rule.typeForm, rule.form) : null;
      if (read) {
        Object.assign(found, read.value);
        form = read.form;
      } else found.version = checkVersion(m.ver, rule.form);
    }
    if (m.target !== undefined) found.environment = resolveTarget(m.target, catalog);
    return { command: rule.command, ...found, form, input };
  }
  throw unknownTrigger(
    input,
    all,
    all.raw.length === 0
      ? "The trigger phrase is empty."
      : `"${previewText(input.trim())}" is not a supported RELEASE trigger.`,
  );
}

const DEFAULT_CATALOG = buildEnvironmentCatalog();

/** A version slot: a version type (reported as `typeForm`) or a version (reported as `form`). */
function readVersion(
  text: string,
  typeForm: string,
  form: string,
): { value: Pick<ParsedTrigger, "version" | "versionType">; form: string } {
  const type = VERSION_TYPES.find((v) => v === text.toLowerCase());
  if (type !== undefined) return { value: { versionType: type }, form: typeForm };
  return { value: { version: checkVersion(text, form) }, form };
}

/** The target as written, else without fillers, articles and kind nouns ("the npm registry" → npm). */
function resolveTarget(words: readonly string[], catalog: EnvironmentCatalog): string {
  const candidates = targetCandidates(words);
  for (const c of candidates.slice(0, -1)) {
    try {
      return resolveEnvironment(c.join(" "), catalog);
    } catch (e) {
      if (!isBrtopsError(e) || e.code !== "E_ENVIRONMENT_UNKNOWN") throw e;
    }
  }
  // The last, most cleaned reading names the target as meant ("the prodution environment" → prodution).
  return resolveEnvironment(candidates[candidates.length - 1]!.join(" "), catalog);
}

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
  const ranked = closestForms(tokens);
  const closest = ranked[0]!;
  const said = withoutFillers(tokens);
  const hasType = said.lower.some((w) => (VERSION_TYPES as readonly string[]).includes(w));
  // A phrase naming a version is not offered the version-type form, and the other way round.
  const fitting = ranked.filter((f) => f === closest || (hasType ? f !== F.release : f !== F.releaseType));
  const filled = fitting.slice(0, 3).map((f) => fillForm(f, said));
  const example = EXAMPLES[closest] ?? closest;
  return new BrtopsError(
    "E_TRIGGER_UNKNOWN",
    `${what} Closest supported form: "${closest}". Did you mean ${filled.map((f) => `"${f}"`).join(" or ")}?`,
    {
      hint: `Write it as "${closest}", for example "${example}". Supported forms: ${SUPPORTED_FORMS.join("; ")}.`,
      details: { closest, suggestions: filled, forms: [...SUPPORTED_FORMS], given: previewText(input.trim()) },
    },
  );
}

/** A form with the phrase's own version and target put in, when it names them ("RELEASE v2.1.0 to {target}"). */
function fillForm(form: string, t: Tokens): string {
  const version = t.raw.map(parseVersionSafe).find((v) => v !== null);
  const type = t.lower.find((w) => (VERSION_TYPES as readonly string[]).includes(w));
  const to = t.lower.findIndex((w) => TO_WORDS.includes(w));
  const target = to >= 0 && to < t.raw.length - 1 ? t.raw.slice(to + 1).join(" ") : undefined;
  let out = form;
  if (version) out = out.replace("v{version}", `v${version}`).replace("{version}", version);
  if (type) out = out.replace("{version-type}", type);
  if (target) out = out.replace(/\{(target|environment)\}/, previewText(target));
  return out;
}

function parseVersionSafe(w: string): string | null {
  try {
    return parseVersionOrThrow(w);
  } catch {
    return null;
  }
}

const MAX_SCORED_TOKENS = 50;

/** Placeholders for what varies, so "RELEASE v9.9.9 to Mars" looks like its form. */
function abstractTokens(lower: readonly string[]): string[] {
  const lastTo = lower.reduce((at, w, i) => (TO_WORDS.includes(w) ? i : at), -1);
  const head = (lastTo < 0 ? lower : lower.slice(0, lastTo + 1)).map((w) => {
    if (w.includes("{version}") || looksLikeVersion(w)) return "{version}";
    if (TO_WORDS.includes(w)) return "to";
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

/** The forms ranked by word overlap (typos forgiven), plus how far the phrase got into one of the form's rules. */
function closestForms(all: Tokens): string[] {
  const tokens = withoutFillers(all);
  // Overlap counts every word said ("This is great" is most of the cut form); reach starts after the fillers.
  const phrase = abstractTokens(all.lower.slice(0, MAX_SCORED_TOKENS));
  const reach = new Map<string, number>();
  const request = matchRequest(tokens);
  const requestReach = request.ok ? tokens.lower.length : request.pos;
  for (const f of [F.release, F.releaseType, F.cut, F.ship]) reach.set(f, requestReach);
  if (tokens.lower[0] === "go") reach.set(F.goRelease, requestReach);
  for (const rule of RULES) {
    const m = matchRule(rule, tokens);
    const pos = m.ok ? tokens.lower.length : m.pos;
    reach.set(rule.form, Math.max(reach.get(rule.form) ?? 0, pos));
  }
  const scored = SUPPORTED_FORMS.map((form, order) => {
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
    return { form, score, order };
  });
  return scored.sort((a, b) => b.score - a.score || a.order - b.order).map((s) => s.form);
}
