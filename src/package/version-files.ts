/**
 * The files that carry the project's version (`release.versionFiles`): reading the version out of
 * one and writing the release's version into it, keeping the rest of the file as it is. Pure,
 * except `versionFileSpecs`, which looks whether the project has a package.json.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { VersionFileConfig } from "../config/schema-release.js";

export interface VersionFileSpec {
  /** Repository-relative path. */
  file: string;
  kind: "json" | "pattern" | "whole";
  /** JSON path (kind json), e.g. ["version"]. */
  path?: string[];
  /** Regular expression whose first group is the version (kind pattern). */
  pattern?: string;
  /** How the config names it, for messages: "package.json", "app.json (app.version)". */
  label: string;
}

/** One config entry as a spec. Example: `specOf("package.json")` → `{file: "package.json", kind: "json", path: ["version"], …}`. */
export function specOf(entry: VersionFileConfig): VersionFileSpec {
  if (typeof entry === "string") {
    return entry.endsWith(".json")
      ? { file: entry, kind: "json", path: ["version"], label: entry }
      : { file: entry, kind: "whole", label: entry };
  }
  if ("pattern" in entry && entry.pattern)
    return {
      file: entry.file,
      kind: "pattern",
      pattern: entry.pattern,
      label: `${entry.file} (pattern ${entry.pattern})`,
    };
  const path = "path" in entry && entry.path ? entry.path : "version";
  if (!entry.file.endsWith(".json") && !("path" in entry && entry.path))
    return { file: entry.file, kind: "whole", label: entry.file };
  return {
    file: entry.file,
    kind: "json",
    path: path.split("."),
    label: path === "version" ? entry.file : `${entry.file} (${path})`,
  };
}

/**
 * The version files of a project: the configured ones, else package.json when the project has
 * one, plus the package.json of each npm package folder given (what npm publishes carries it).
 */
export function versionFileSpecs(
  configured: readonly VersionFileConfig[] | undefined,
  root: string,
  npmFolders: readonly string[] = [],
): VersionFileSpec[] {
  const specs =
    configured !== undefined
      ? configured.map(specOf)
      : existsSync(join(root, "package.json"))
        ? [specOf("package.json")]
        : [];
  if (configured === undefined) {
    for (const f of npmFolders) {
      const file = join(f, "package.json").replace(/^\.\//, "");
      if (!specs.some((s) => s.file === file) && existsSync(join(root, file))) specs.push(specOf(file));
    }
  }
  return specs;
}

export type VersionRead = { ok: true; version: string } | { ok: false; why: string };

/** The version a file's text carries. Example: `readVersionIn(specOf("package.json"), '{"version":"1.0.0"}')` → `{ok: true, version: "1.0.0"}`. */
export function readVersionIn(spec: VersionFileSpec, text: string): VersionRead {
  if (spec.kind === "whole") {
    const v = text.trim();
    return v && !/\s/.test(v)
      ? { ok: true, version: v }
      : { ok: false, why: "it should hold the version alone (one word)" };
  }
  if (spec.kind === "pattern") {
    const m = new RegExp(spec.pattern!, "m").exec(text);
    return m && m[1] !== undefined
      ? { ok: true, version: m[1] }
      : { ok: false, why: `nothing in it matches the pattern ${spec.pattern}` };
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return { ok: false, why: `it is not valid JSON (${(e as Error).message})` };
  }
  let at: unknown = j;
  for (const k of spec.path!)
    at = at && typeof at === "object" && !Array.isArray(at) ? (at as Record<string, unknown>)[k] : undefined;
  return typeof at === "string"
    ? { ok: true, version: at }
    : { ok: false, why: `it has no "${spec.path!.join(".")}" field holding a version` };
}

function indentOf(text: string): string | number {
  const m = /^\{\s*\n([ \t]+)"/.exec(text);
  return m ? m[1]! : 2;
}

/** The file's text with `version` written in; the rest kept (JSON key order, indentation, final newline). */
export function writeVersionIn(
  spec: VersionFileSpec,
  text: string,
  version: string,
): { ok: true; text: string } | { ok: false; why: string } {
  const now = readVersionIn(spec, text);
  if (!now.ok) return now;
  if (now.version === version) return { ok: true, text };
  if (spec.kind === "whole") return { ok: true, text: text.replace(now.version, version) };
  if (spec.kind === "pattern") {
    const re = new RegExp(spec.pattern!, "m");
    const m = re.exec(text)!;
    const at = m.index + m[0].indexOf(m[1]!);
    return { ok: true, text: `${text.slice(0, at)}${version}${text.slice(at + m[1]!.length)}` };
  }
  const j = JSON.parse(text) as Record<string, unknown>;
  let at: Record<string, unknown> = j;
  for (const k of spec.path!.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[spec.path!.at(-1)!] = version;
  return { ok: true, text: `${JSON.stringify(j, null, indentOf(text))}${text.endsWith("\n") ? "\n" : ""}` };
}
