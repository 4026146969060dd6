/**
 * Finds the features of a project and reads their readiness documents (I/O). Layouts accepted:
 * `07-readiness/` (also `7-readiness/`, `07-validation/`), legacy `1-requirements/ … 6-key_learnings/`
 * with or without a readiness folder, `README.md` / `FEATURE-SUMMARY.md` at a feature's root,
 * after-action reports in any phase folder, and one level of grouping folders. Symbolic links to
 * folders are not followed (no loops); only regular files are read, each up to a size cap, and
 * never one that resolves outside the repository (a committed symlink to /etc/passwd is skipped).
 */
import { readdirSync, type Dirent } from "node:fs";
import { join, relative, sep } from "node:path";
import { OUTSIDE_REASON, contained } from "../adapters/fs-contained.js";
import { decodeDoc } from "./doc-text.js";
import { parseReadinessDoc, type DocFacts } from "./parse-readiness-doc.js";
import { mapLimit, readBoundedSync } from "./read-bounded.js";

export interface FeatureFolder {
  name: string;
  /** Repository-relative, forward slashes. */
  path: string;
  /** Absolute paths of the documents to read, sorted. */
  docs: string[];
  remarks: string[];
}

export interface ReadDocs {
  docs: DocFacts[];
  skipped: { file: string; reason: string }[];
  remarks: string[];
}

const READINESS_DIR = /^(0?7[-_ ].*|readiness|validation)$/i;
const PHASE_DIR = /^0?\d{1,2}[-_ ]/;
const ROOT_DOCS = /^(readme|feature[-_ ]summary|summary|status)\.(md|markdown)$/i;
const READINESS_NAMES =
  /(validation|readiness|release[-_ ]notes|after[-_ ]action|aar|uat|user[-_ ]acceptance|rollback|certification)[^/]*\.(md|markdown)$/i;
const MD = /\.(md|markdown|txt)$/i;
const SKIP_DIR = /^(\.|_|node_modules$|templates?$)/i;

/** Repository-relative form of an absolute path. */
export function repoPath(root: string, abs: string): string {
  if (abs.startsWith(root + sep))
    return sep === "/"
      ? abs.slice(root.length + 1)
      : abs
          .slice(root.length + 1)
          .split(sep)
          .join("/");
  return relative(root, abs).split(sep).join("/");
}

// Synchronous on purpose (see readBoundedSync): many small folders, each listed once.
async function entries(dir: string): Promise<Dirent[]> {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** The feature folders under `featuresDir` (absolute), one grouping level deep. */
export async function findFeatureFolders(root: string, featuresDir: string): Promise<FeatureFolder[]> {
  const out: FeatureFolder[] = [];
  const top = (await entries(featuresDir)).filter((d) => d.isDirectory() && !SKIP_DIR.test(d.name));
  const found = await mapLimit(top, 32, async (d) => {
    const abs = join(featuresDir, d.name);
    const f = await describeFolder(root, abs, d.name);
    if (f) return [f];
    // A folder with no documents of its own but feature folders inside groups features.
    const inner = (await entries(abs)).filter((e) => e.isDirectory() && !SKIP_DIR.test(e.name));
    const nested = await mapLimit(inner, 8, (e) => describeFolder(root, join(abs, e.name), e.name));
    return nested.filter((n): n is FeatureFolder => n !== null);
  });
  for (const list of found) out.push(...list);
  return out;
}

/** Describes one folder as a feature, or null when nothing in it looks like feature documentation. */
export async function describeFolder(root: string, abs: string, name: string): Promise<FeatureFolder | null> {
  const items = await entries(abs);
  const docs: string[] = [];
  const remarks: string[] = [];
  let looksLikeFeature = false;
  let readinessDir = false;
  for (const e of items) {
    const p = join(abs, e.name);
    if (e.isDirectory()) {
      if (READINESS_DIR.test(e.name)) {
        readinessDir = true;
        looksLikeFeature = true;
        for (const f of await entries(p)) {
          // Sockets, FIFOs and devices are listed too, so that the reader can say it skipped them.
          if (!f.isDirectory() && MD.test(f.name)) docs.push(join(p, f.name));
          else if (f.isDirectory() && !SKIP_DIR.test(f.name))
            for (const g of await entries(join(p, f.name)))
              if ((g.isFile() || g.isSymbolicLink()) && MD.test(g.name)) docs.push(join(p, f.name, g.name));
        }
      } else if (PHASE_DIR.test(e.name)) {
        looksLikeFeature = true;
        for (const f of await entries(p))
          if ((f.isFile() || f.isSymbolicLink()) && /(after[-_ ]action|aar)[^/]*\.(md|markdown)$/i.test(f.name))
            docs.push(join(p, f.name));
      }
    } else if (e.isFile() || e.isSymbolicLink()) {
      if (ROOT_DOCS.test(e.name) || READINESS_NAMES.test(e.name)) {
        docs.push(p);
        looksLikeFeature = true;
      } else if (MD.test(e.name)) looksLikeFeature = true;
    }
  }
  if (!looksLikeFeature) return null;
  if (!readinessDir) remarks.push("no 07-readiness folder");
  return { name, path: repoPath(root, abs), docs: docs.sort(), remarks };
}

/** Reads and parses a feature's documents; unreadable ones are skipped with the reason. */
export async function readFeatureDocs(root: string, files: readonly string[], capBytes: number): Promise<ReadDocs> {
  const out: ReadDocs = { docs: [], skipped: [], remarks: [] };
  for (const abs of files) {
    const file = repoPath(root, abs);
    // Resolved first, and the resolved path read: a link out of the repository is never followed.
    const where = contained(root, abs);
    if (where.kind === "outside") {
      out.skipped.push({ file, reason: OUTSIDE_REASON });
      continue;
    }
    let read;
    try {
      read = readBoundedSync(where.kind === "inside" ? where.real : abs, capBytes);
    } catch (e) {
      out.skipped.push({ file, reason: `unreadable (${(e as NodeJS.ErrnoException).code ?? "error"})` });
      continue;
    }
    if (!read) {
      out.skipped.push({ file, reason: "not a regular file: skipped" });
      continue;
    }
    const decoded = decodeDoc(read.bytes, read.truncated, capBytes);
    if (decoded.text === null) {
      out.skipped.push({ file, reason: decoded.remarks.join("; ") });
      continue;
    }
    for (const r of decoded.remarks) out.remarks.push(`${file}: ${r}`);
    out.docs.push(parseReadinessDoc(file, decoded.text));
  }
  return out;
}
