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
  id.describe("The HUM LEAD's id (an e-mail address, as git's user.email or --as gives it)."),
  z
    .object({
      id: id.describe("The HUM LEAD's id (an e-mail address, as git's user.email or --as gives it)."),
      key: z.string().min(1).optional().describe('An SSH public key that signs their decisions ("ssh-ed25519 AAAA…").'),
      keys: z.array(z.string().min(1)).optional().describe("Several SSH public keys that sign their decisions."),
    })
    .strict(),
]);

export const configSchema = z
  .object({
    project: z
      .object({ name: z.string().optional().describe("The project's name, shown in the documents and the dashboard.") })
      .strict()
      .default({})
      .describe("About the project."),
    leads: z
      .object({
        hum: z
          .array(humLead)
          .min(1, "name at least one HUM LEAD")
          .describe("HUM LEADs: they approve, reject, decide GO / NO-GO and certify. At least one."),
        ai: z
          .array(id)
          .default([])
          .describe("AI LEADs: they request releases, run steps, ask questions and report. They never approve."),
        members: z.array(id).default([]).describe("People who may give feedback and sign off, without deciding."),
        emergency: z
          .array(id)
          .default([])
          .describe(
            "Emergency contacts: during a failing deployment they may order a rollback or an abort (Emergency Authority).",
          ),
      })
      .strict()
      .describe("Who leads releases, by id (e-mail address).")
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
        releases: z
          .string()
          .default("docs/01_application/6-releases")
          .describe("Folder of the release documents (one v{version} folder per version)."),
        features: z.string().default("docs/02_features").describe("Folder of the feature documents."),
      })
      .strict()
      .default({ releases: "docs/01_application/6-releases", features: "docs/02_features" })
      .describe("Where the documents are, relative to the project root."),
    environments: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "environment names are lower-case words joined by -"),
        environmentSchema,
      )
      .default({})
      .describe("Deployment targets by name (lower-case words joined by -): their deploy, health and rollback steps."),
    promotion: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "environment names are lower-case words joined by -"))
      .optional()
      .describe("The order a version goes through environments: a later one needs it certified on the one before."),
    build: z
      .array(
        commandStepSchema.extend({
          artifacts: z
            .array(z.string())
            .default([])
            .describe("Globs of the files the build makes; they are fixed into the approved package (2.4)."),
        }),
      )
      .default([])
      .describe("Build steps (phase 2): commands whose artifacts make the approved package."),
    tests: z
      .object({
        integration: z.array(testStepSchema).default([]).describe("Integration test commands (phase 3)."),
        performance: z.array(testStepSchema).default([]).describe("Performance test commands (phase 3)."),
        security: z.array(testStepSchema).default([]).describe("Security scans (phase 3), e.g. npm audit --json."),
        uat: z
          .object({
            signoffs: z
              .array(id)
              .default([])
              .describe("People whose UAT sign-off phase 3 collects (`brtops signoff --uat`)."),
          })
          .strict()
          .default({ signoffs: [] })
          .describe("User acceptance testing."),
      })
      .strict()
      .default({ integration: [], performance: [], security: [], uat: { signoffs: [] } })
      .describe("Test steps of phase 3; each may name the report file it writes."),
    validation: z
      .object({
        smoke: z.array(commandStepSchema).default([]).describe("Smoke test commands run after deployment (phase 7)."),
      })
      .strict()
      .default({ smoke: [] })
      .describe("Post-deployment validation (phase 7)."),
    sev: sevConfigSchema.prefault({}).describe("How the release SEV is assessed (1.4): the factors and the default."),
    scope: scopeConfigSchema.prefault({}).describe("Scope categories and the drift thresholds after an approval."),
    readiness: readinessConfigSchema
      .prefault({})
      .describe("Feature readiness thresholds (validation, performance and security scores)."),
    signoffs: signoffsSchema.prefault({}).describe("Stakeholder sign-offs collected before GO (5.2)."),
    release: releaseConfigSchema
      .prefault({})
      .describe("How the version is written into the project's files, committed and tagged."),
    notifications: notificationsSchema
      .optional()
      .describe("Where brtops tells people about gates, deployments and incidents: webhook, Slack, e-mail."),
    authority: authorityConfigSchema
      .prefault({})
      .describe("Separation of duties (selfApproval) and who must sign decisions (requireSignatures)."),
    emergency: emergencyConfigSchema
      .prefault({})
      .describe("Emergency Authority: escalation of an incident nobody decided (escalateAfter)."),
    store: z
      .string()
      .optional()
      .describe('Where the event logs live: "file" (default, in .brtops/) or a postgres://user@host:5432/db URL.'),
  })
  .strict();

export type Config = Readonly<z.infer<typeof configSchema>>;
export type { CommandStep, EnvironmentConfig } from "./schema-environment.js";
