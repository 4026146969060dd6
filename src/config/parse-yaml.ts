/**
 * YAML read within limits: a config file of at most 1 MiB, nesting at most 64 deep and at most
 * 100 alias expansions (the yaml library's own guard against a "billion laughs" alias bomb). Past
 * a limit the file is a bad config — E_CONFIG_INVALID naming the file and the line, exit 2 — not
 * an internal error.
 */
import { readFileSync, statSync } from "node:fs";
import { isAlias, isCollection, isPair, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { BrtopsError } from "../core/errors.js";

export const YamlLimits = {
  /** The largest config file read, in bytes. */
  maxBytes: 1024 * 1024,
  /** The deepest nesting of maps and lists. */
  maxDepth: 64,
  /** How many alias expansions the document may make (the yaml library's default). */
  maxAliasCount: 100,
} as const;

export interface ParsedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data. */
  raw: unknown;
}

function invalid(file: string, line: number | undefined, what: string, hint: string): BrtopsError {
  return new BrtopsError("E_CONFIG_INVALID", `${file}${line ? `:${line}` : ""}: ${what}`, {
    hint,
    details: { file, ...(line ? { line } : {}) },
  });
}

/** Reads a config file's text, refusing one over the size limit before reading it. */
export function readYamlFile(file: string): string {
  const size = statSync(file).size;
  if (size > YamlLimits.maxBytes) {
    throw invalid(
      file,
      undefined,
      `the file is ${size} bytes; brtops reads a config of at most ${YamlLimits.maxBytes} bytes.`,
      "A config lists leads, environments and steps: a few kilobytes. Check that this is the file you meant.",
    );
  }
  return readFileSync(file, "utf8");
}

const lineOf = (lc: LineCounter, node: Node | null | undefined): number | undefined =>
  node?.range ? lc.linePos(node.range[0]).line : undefined;

// Iterative, so a deep document cannot exhaust the stack here: the first collection past the depth
// limit, and the alias that comes first in the text.
function walk(doc: Document.Parsed): { tooDeep: Node | undefined; firstAlias: Node | undefined } {
  const stack: [unknown, number][] = [[doc.contents, 1]];
  let firstAlias: Node | undefined;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (isAlias(node)) {
      if (!firstAlias || (node.range?.[0] ?? Infinity) < (firstAlias.range?.[0] ?? Infinity)) firstAlias = node;
    } else if (isCollection(node)) {
      if (depth > YamlLimits.maxDepth) return { tooDeep: node, firstAlias };
      for (const item of node.items) {
        if (isPair(item)) stack.push([item.key, depth + 1], [item.value, depth + 1]);
        else stack.push([item, depth + 1]);
      }
    }
  }
  return { tooDeep: undefined, firstAlias };
}

/** Parses YAML text within the limits; E_CONFIG_INVALID with the file and line otherwise. */
export function parseYaml(text: string, file: string): ParsedYaml {
  if (text.length > YamlLimits.maxBytes) {
    throw invalid(
      file,
      undefined,
      `the config is ${text.length} characters; brtops reads a config of at most ${YamlLimits.maxBytes}.`,
      "A config lists leads, environments and steps: a few kilobytes.",
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    // The parser reports running out of stack as an error of its own: it means nesting far too deep.
    const deep = /call stack/i.test(e.message);
    throw invalid(
      file,
      line,
      deep
        ? `the YAML is nested too deeply to read (more than ${YamlLimits.maxDepth} levels).`
        : `the YAML does not parse: ${e.message.split("\n")[0]}`,
      deep
        ? "A config nests a few levels: leads, environments, steps."
        : "Fix the YAML syntax at that line (indentation, a missing colon or quote).",
    );
  }
  const { tooDeep, firstAlias } = walk(doc);
  if (tooDeep)
    throw invalid(
      file,
      lineOf(lineCounter, tooDeep),
      `the YAML nests deeper than ${YamlLimits.maxDepth} levels.`,
      "A config nests a few levels: leads, environments, steps.",
    );
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: YamlLimits.maxAliasCount });
  } catch (e) {
    // The yaml library throws a ReferenceError when aliases expand past maxAliasCount (or an alias has no anchor).
    if (!(e instanceof ReferenceError)) throw e;
    throw invalid(
      file,
      lineOf(lineCounter, firstAlias),
      `the YAML's aliases expand too much (more than ${YamlLimits.maxAliasCount} expansions): ${e.message}.`,
      "Write the values out, or use fewer aliases (*name) of anchors (&name) that themselves hold aliases.",
    );
  }
  return { doc, lineCounter, raw };
}
