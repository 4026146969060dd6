/**
 * Spec 1.2/1.3 end to end (I/O): find the features, read their documents, the feature index and
 * the registry, assess each feature and aggregate. `brtops features --json` prints the result.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { intelSettings, type IntelConfigView } from "../config/schema-intel.js";
import { aggregateReadiness, namesFeature, type Waivers } from "./aggregate-readiness.js";
import { assessFeature } from "./assess-feature.js";
import { decodeDoc } from "./doc-text.js";
import type { FeatureReadiness, FeatureReport } from "./feature-types.js";
import { parseFeatureIndex, parseFeatureRegistry, type IndexEntry } from "./parse-feature-index.js";
import { mapLimit, readBounded } from "./read-bounded.js";
import { OUTSIDE_REASON, contained } from "../adapters/fs-contained.js";
import { describeFolder, findFeatureFolders, readFeatureDocs, type FeatureFolder } from "./read-features.js";

export const REGISTRY_FILE = ".brtops/feature-registry.json";
export const INDEX_FILE = "feature-index.md";

/** Reads the features of the project at `root`. Example: `(await readFeatureReport(root, config, {waived: ["search"]})).readiness` → "CONDITIONAL". */
export async function readFeatureReport(
  root: string,
  config: IntelConfigView,
  waivers: Waivers = {},
): Promise<FeatureReport> {
  const { features, remarks } = await readFeatures(root, config);
  const r = intelSettings(config).readiness;
  return aggregateReadiness(
    features,
    waivers,
    { validationScore: r.validationScore, performanceScore: r.performanceScore, securityScore: r.securityScore },
    remarks,
  );
}

/** The features one by one, and project-level remarks (before waivers and aggregation). */
export async function readFeatures(
  root: string,
  config: IntelConfigView,
): Promise<{ features: FeatureReadiness[]; remarks: string[] }> {
  const settings = intelSettings(config);
  const cap = settings.readiness.maxFileBytes;
  const featuresPath = settings.featuresPath.replace(/\/+$/, "");
  const featuresDir = join(root, featuresPath);
  const remarks: string[] = [];
  if (!isDir(featuresDir)) remarks.push(`no features folder at ${featuresPath}: no features to aggregate`);

  const indexFile = `${featuresPath}/${INDEX_FILE}`;
  const index = await readListFile(root, indexFile, cap, remarks, (t) => ({ entries: parseFeatureIndex(t) }));
  const registry = await readListFile(root, REGISTRY_FILE, cap, remarks, parseFeatureRegistry);

  const folders = isDir(featuresDir) ? await findFeatureFolders(root, featuresDir) : [];
  // Index or registry entries may point at folders the scan did not reach (deeper, elsewhere).
  for (const e of [...index, ...registry]) {
    if (!e.path || folders.some((f) => samePath(f.path, e.path!))) continue;
    const abs = join(root, e.path);
    if (!isDir(abs) || !abs.startsWith(root)) continue;
    const f = await describeFolder(root, abs, e.path.split("/").pop() ?? e.path);
    if (f) folders.push(f);
  }

  const matched = new Set<IndexEntry>();
  const match = (list: IndexEntry[], f: FeatureFolder): IndexEntry | undefined => {
    const hit = list.find((e) => (e.path && samePath(e.path, f.path)) || namesFeature(e.name, f));
    if (hit) matched.add(hit);
    return hit;
  };
  const features = await mapLimit(folders, 16, async (f) => {
    const read = await readFeatureDocs(root, f.docs, cap);
    const ie = match(index, f);
    const re = match(registry, f);
    return assessFeature({
      name: f.name,
      path: f.path,
      docs: read.docs,
      skipped: read.skipped,
      remarks: [...f.remarks, ...read.remarks],
      ...(ie ? { index: { file: indexFile, entry: ie } } : {}),
      ...(re ? { registry: { file: REGISTRY_FILE, entry: re } } : {}),
    });
  });
  // Listed features with no folder still count: what the index says is all there is to read.
  for (const [list, file] of [
    [index, indexFile],
    [registry, REGISTRY_FILE],
  ] as const) {
    for (const e of list) {
      if (matched.has(e) || features.some((f) => namesFeature(e.name, f) || (e.path && samePath(e.path, f.path))))
        continue;
      features.push(
        assessFeature({
          name: e.name,
          path: e.path ?? `${featuresPath}/${e.name}`,
          docs: [],
          remarks: [`listed in ${file}:${e.line} but no folder was found${e.path ? ` at ${e.path}` : ""}`],
          ...(file === indexFile ? { index: { file, entry: e } } : { registry: { file, entry: e } }),
        }),
      );
    }
  }
  features.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { features, remarks };
}

async function readListFile(
  root: string,
  file: string,
  cap: number,
  remarks: string[],
  parse: (text: string) => { entries: IndexEntry[]; error?: string },
): Promise<IndexEntry[]> {
  const abs = join(root, file);
  if (!existsSync(abs)) return [];
  const where = contained(root, abs);
  if (where.kind === "outside") {
    remarks.push(`${file}: ${OUTSIDE_REASON}`);
    return [];
  }
  const read = await readBounded(where.kind === "inside" ? where.real : abs, cap).catch(() => null);
  if (!read) {
    remarks.push(`${file}: not readable: ignored`);
    return [];
  }
  const decoded = decodeDoc(read.bytes, read.truncated, cap);
  if (decoded.text === null) {
    remarks.push(`${file}: ${decoded.remarks.join("; ")}: ignored`);
    return [];
  }
  const parsed = parse(decoded.text);
  if (parsed.error) remarks.push(`${file}: ${parsed.error}: ignored`);
  return parsed.entries;
}

function samePath(a: string, b: string): boolean {
  const n = (p: string): string => p.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "").toLowerCase();
  return n(a) === n(b);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
