/**
 * Conventional commits (https://www.conventionalcommits.org/en/v1.0.0/) as real histories write
 * them: `type(scope)!: description`, `BREAKING CHANGE:` / `BREAKING-CHANGE:` footers, GitHub
 * squash bodies that hold several conventional lines, `Revert "feat: x"` with
 * `This reverts commit <sha>.` Pure.
 */

/** Types a squash body line must have to count (free text like "Note: x" must not). */
export const KNOWN_TYPES = [
  "feat",
  "fix",
  "perf",
  "refactor",
  "docs",
  "style",
  "test",
  "tests",
  "build",
  "ci",
  "chore",
  "revert",
  "security",
  "deps",
  "i18n",
  "ops",
] as const;
const KNOWN = new Set<string>(KNOWN_TYPES);

export interface CommitRecord {
  sha: string;
  parents: string[];
  author: string;
  /** ISO 8601 author date. */
  date: string;
  message: string;
}

/** One change a commit makes; a squash commit can make several. */
export interface Change {
  /** Lower case; null for a commit that is not conventional. */
  type: string | null;
  scope: string | null;
  description: string;
  breaking: boolean;
  /** Texts of BREAKING CHANGE footers (or the description when only "!" marks it). */
  breakingNotes: string[];
  sha: string;
  author: string;
  /** Came from a line of a squash commit's body. */
  squashed?: boolean;
}

export interface ParsedCommit {
  sha: string;
  author: string;
  date: string;
  subject: string;
  merge: boolean;
  /** What this commit reverts: a commit id from "This reverts commit", else the reverted header. */
  reverts: { sha: string | null; header: string | null } | null;
  changes: Change[];
}

