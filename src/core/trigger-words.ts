/**
 * The words around a trigger phrase that carry no command: how people talk in a chat ("OK, I
 * think it's time to ship 2.1.0 to the npm registry, please"). trigger-grammar strips these
 * before it matches, and reads the target with its articles and nouns taken off. Pure.
 */

/** Word sequences a phrase may start with ("OK,", "great", "I think it's time to", "let's"…), any number of them. */
export const LEADING_FILLERS: readonly (readonly string[])[] = [
  ["i", "think", "it's", "time", "to"],
  ["i", "think", "its", "time", "to"],
  ["this", "is", "great"],
  ["it's", "time", "to"],
  ["its", "time", "to"],
  ["time", "to"],
  ["let", "us"],
  ["let's"],
  ["lets"],
  ["ok"],
  ["okay"],
  ["great"],
  ["alright"],
  ["all", "right"],
  ["so"],
  ["now"],
  ["please"],
  ["go", "ahead", "and"],
];

/** Words a phrase may end with ("…to Production please", "…now"). */
export const TRAILING_FILLERS: readonly (readonly string[])[] = [["thank", "you"], ["please"], ["now"], ["thanks"]];

/** Words before the version that name no version: "cut a new 2.1.0 release", "ship version 2.1.0". */
export const VERSION_LEAD_WORDS: readonly string[] = ["a", "an", "the", "new", "version"];
/** Words after it: "cut a 2.1.0 release", "push 2.1.0 out", "a new minor version". */
export const VERSION_TAIL_WORDS: readonly string[] = ["release", "version", "out"];

/** Words before a target: "to the App Store", "to our staging". */
export const TARGET_ARTICLES: readonly string[] = ["the", "our", "my"];
/** Nouns after a target that name its kind: "to production environment", "to the npm registry". */
export const TARGET_NOUNS: readonly string[] = [
  "environment",
  "env",
  "registry",
  "store",
  "server",
  "servers",
  "cluster",
];

/** Words that stand for "to" between the version and the target. */
export const TO_WORDS: readonly string[] = ["to", "->", "→", "=>"];

const PUNCT = /[.!?]+$/;
const bare = (w: string): string => w.replace(PUNCT, "");

/** How many of `words`, from `at`, a sequence in `seqs` covers (0: none). */
function sequenceAt(words: readonly string[], at: number, seqs: readonly (readonly string[])[]): number {
  for (const seq of seqs) {
    if (at + seq.length <= words.length && seq.every((w, j) => bare(words[at + j]!) === w)) return seq.length;
  }
  return 0;
}

/** How many leading words are fillers. Example: `leadingFillers(["ok", "let's", "ship", "2.1.0"])` → 2. */
export function leadingFillers(words: readonly string[]): number {
  let i = 0;
  for (let n = sequenceAt(words, i, LEADING_FILLERS); n > 0; n = sequenceAt(words, i, LEADING_FILLERS)) i += n;
  return i;
}

/** How many trailing words are fillers. Example: `trailingFillers(["to", "production", "please"])` → 1. */
export function trailingFillers(words: readonly string[]): number {
  let end = words.length;
  for (;;) {
    const seq = TRAILING_FILLERS.find(
      (s) => end - s.length >= 0 && s.every((w, j) => bare(words[end - s.length + j]!) === w),
    );
    if (!seq) return words.length - end;
    end -= seq.length;
  }
}

/**
 * The ways a target may be read, most literal first: as written, without trailing fillers,
 * without leading articles, then without each trailing noun.
 * @example targetCandidates(["the", "npm", "registry"]) // [["the","npm","registry"], ["npm","registry"], ["npm"]]
 */
export function targetCandidates(raw: readonly string[]): string[][] {
  const lower = raw.map((w) => bare(w.toLowerCase()));
  const out: string[][] = [[...raw]];
  let end = raw.length - trailingFillers(lower);
  let start = 0;
  while (start < end - 1 && TARGET_ARTICLES.includes(lower[start]!)) start++;
  const push = (s: number, e: number): void => {
    const c = raw.slice(s, e);
    if (c.length > 0 && !out.some((o) => o.join(" ") === c.join(" "))) out.push(c);
  };
  push(0, end);
  push(start, end);
  while (end - start > 1 && TARGET_NOUNS.includes(lower[end - 1]!)) {
    end--;
    push(start, end);
  }
  return out;
}
