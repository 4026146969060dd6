/**
 * The options actions take, as zod schemas with the words each face shows (help text, the value's
 * name on a command line). One schema validates an option whichever face it came through.
 */
import type { z } from "zod";
import type { Sev } from "../core/events.js";
import { parseSev } from "../core/workflow.js";

/** A name of someone or something (a login id, a question id, a feature, a step): bounded, like every identity. */
const IDENTITY_MAX = 256;

/** How an option is shown and read on a command line (the other faces read JSON). */
export interface FieldUi {
  /** Its help line. */
  description: string;
  /** The value's name in help (`--step ID`); none for a switch. */
  value?: string;
  /** The command line takes it as the Nth word after the command; "rest": that word and all after it, joined. */
  arg?: number | "rest";
  /** The command line's name for it when not the kebab-case of its key (request's environment is `--to`). */
  flag?: string;
}

/**
 * zod, once a face that validates has loaded it (actions/input.ts provides it as it loads). The
 * table's schemas are made on first use: the command line needs only their words, and loading
 * zod (~390 KB) before every command would double the start of `brtops status`.
 */
type Zod = typeof z;
let zod: Zod | undefined;
export function provideZod(z: Zod): void {
  zod = z;
}

/** A schema made from zod when it is first asked for. */
export type SchemaOf = (z: Zod) => z.ZodType;

export interface Field {
  readonly schema: z.ZodType;
  ui: FieldUi;
}

const field = (make: SchemaOf, ui: FieldUi): Field => {
  let made: z.ZodType | undefined;
  return {
    ui,
    get schema(): z.ZodType {
      if (!zod) throw new Error("The action schemas are read before zod was provided (import actions/input.js).");
      return (made ??= make(zod).describe(ui.description));
    },
  };
};

export const identity = (z: Zod) => z.string().min(1).max(IDENTITY_MAX);
/** Text a person must actually write: blank is refused before the core sees it. */
export const text = (z: Zod) =>
  z
    .string()
    .max(64_000)
    .refine((s) => s.trim().length > 0, "must not be blank");

/** A SEV level as "SEV-2" (any case, dash optional) or the number 2: SEV-0 … SEV-5. */
export const SevLevel = (z: Zod) =>
  z.union([z.number().int().min(0).max(5), z.string()]).transform((v, ctx): Sev => {
    const sev = typeof v === "number" ? (v as Sev) : parseSev(v);
    if (sev === null) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not a SEV level (SEV-0 … SEV-5, or 0 … 5)` });
      return z.NEVER;
    }
    return sev;
  });

export const INCIDENT_CHOICES = ["retry", "rollback", "continue"] as const;

/** The options every decision takes. */
export const decisionFields = {
  step: field((z) => identity(z).optional(), {
    description: "the step you saw (refused when the release has moved on)",
    value: "ID",
  }),
  note: field((z) => z.string().max(64_000).optional(), {
    description: "a note recorded with the decision",
    value: "T",
  }),
  dryRun: field((z) => z.boolean().optional(), { description: "make every check, record nothing" }),
};

export const f = {
  field,
  text: (description: string, arg?: number | "rest", value = "TEXT") =>
    field(text, { description, value, ...(arg !== undefined ? { arg } : {}) }),
  id: (description: string, value: string, arg?: number) =>
    field(identity, { description, value, ...(arg !== undefined ? { arg } : {}) }),
  reason: (description = "why (recorded)") => field(text, { description, value: "T" }),
  optionalText: (description: string, value: string) =>
    field((z) => z.string().min(1).max(64_000).optional(), { description, value }),
  bool: (description: string) => field((z) => z.boolean().optional(), { description }),
};
