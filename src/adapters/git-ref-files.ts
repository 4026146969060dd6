/**
 * HEAD and the tags' commits read from the repository's ref files themselves (I/O, read-only, no
 * git process), for a request's early guess at the range it will read (engine/prefetch-request):
 * two git processes cost that guess ~10 ms before `git log` could start, most of it spent forking.
 * What it reads: `.git/HEAD` and the ref it names, the loose tags under `refs/tags/` (the type of
 * each from its loose object's header), and `packed-refs` with its peeled lines.
 *
 * Null — ask git — whenever the files cannot say for certain: the layouts git-ref-stamp leaves to
 * git (a `.git` file, reftable, GIT_DIR and friends), a `packed-refs` without peeled tags, a loose
 * tag whose object is packed, a symbolic ref anywhere but HEAD. A guess only ever starts a reading
 * the request may not use; the request resolves its range with git for real.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { byCodeUnit } from "../core/text-order.js";
import { plainGitDir } from "./git-ref-stamp.js";

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** zlib, loaded when a loose tag is first read (~2 ms the guess need not spend when the tags are packed). */
const zlib = (): typeof import("node:zlib") => process.getBuiltinModule("node:zlib");

export interface RefFiles {
  /** The commit HEAD names; null on a branch with no commit yet. */
  head: string | null;
  /** Every tag, in refname order, with the commit it names, through tags of tags too (`<tag>^{commit}`); null: it names no commit. */
  tagCommits: Map<string, string | null>;
}

/** What git would answer for HEAD and the tags of the repository at `cwd`, from its files; null when they cannot tell. */
export function readRefFiles(cwd: string): RefFiles | null {
  try {
    const gitDir = plainGitDir(cwd);
    if (!gitDir) return null;
    const packed = packedRefs(gitDir);
    if (!packed) return null;
    const head = headCommit(gitDir, packed.ids);
    if (head === undefined) return null;
    const tags = new Map<string, string | null>();
    for (const [ref, id] of packed.ids) {
      if (!ref.startsWith("refs/tags/")) continue;
      // A packed tag with no peeled line is no tag object: it names its object itself, taken to be
      // a commit (a tag of a tree or a blob only makes the guess start a reading that fails).
      tags.set(ref, packed.peeled.get(ref) ?? id);
    }
    for (const ref of looseRefs(gitDir, "refs/tags")) {
      const id = readFileSync(join(gitDir, ref), "latin1").trim();
      if (!OBJECT_ID.test(id)) return null;
      const commit = commitOfLooseObject(gitDir, id);
      if (commit === undefined) return null;
      tags.set(ref, commit);
    }
    const names = [...tags.keys()].sort(byCodeUnit);
    return { head, tagCommits: new Map(names.map((ref) => [ref.slice("refs/tags/".length), tags.get(ref)!])) };
  } catch {
    return null;
  }
}

interface PackedRefs {
  ids: Map<string, string>;
  /** What each packed tag object names, fully peeled. */
  peeled: Map<string, string>;
}

/** `packed-refs` (an empty one when there is none); null when a packed tag's kind cannot be told. */
function packedRefs(gitDir: string): PackedRefs | null {
  let text: string;
  try {
    text = readFileSync(join(gitDir, "packed-refs"), "latin1");
  } catch {
    return { ids: new Map(), peeled: new Map() };
  }
  const ids = new Map<string, string>();
  const peeled = new Map<string, string>();
  const traits = /^# pack-refs with:(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
  const tagsPeeled = traits.includes("peeled") || traits.includes("fully-peeled");
  let last = "";
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("^")) {
      const id = line.slice(1).trim();
      if (!last || !OBJECT_ID.test(id)) return null;
      peeled.set(last, id);
      continue;
    }
    const space = line.indexOf(" ");
    const id = line.slice(0, space);
    last = line.slice(space + 1).trim();
    if (space < 0 || !OBJECT_ID.test(id) || !last.startsWith("refs/")) return null;
    ids.set(last, id);
  }
  // Without the peeled trait a packed tag may be a tag object git did not peel: only git can say.
  if (!tagsPeeled && [...ids.keys()].some((r) => r.startsWith("refs/tags/") && !peeled.has(r))) return null;
  return { ids, peeled };
}

/** HEAD's commit; null when its branch has none yet; undefined when the files cannot tell. */
function headCommit(gitDir: string, packed: Map<string, string>): string | null | undefined {
  const text = readFileSync(join(gitDir, "HEAD"), "latin1").trim();
  if (OBJECT_ID.test(text)) return text;
  const target = /^ref: (refs\/[^\s]+)$/.exec(text)?.[1];
  if (!target || target.split("/").some((p) => p === "" || p === "." || p === "..")) return undefined;
  let loose: string | null = null;
  try {
    loose = readFileSync(join(gitDir, target), "latin1").trim();
  } catch {
    /* not loose: packed, or no commit yet */
  }
  if (loose !== null) return OBJECT_ID.test(loose) ? loose : undefined;
  return packed.get(target) ?? null;
}

/** The loose refs under `prefix` ("refs/tags"), as full ref names. */
function looseRefs(gitDir: string, prefix: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(gitDir, prefix), { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  // Folders hold refs; git's lock files are none.
  return entries
    .map((rel) => `${prefix}/${rel}`)
    .filter((ref) => !ref.endsWith(".lock") && statSync(join(gitDir, ref)).isFile());
}

/**
 * The commit a loose object is or, as a tag, names through any number of tags (what
 * `<tag>^{commit}` resolves to); null for a tree or a blob; undefined when an object on the way is
 * not loose (packed: only git reads it).
 */
function commitOfLooseObject(gitDir: string, id: string): string | null | undefined {
  for (let depth = 0, at = id; depth < 8; depth++) {
    let raw: Buffer;
    try {
      raw = readFileSync(join(gitDir, "objects", at.slice(0, 2), at.slice(2)));
    } catch {
      return undefined;
    }
    // The header and, for a tag, its first lines: a small part of the object is enough.
    const text = zlib().inflateSync(raw, { finishFlush: zlib().constants.Z_SYNC_FLUSH }).toString("latin1", 0, 512);
    if (text.startsWith("commit ")) return at;
    if (!text.startsWith("tag ")) return null;
    const m = /\0object ([0-9a-f]+)\ntype (\w+)\n/.exec(text);
    if (!m || !OBJECT_ID.test(m[1]!)) return undefined;
    if (m[2] === "commit") return m[1]!;
    if (m[2] !== "tag") return null;
    at = m[1]!;
  }
  return undefined;
}