const HEADER = /^([A-Za-z][\w-]*)(?:\(([^()\r\n]*)\))?(!)?:[ \t]*(\S.*)$/;
const SQUASH_LINE = /^\s*(?:[*+-]\s+)?([A-Za-z][\w-]*)(?:\(([^()\r\n]*)\))?(!)?:[ \t]*(\S.*)$/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE:\s*(.*)$/;
const FOOTER_TOKEN = /^([\w-]+|BREAKING CHANGE)(?::\s|\s#)/;
const REVERT_SUBJECT = /^Revert\s+"(.+)"\s*$/;
const REVERTS_SHA = /This reverts commit ([0-9a-f]{7,40})/i;

/**
 * One string object for each type and scope however many commits name it: a 50,000-commit range
 * keeps every change until its models are built, and a few dozen shared strings instead of
 * 100,000 copies are that much less for the garbage collector to carry. Bounded: a history with
 * very many distinct names simply stops sharing new ones.
 */
const SHARED_LIMIT = 4096;
const sharedNames = new Map<string, string>();
function shared(name: string): string {
  const known = sharedNames.get(name);
  if (known !== undefined) return known;
  if (sharedNames.size < SHARED_LIMIT) sharedNames.set(name, name);
  return name;
}
const typeNames = new Map<string, string>();
/** The lower-case type, shared. */
function typeName(raw: string): string {
  const known = typeNames.get(raw);
  if (known !== undefined) return known;
  const lower = shared(raw.toLowerCase());
  if (typeNames.size < SHARED_LIMIT) typeNames.set(raw, lower);
  return lower;
}

/** Parses a header line; null when it is not conventional. Example: `parseHeader("feat(api)!: drop v1")` → `{type: "feat", scope: "api", bang: true, description: "drop v1"}`. */
export function parseHeader(
  line: string,
): { type: string; scope: string | null; bang: boolean; description: string } | null {
  const m = HEADER.exec(line.trim());
  if (!m) return null;
  const scope = m[2]?.trim();
  return { type: typeName(m[1]!), scope: scope ? shared(scope) : null, bang: m[3] === "!", description: m[4]!.trim() };
}

/** The same text as `s`, as one string shared by every caller that asks for it (authors, scopes). */
export function sharedString(s: string): string {
  return shared(s);
}

const NO_NOTES: readonly string[] = Object.freeze([]);

/** Parses one commit into its changes. Runs once per commit of a range: the common cases take the short paths. */
export function parseCommit(c: CommitRecord): ParsedCommit {
  let text = c.message;
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  text = text.trim();
  const nl = text.indexOf("\n");
  const subject = (nl < 0 ? text : text.slice(0, nl)).trim();
  const body = nl < 0 ? "" : text.slice(nl + 1);
  const merge = c.parents.length > 1;

  const revertSha = body.includes("reverts commit") ? (REVERTS_SHA.exec(body)?.[1]?.toLowerCase() ?? null) : null;
  const revertHeader = subject.startsWith("Revert") ? (REVERT_SUBJECT.exec(subject)?.[1] ?? null) : null;
  const header = parseHeader(subject);
  if (revertHeader !== null || (header?.type === "revert" && (revertSha || header.description))) {
    return {
      sha: c.sha,
      author: c.author,
      date: c.date,
      subject,
      merge,
      reverts: { sha: revertSha, header: revertHeader ?? (header?.type === "revert" ? header.description : null) },
      changes: [],
    };
  }
  // A merge lists nothing itself: the commits it brings in are in the log on their own.
  if (merge) return { sha: c.sha, author: c.author, date: c.date, subject, merge, reverts: null, changes: [] };

  // Squash lines and BREAKING CHANGE footers both hold a colon: a body without one has neither.
  const lines = body === "" || !body.includes(":") ? [] : body.split("\n");
  const { notes, bodyEnd } = body.includes("BREAKING")
    ? breakingFooters(lines)
    : { notes: [] as string[], bodyEnd: lines.length };
  const changes: Change[] = [];
  if (header) {
    const breaking = header.bang || notes.length > 0;
    changes.push({
      type: header.type,
      scope: header.scope,
      description: header.description,
      breaking,
      breakingNotes: notes.length ? notes : header.bang ? [header.description] : (NO_NOTES as string[]),
      sha: c.sha,
      author: c.author,
    });
  }
  // Squash bodies: "* feat(ui): x" lines, each its own change.
  for (let i = 0; i < bodyEnd; i++) {
    const line = lines[i]!;
    if (!line.includes(":")) continue;
    const m = SQUASH_LINE.exec(line);
    if (!m || !KNOWN.has(m[1]!.toLowerCase())) continue;
    const type = typeName(m[1]!);
    const scoped = m[2]?.trim();
    const scope = scoped ? shared(scoped) : null;
    const description = m[4]!.trim();
    if (header && header.type === type && header.description === description && header.scope === scope) continue;
    changes.push({
      type,
      scope,
      description,
      breaking: m[3] === "!",
      breakingNotes: m[3] === "!" ? [description] : [],
      sha: c.sha,
      author: c.author,
      squashed: true,
    });
  }
  if (changes.length === 0) {
    changes.push({
      type: null,
      scope: null,
      description: subject,
      breaking: notes.length > 0,
      breakingNotes: notes,
      sha: c.sha,
      author: c.author,
    });
  } else if (!header && notes.length > 0) {
    // Footers of a squash commit belong to the whole: mark its changes breaking together.
    changes[0]!.breaking = true;
    changes[0]!.breakingNotes = [...changes[0]!.breakingNotes, ...notes];
  }
  return { sha: c.sha, author: c.author, date: c.date, subject, merge, reverts: null, changes };
}

/** Character codes the header scan below compares with. */
const CH_TAB = 9;
const CH_NEWLINE = 10;
const CH_SPACE = 32;
const CH_BANG = 33;
const CH_OPEN = 40;
const CH_CLOSE = 41;
const CH_DASH = 45;
const CH_COLON = 58;
const CH_UNDERSCORE = 95;
const CH_LOWER_R = 114;
const CH_DEL = 127;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isWordOrDash = (c: number): boolean =>
  isLetter(c) || (c >= 48 && c <= 57) || c === CH_UNDERSCORE || c === CH_DASH;
/** Printable ASCII but the space: neither trimmed nor a line end, whatever the rule. */
const isPlain = (c: number): boolean => c > CH_SPACE && c < CH_DEL;

/**
 * The one change of the most common commits, read in place from the text of a log: a header line
 * — conventional or not — and at most a plain body (no colon anywhere in it, so no squashed
 * lines and no footers, and no "reverts commit"), not a revert, no trimming needed, printable
 * ASCII around the parts. What `parseCommit` would make of such a message, without making the
 * commit's record, its lines and the header's match first (98.7% of the commits of the intel
 * benchmark's history). Null for any other message — the caller then calls parseCommit — so the
 * grammar's corner cases stay in one place: HEADER. `text.slice(from, to)` is the message; `sha`
 * and `author` are the commit's (not a merge: a merge lists nothing itself).
 */
export function plainCommitChange(text: string, from: number, to: number, sha: string, author: string): Change | null {
  // The header line ends at the first newline; what follows is the body.
  let end = from;
  while (end < to && text.charCodeAt(end) !== CH_NEWLINE) end++;
  if (end - from < 2 || !isLetter(text.charCodeAt(from)) || !isPlain(text.charCodeAt(end - 1))) return null;
  if (!plainBody(text, end + 1, to)) return null;
  let i = from + 1;
  while (i < end && isWordOrDash(text.charCodeAt(i))) i++;
  const typeEnd = i;
  const next = text.charCodeAt(i);
  if (next !== CH_OPEN && next !== CH_BANG && next !== CH_COLON) {
    // No header can start so (the type is as long as it can be, and must be followed by one of
    // those): a commit that is not conventional, its subject the change — unless it is a revert.
    if (text.startsWith("Revert", from) || !lineOk(text, from, end)) return null;
    return {
      type: null,
      scope: null,
      description: text.slice(from, end),
      breaking: false,
      breakingNotes: NO_NOTES as string[],
      sha,
      author,
    };
  }
  let scope: string | null = null;
  if (next === CH_OPEN) {
    const open = i;
    i++;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === CH_CLOSE) break;
      // A nested parenthesis or a character the scope's rule may treat otherwise: the full parse decides.
      if (c === CH_OPEN || c < CH_SPACE || c >= CH_DEL) return null;
      i++;
    }
    if (i >= end) return null;
    scope = trimmedScope(text, open + 1, i);
    i++;
  }
  const bang = text.charCodeAt(i) === CH_BANG;
  if (bang) i++;
  if (text.charCodeAt(i) !== CH_COLON) return null;
  i++;
  while (i < end && (text.charCodeAt(i) === CH_SPACE || text.charCodeAt(i) === CH_TAB)) i++;
  if (i >= end || !isPlain(text.charCodeAt(i)) || !lineOk(text, i, end)) return null;
  const type = typeName(text.slice(from, typeEnd));
  // A revert ("revert: x") cancels another commit: the full parse says which.
  if (type === "revert") return null;
  const description = text.slice(i, end);
  return {
    type,
    scope,
    description,
    breaking: bang,
    breakingNotes: bang ? [description] : (NO_NOTES as string[]),
    sha,
    author,
  };
}

