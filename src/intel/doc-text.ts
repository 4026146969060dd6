/**
 * Turning the bytes of a readiness document into text we can read safely: binary files are
 * refused, invalid UTF-8 is replaced (and said so), size and line length are bounded so that a
 * hostile file cannot make a regular expression crawl. Pure: the caller reads the bytes.
 */

/** Longest line the readers look at; the rest of a longer line is ignored. */
export const MAX_LINE_CHARS = 4000;

export interface DecodedDoc {
  /** The text, or null when the file is binary (or empty). */
  text: string | null;
  /** What a reader should know: "binary: skipped", "truncated at 1048576 bytes", "invalid UTF-8 replaced". */
  remarks: string[];
}

/** Decodes a document's bytes; `truncated` says the reader stopped at its size cap. Example: `decodeDoc(bytes, false).text`. */
export function decodeDoc(bytes: Uint8Array, truncated: boolean, capBytes?: number): DecodedDoc {
  const remarks: string[] = [];
  if (bytes.length === 0) return { text: null, remarks: ["empty file"] };
  if (looksBinary(bytes)) return { text: null, remarks: ["binary content: skipped"] };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder("utf-8").decode(bytes);
    // A cut in the middle of a multi-byte character is our doing, not the file's.
    const badInside = text.slice(0, -1).includes("\uFFFD");
    if (!truncated || badInside) remarks.push("invalid UTF-8: bad bytes replaced with U+FFFD");
  }
  if (truncated)
    remarks.push(
      `larger than ${capBytes ?? bytes.length} bytes: only the first ${capBytes ?? bytes.length} bytes were read`,
    );
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return { text: null, remarks: [...remarks, "no text"] };
  return { text, remarks };
}

/** NUL bytes in the first 8 KiB (git's own test), or mostly control characters. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return n > 0 && control / n > 0.1;
}

/** The document's lines, each cut at MAX_LINE_CHARS. */
export function docLines(text: string): string[] {
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++)
    if (lines[i]!.length > MAX_LINE_CHARS) lines[i] = lines[i]!.slice(0, MAX_LINE_CHARS);
  return lines;
}

const EMOJI =
  /[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}\u{FE0F}\u{200D}\u{2705}\u{274C}\u{2714}\u{2716}]/gu;

const NEEDS_CLEANING = /[*_`~[\t\n\r]|[^\x00-\x7f]|\s\s/;

/** Markdown decoration and emoji removed, spaces collapsed: "**✅ Done**" → "Done". */
export function plainText(s: string): string {
  // Most cells and keys are plain ASCII words: skip the replacements for them.
  if (!NEEDS_CLEANING.test(s)) return s.trim();
  return s
    .replace(EMOJI, " ")
    .replace(/\*\*|__|`|~~/g, "")
    .replace(/(^|\s)[*_](\S)/g, "$1$2")
    .replace(/(\S)[*_](?=\s|$)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** Cells of a markdown table row, or null when the line is not one. */
export function tableCells(line: string): string[] | null {
  const t = line.trim();
  if (!t.startsWith("|")) return null;
  const inner = t.replace(/^\|/, "").replace(/\|\s*$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** `|---|:---:|` */
export function isTableSeparator(line: string): boolean {
  return /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);
}

/** A heading's level and text: `## Risks` → {level: 2, text: "Risks"}; also a bold line alone (`**Risks**`) as level 7. */
export function headingOf(line: string): { level: number; text: string } | null {
  const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
  if (m) return { level: m[1]!.length, text: m[2]! };
  const b = /^\s{0,3}(?:\*\*|__)([^*_]{2,80}?)(?::)?(?:\*\*|__)\s*:?\s*$/.exec(line);
  if (b) return { level: 7, text: b[1]! };
  return null;
}

/** The lines outside fenced code blocks, with their indexes: readiness readers skip code examples. */
export function* proseLines(lines: readonly string[]): Generator<[number, string]> {
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (!inFence) yield [i, line];
  }
}
