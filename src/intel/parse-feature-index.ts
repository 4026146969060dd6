/**
 * The project's own lists of features: `docs/02_features/feature-index.md` (entries with
 * **Path**, **Status** and [SEV-n] tags, as headed sections, one-line list items or a table) and
 * `.brtops/feature-registry.json` (no published schema: arrays, maps and nested objects are all
 * accepted). Pure.
 */
import type { Sev } from "../core/events.js";
import { docLines, headingOf, isTableSeparator, plainText, tableCells } from "./doc-text.js";
import { sevIn } from "./readiness-fields.js";

export interface IndexEntry {
  name: string;
  path: string | null;
  /** The status as written, with its line. */
  status: { value: string; line: number } | null;
  sev: Sev | null;
  line: number;
}

const PATH_FIELD = /\bpath\b\W*?[:：]\s*`?\[?([^\s`|,\]()]+)/i;
const STATUS_FIELD = /\bstatus\b\W*?[:：]\s*(.+?)(?=\s+[—–|]\s+|\s+-\s+\*\*|$)/i;

/** Entries of feature-index.md. Example: `parseFeatureIndex(text)[0]` → `{name: "Auth", path: "docs/02_features/auth", status: {value: "✅ COMPLETE", line: 5}, sev: 1, line: 3}`. */
export function parseFeatureIndex(text: string): IndexEntry[] {
  const lines = docLines(text);
  const out: IndexEntry[] = [];
  let entry: IndexEntry | null = null;
  let table: { name: number; path: number; status: number; sev: number } | null = null;
  const close = (): void => {
    if (entry && (entry.path || entry.status)) out.push(entry);
    entry = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const cells = tableCells(line);
    if (cells) {
      if (isTableSeparator(line)) continue;
      if (!table) {
        const cols = cells.map((c) => plainText(c).toLowerCase());
        const find = (re: RegExp): number => cols.findIndex((c) => re.test(c));
        const name = find(/feature|name/);
        table =
          name >= 0
            ? { name, path: find(/path|folder|location/), status: find(/status|state/), sev: find(/sev|severity/) }
            : { name: -1, path: -1, status: -1, sev: -1 };
        continue;
      }
      if (table.name < 0) continue;
      const name = plainText(cells[table.name] ?? "")
        .replace(/\[?SEV[-\s]?[0-5]\]?/i, "")
        .trim();
      if (!name) continue;
      const path = table.path >= 0 ? cleanPath(cells[table.path] ?? "") : null;
      const status =
        table.status >= 0 && cells[table.status] ? { value: cells[table.status]!.trim(), line: i + 1 } : null;
      out.push({ name, path, status, sev: sevIn(table.sev >= 0 ? (cells[table.sev] ?? "") : line), line: i + 1 });
      continue;
    }
    table = null;
    const h = headingOf(line);
    if (h && h.level >= 2 && h.level <= 6) {
      close();
      entry = { name: entryName(h.text), path: null, status: null, sev: sevIn(h.text), line: i + 1 };
      continue;
    }
    if (h && h.level === 1) {
      close();
      continue;
    }
    const item = /^[-*+]\s+(.*)$/.exec(line);
    if (item && !/^\s*[-*+]\s+\*\*(path|status|sev|severity|description|owner|priority)\b/i.test(line)) {
      // A one-line entry: "- **Auth** [SEV-1] — Path: docs/02_features/auth — Status: ✅ COMPLETE".
      const path = PATH_FIELD.exec(item[1]!);
      const status = STATUS_FIELD.exec(item[1]!.replace(/\*\*/g, ""));
      if (path || status) {
        close();
        const bold = /\*\*([^*]+)\*\*/.exec(item[1]!);
        out.push({
          name: entryName(bold ? bold[1]! : item[1]!.split(/[—–:]/)[0]!),
          path: path ? cleanPath(path[1]!) : null,
          status: status ? { value: status[1]!.trim(), line: i + 1 } : null,
          sev: sevIn(item[1]!),
          line: i + 1,
        });
        continue;
      }
    }
    if (!entry) continue;
    const cur: IndexEntry = entry;
    const flat = line.replace(/\*\*/g, "");
    const path = PATH_FIELD.exec(flat);
    if (path && !cur.path) cur.path = cleanPath(path[1]!);
    const status = STATUS_FIELD.exec(flat);
    if (status && !cur.status) cur.status = { value: status[1]!.trim(), line: i + 1 };
    if (cur.sev === null && /\b(sev|severity)\b/i.test(line)) cur.sev = sevIn(line);
  }
  close();
  return out;
}

