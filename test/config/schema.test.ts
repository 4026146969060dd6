/**
 * The config's JSON Schema (schema/brtops.config.schema.json, generated from the zod schema at
 * build time and shipped in the package), validated with ajv as an editor's YAML language server
 * does: it describes every key, accepts what `brtops init` writes and the README's examples, and
 * rejects a misspelt key — and it agrees with brtops' own reading of the same files.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { configJsonSchema, SCHEMA_FILE } from "../../src/config/json-schema.js";
import { parseConfig } from "../../src/config/load-config.js";
import { assembleInitPlan, renderConfigTemplate } from "../../src/cli/config-template.js";
import type { ProjectFacts } from "../../src/cli/init-facts.js";

// ajv and ajv-formats are CommonJS; required as Node loads them for an editor's validator.
const require = createRequire(import.meta.url);
const { Ajv2020 } = require("ajv/dist/2020") as typeof import("ajv/dist/2020.js");
const addFormats = require("ajv-formats") as (ajv: InstanceType<typeof Ajv2020>) => void;

const ROOT = resolve(__dirname, "../..");
type Json = Record<string, unknown>;

function validator(schema: Json) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Every key of every object in the schema that has no description, as a dotted path. */
export function undescribedKeys(schema: unknown, path = ""): string[] {
  if (!schema || typeof schema !== "object") return [];
  if (Array.isArray(schema)) return schema.flatMap((s) => undescribedKeys(s, path));
  const node = schema as Json;
  const out: string[] = [];
  for (const [k, v] of Object.entries((node.properties as Json | undefined) ?? {})) {
    const d = (v as Json).description;
    if (typeof d !== "string" || d.trim() === "") out.push(`${path}.${k}`);
    out.push(...undescribedKeys(v, `${path}.${k}`));
  }
  for (const k of ["items", "anyOf", "oneOf", "allOf", "prefixItems", "$defs"])
    if (node[k]) out.push(...undescribedKeys(node[k], path + (k === "items" ? "[]" : "")));
  if (node.additionalProperties && typeof node.additionalProperties === "object")
    out.push(...undescribedKeys(node.additionalProperties, `${path}.*`));
  return out;
}

const facts: ProjectFacts = {
  gitRoot: "/p",
  origin: { host: "github.com", owner: "acme", repo: "widget" },
  packageJson: { name: "widget", version: "1.0.0", private: false },
  latestTag: { tag: "v1.0.0", version: "1.0.0" },
  scripts: ["deploy.sh", "health.sh"],
  userEmail: "dev@example.com",
  ignoresBrtops: false,
};

/**
 * The README's ```yaml blocks of brtops.config.yaml (those naming at least one config key; a
 * GitHub workflow is another file); fragments get the one required key (leads) a whole config has.
 */
function readmeExamples(known: readonly string[]): { line: number; config: Json }[] {
  const text = readFileSync(join(ROOT, "README.md"), "utf8");
  const out: { line: number; config: Json }[] = [];
  const re = /^```yaml\n([\s\S]*?)^```/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const config = (parseYaml(m[1]!) ?? {}) as Json;
    if (!Object.keys(config).some((k) => known.includes(k))) continue;
    out.push({
      line: text.slice(0, m.index).split("\n").length,
      config: "leads" in config ? config : { leads: { hum: ["alice@example.com"] }, ...config },
    });
  }
  return out;
}

describe("the config's JSON Schema", () => {
  const schema = configJsonSchema();

  it("describes every key (a new key without .describe() fails here)", () => {
    expect(undescribedKeys(schema)).toEqual([]);
    expect(undescribedKeys({ properties: { a: { description: "x", properties: { b: {} } } } })).toEqual([".a.b"]);
  });

  it("is what the build wrote to schema/, which the package ships", () => {
    const file = join(ROOT, SCHEMA_FILE);
    expect(existsSync(file), `${file}: run the build (node scripts/build.mjs)`).toBe(true);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(schema);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("schema");
  });

  it("compiles under ajv's strict draft 2020-12 mode", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(() => validator(schema)).not.toThrow();
  });

  it("accepts the config init writes, as brtops does", () => {
    const validate = validator(schema);
    for (const environments of [undefined, [], ["github"], ["staging", "npm"]] as const) {
      const plan = assembleInitPlan(facts, {
        hum: ["alice@example.com"],
        ai: ["agent@example.com"],
        schemaRef: "./node_modules/brtops/schema/brtops.config.schema.json",
        ...(environments ? { environments } : {}),
      });
      const text = renderConfigTemplate(plan);
      const ok = validate(parseYaml(text));
      expect(ok, JSON.stringify(validate.errors)).toBe(true);
      expect(() => parseConfig(text, "brtops.config.yaml")).not.toThrow();
    }
  });

  it("accepts every yaml example of the README, as brtops does", () => {
    const validate = validator(schema);
    const examples = readmeExamples(Object.keys(schema.properties as Json));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const { line, config } of examples) {
      expect(validate(config), `README.md:${line}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(() => parseConfig(JSON.stringify(config), `README.md:${line}`)).not.toThrow();
    }
  });

  it.each([
    ["a misspelt top-level key", { leads: { hum: ["a@x"] }, enviroments: {} }, "/", "enviroments"],
    ["a misspelt lead kind", { leads: { hum: ["a@x"], ai_leads: ["b@x"] } }, "/leads", "ai_leads"],
    [
      "a misspelt environment key",
      { leads: { hum: ["a@x"] }, environments: { staging: { onFailur: "ask" } } },
      "/environments/staging",
      "onFailur",
    ],
    [
      "a misspelt step key",
      { leads: { hum: ["a@x"] }, environments: { staging: { deploy: [{ name: "s", run: ["x"], timeot: 5 }] } } },
      "/environments/staging/deploy/0",
      "timeot",
    ],
    [
      "a misspelt release key",
      { leads: { hum: ["a@x"] }, release: { versionFile: ["package.json"] } },
      "/release",
      "versionFile",
    ],
  ])("rejects %s, naming it (as brtops does)", (_label, config, at, key) => {
    const validate = validator(schema);
    expect(validate(config)).toBe(false);
    const extra = (validate.errors ?? []).filter(
      (e) => e.keyword === "additionalProperties" && e.instancePath === (at === "/" ? "" : at),
    );
    expect(extra.map((e) => (e.params as { additionalProperty: string }).additionalProperty)).toContain(key);
    expect(() => parseConfig(JSON.stringify(config), "brtops.config.yaml")).toThrow(new RegExp(`unknown key "${key}"`));
  });

  it("rejects wrong types and values where brtops does", () => {
    const validate = validator(schema);
    for (const bad of [
      { leads: { hum: [] } },
      { leads: { hum: ["a@x"] }, environments: { Staging: {} } },
      { leads: { hum: ["a@x"] }, environments: { staging: { onFailure: "retry" } } },
      { leads: { hum: ["a@x"] }, environments: { staging: { deploy: [{ name: "s", run: "./deploy.sh" }] } } },
      { leads: { hum: ["a@x"] }, environments: { gh: { github: { repository: "no-slash" } } } },
      { leads: { hum: ["a@x"] }, store: 5 },
    ]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
      expect(() => parseConfig(JSON.stringify(bad), "brtops.config.yaml"), JSON.stringify(bad)).toThrow();
    }
  });
});
