/**
 * An action's input, validated by the one schema of the action table whichever face it came from:
 * the same option names, the same checks, the same error (E_BAD_REQUEST, naming the options the
 * action takes).
 */
import { z } from "zod";
import { BrtopsError } from "../core/errors.js";
import { provideZod } from "./fields.js";
import type { ActionSpec } from "./table.js";

provideZod(z);

const schemas = new WeakMap<ActionSpec, z.ZodObject>();

/** The action's options as one strict zod object (an unknown option is refused). */
export function inputSchema(a: ActionSpec, extra: Record<string, z.ZodType> = {}): z.ZodObject {
  const known = Object.keys(extra).length === 0 ? schemas.get(a) : undefined;
  if (known) return known;
  const shape: Record<string, z.ZodType> = {};
  for (const [k, fl] of Object.entries(a.fields)) shape[k] = fl.schema;
  const s = z.strictObject({ ...shape, ...extra });
  if (Object.keys(extra).length === 0) schemas.set(a, s);
  return s;
}

/** The option names an action takes, as its input names them. */
export function optionNames(a: ActionSpec): string[] {
  return Object.keys(a.fields);
}

/**
 * Validates an action's input; E_BAD_REQUEST (HTTP 400, exit 2, an MCP tool error) saying which
 * option is wrong and which options the action takes.
 */
export function parseActionInput(
  a: ActionSpec,
  raw: unknown,
  extra: Record<string, z.ZodType> = {},
): Record<string, unknown> {
  const r = inputSchema(a, extra).safeParse(raw ?? {});
  if (r.success) return r.data;
  const msg = r.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
  const takes = [...optionNames(a), ...Object.keys(extra)];
  throw new BrtopsError("E_BAD_REQUEST", `The input of \`${a.name}\` is invalid: ${msg}.`, {
    hint: takes.length ? `\`${a.name}\` takes ${takes.join(", ")}.` : `\`${a.name}\` takes no options.`,
    details: { action: a.name, options: takes },
  });
}