function entryName(text: string): string {
  return plainText(text)
    .replace(/\[?SEV[-\s]?[0-5]\]?/gi, "")
    .replace(/^\d+[.)]\s*/, "")
    .trim()
    .slice(0, 120);
}

function cleanPath(p: string): string | null {
  const m = /\]\(([^)]+)\)/.exec(p);
  const t = plainText(m ? m[1]! : p)
    .replace(/^\.\//, "")
    .replace(/\/+$/, "");
  return t && t !== "-" && t !== "—" ? t : null;
}

const NAME_KEYS = ["name", "id", "title", "slug", "feature", "key"];
const PATH_KEYS = ["path", "folder", "dir", "directory", "location", "docs", "docsPath", "docs_path"];
const STATUS_KEYS = ["status", "validationStatus", "validation_status", "readiness", "state", "readinessStatus"];
const SEV_KEYS = ["sev", "severity", "sevLevel", "sev_level", "SEV"];

/** Entries of .brtops/feature-registry.json; an unreadable file gives `{entries: [], error}`. */
export function parseFeatureRegistry(text: string): { entries: IndexEntry[]; error?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { entries: [], error: `not JSON (${(e as Error).message.slice(0, 120)})` };
  }
  const list: [string | null, unknown][] = [];
  const container = isObj(data) && (Array.isArray(data.features) || isObj(data.features)) ? data.features : data;
  if (Array.isArray(container)) for (const v of container) list.push([null, v]);
  else if (isObj(container))
    for (const [k, v] of Object.entries(container)) if (isObj(v) || typeof v === "string") list.push([k, v]);
  const entries: IndexEntry[] = [];
  const lineOf = lineFinder(text);
  for (const [key, v] of list.slice(0, 100_000)) {
    const o: Record<string, unknown> = isObj(v) ? v : typeof v === "string" ? { status: v } : {};
    const name = pick(o, NAME_KEYS) ?? key;
    if (!name) continue;
    const status = pick(o, STATUS_KEYS);
    const sevRaw = o[SEV_KEYS.find((k) => o[k] !== undefined) ?? ""];
    const sev =
      typeof sevRaw === "number" && sevRaw >= 0 && sevRaw <= 5
        ? (Math.trunc(sevRaw) as Sev)
        : typeof sevRaw === "string"
          ? sevIn(sevRaw.startsWith("SEV") ? sevRaw : `SEV-${sevRaw}`)
          : null;
    entries.push({
      name,
      path: cleanPath(pick(o, PATH_KEYS) ?? ""),
      status: status ? { value: status, line: lineOf(name, status) } : null,
      sev,
      line: lineOf(name),
    });
  }
  return { entries };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pick(o: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "string" && v.trim()) return v.trim();
  }
  return null;
}

/** Line of the first `"value"` after the name's first appearance (JSON has no positions of its own). */
function lineFinder(text: string): (name: string, value?: string) => number {
  const starts: number[] = [];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i);
  const lineAt = (pos: number): number => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  return (name, value) => {
    const at = text.indexOf(JSON.stringify(name));
    const start = at < 0 ? 0 : at;
    const pos = value === undefined ? start : text.indexOf(JSON.stringify(value), start);
    return lineAt(pos < 0 ? start : pos);
  };
}
