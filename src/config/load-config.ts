/** Reads `brtops.config.yaml`: YAML with positions, one zod schema, errors that name key, file and line. */
import { join, resolve } from "node:path";
import { isMap, isNode, isScalar } from "yaml";
import { BrtopsError } from "../core/errors.js";
import { parseYaml, readYamlFile } from "./parse-yaml.js";
import { configSchema, type Config } from "./schema.js";
import { CONFIG_FILE, findRoot } from "./find-root.js";

export { CONFIG_FILE, findRoot };

export interface LoadedConfig {
  config: Config;
  root: string;
  file: string;
}

export function loadConfig(cwd: string): LoadedConfig {
  const root = findRoot(cwd);
  if (!root) {
    throw new BrtopsError("E_CONFIG_MISSING", `No ${CONFIG_FILE} in ${resolve(cwd)} or any folder above it.`, {
      hint: "Run `brtops init --hum-lead YOU@example.com --ai-lead AGENT@example.com` in your repository first.",
    });
  }
  const file = join(root, CONFIG_FILE);
  return { config: parseConfig(readYamlFile(file), file), root, file };
}

export function parseConfig(text: string, file: string): Config {
  // Within limits (size, depth, aliases): a YAML bomb is a bad config, not an internal error.
  const { doc, lineCounter, raw: parsedRaw } = parseYaml(text, file);
  const raw: unknown = parsedRaw ?? {};
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  // Point at the deepest node that exists: a missing key is reported at its parent.
  let line: number | undefined;
  if (issue.code === "unrecognized_keys") {
    // Point at the unknown key itself, not at the map holding it.
    const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isMap(map)) {
      const pair = map.items.find((it) => isScalar(it.key) && it.key.value === issue.keys[0]);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) line = lineCounter.linePos(range[0]).line;
    }
  }
  for (let n = path.length; n >= 0 && line === undefined; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
  }
  const key = path.join(".") || "(top level)";
  const message =
    issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}` : issue.message;
  throw new BrtopsError("E_CONFIG_INVALID", `${file}${line ? `:${line}` : ""}: ${key}: ${message}`, {
    hint: "See the configuration section of the README for the keys brtops knows.",
    details: { file, key, ...(line ? { line } : {}) },
  });
}
