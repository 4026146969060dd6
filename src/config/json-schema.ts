/**
 * The JSON Schema of brtops.config.yaml, generated from the one zod schema (STYLE: one schema also
 * produces the published JSON Schema), so an editor completes and checks the same keys brtops
 * reads. scripts/build.mjs writes it to schema/brtops.config.schema.json; the package ships it.
 */
import { z } from "zod";
import { configSchema } from "./schema.js";

/** Where the package keeps the generated schema, relative to its root. */
export const SCHEMA_FILE = "schema/brtops.config.schema.json";

/**
 * The schema of what a person writes (zod's input side: keys with defaults are optional, and
 * `leads.hum` takes an id or `{id, key}` before it is normalised).
 * @example JSON.stringify(configJsonSchema()).includes('"leads"') // true
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: "input",
    target: "draft-2020-12",
    // Refinements (a path inside the project, one action per step) stay brtops' own checks.
    unrepresentable: "any",
    // zod names `.includes()` as a format of its own; JSON Schema knows it by the pattern alone.
    override: (ctx) => {
      if (ctx.jsonSchema.format === "includes") delete ctx.jsonSchema.format;
    },
  });
  return {
    $schema: schema.$schema,
    title: "brtops.config.yaml",
    description: "The configuration of brtops, the BRTOPS RELEASE orchestrator (see its README).",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}
