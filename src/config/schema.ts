/**
 * The one schema of `brtops.config.yaml`. Later work extends its sections; everything downstream
 * takes the readonly, normalised `Config` this produces.
 */
import { z } from "zod";
import { notificationsSchema } from "./schema-notifications.js";
import { commandStepSchema, environmentSchema } from "./schema-environment.js";
import { releaseConfigSchema } from "./schema-release.js";
import { authorityConfigSchema, emergencyConfigSchema } from "./schema-authority.js";
import {
  readinessConfigSchema,
  scopeConfigSchema,
  sevConfigSchema,
  signoffsSchema,
  testStepSchema,
} from "./schema-intel.js";

const id = z.string().min(1);
/** A HUM LEAD: an id, or an id with the SSH public key(s) that sign their decisions (`key: "ssh-ed25519 AAAA…"`). */
const humLead = z.union([
  id,
  z.object({ id, key: z.string().min(1).optional(), keys: z.array(z.string().min(1)).optional() }).strict(),
]);

export const configSchema = z
  .object({
    project: z.object({ name: z.string().optional() }).strict().default({}),
    leads: z
      .object({
        hum: z.array(humLead).min(1, "name at least one HUM LEAD"),
        ai: z.array(id).default([]),
        /** People who may give feedback and sign off, without deciding. */
        members: z.array(id).default([]),
        emergency: z.array(id).default([]),
      })
      .strict()
      // Normalised once: `hum` is the ids everything reads; the keys go to `signingKeys`.
      .transform(({ hum, ...rest }) => ({
        ...rest,
        hum: hum.map((h) => (typeof h === "string" ? h : h.id)),
        signingKeys: hum.flatMap((h) =>
          typeof h === "string"
            ? []
            : [...(h.key ? [h.key] : []), ...(h.keys ?? [])].map((key) => ({ id: h.id, key: key.trim() })),
        ),
      })),
    paths: z
      .object({
        releases: z.string().default("docs/01_application/6-releases"),
        features: z.string().default("docs/02_features"),
      })
      .strict()
      .default({ releases: "docs/01_application/6-releases", features: "docs/02_features" }),
    environments: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "environment names are lower-case words joined by -"),
        environmentSchema,
      )
      .default({}),
    /** The order a version goes through environments: a later one needs it certified on the one before. */
    promotion: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "environment names are lower-case words joined by -"))
      .optional(),
    build: z.array(commandStepSchema.extend({ artifacts: z.array(z.string()).default([]) })).default([]),
    tests: z
      .object({
        integration: z.array(testStepSchema).default([]),
        performance: z.array(testStepSchema).default([]),
        security: z.array(testStepSchema).default([]),
        uat: z
          .object({ signoffs: z.array(id).default([]) })
          .strict()
          .default({ signoffs: [] }),
      })
      .strict()
      .default({ integration: [], performance: [], security: [], uat: { signoffs: [] } }),
    validation: z
      .object({ smoke: z.array(commandStepSchema).default([]) })
      .strict()
      .default({ smoke: [] }),
    sev: sevConfigSchema.prefault({}),
    scope: scopeConfigSchema.prefault({}),
    readiness: readinessConfigSchema.prefault({}),
    signoffs: signoffsSchema.prefault({}),
    release: releaseConfigSchema.prefault({}),
    notifications: notificationsSchema.optional(),
    /** Who must sign decisions (requireSignatures) and separation of duties (selfApproval); see schema-authority. */
    authority: authorityConfigSchema.prefault({}),
    /** Emergency Authority: escalation of an incident nobody decided (escalateAfter). */
    emergency: emergencyConfigSchema.prefault({}),
    store: z.string().optional(),
  })
  .strict();

export type Config = Readonly<z.infer<typeof configSchema>>;
export type { CommandStep, EnvironmentConfig } from "./schema-environment.js";