/** No control character and no line end the header's rule would stop at. */
function lineOk(text: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c < CH_SPACE || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

/** A body that can hold no change of its own: no colon (squashed lines and footers have one), no "reverts commit". */
function plainBody(text: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === CH_COLON) return false;
    if (c === CH_LOWER_R && text.startsWith("reverts commit", j)) return false;
  }
  return true;
}

/** A scope as parseHeader keeps it: trimmed, shared, null when empty. */
function trimmedScope(text: string, from: number, to: number): string | null {
  while (from < to && text.charCodeAt(from) === CH_SPACE) from++;
  while (to > from && text.charCodeAt(to - 1) === CH_SPACE) to--;
  return to > from ? shared(text.slice(from, to)) : null;
}

/** BREAKING CHANGE footers (with continuation lines) and where the footer block starts. */
function breakingFooters(lines: readonly string[]): { notes: string[]; bodyEnd: number } {
  const notes: string[] = [];
  let bodyEnd = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const m = BREAKING_FOOTER.exec(lines[i]!);
    if (!m) continue;
    if (bodyEnd === lines.length) bodyEnd = i;
    const parts = [m[1]!.trim()];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim() === "" || FOOTER_TOKEN.test(l) || BREAKING_FOOTER.test(l)) break;
      parts.push(l.trim());
    }
    const note = parts.filter(Boolean).join(" ");
    if (note) notes.push(note);
    i = j - 1;
  }
  return { notes, bodyEnd };
}
