/**
 * Config sections of release intelligence: SEV factors, scope categories, readiness thresholds,
 * stakeholder sign-offs and test steps that name a report file. Every section has defaults, so a
 * config that names none of them behaves as the framework's documents describe.
 */
import { z } from "zod";
import { commandStepSchema } from "./schema-environment.js";
import { DEFAULT_DEVIATION_THRESHOLDS } from "../core/scope-deviation.js";
import { DEFAULT_SCOPE_CATEGORIES } from "../core/scope-fingerprint.js";

const globs = z.array(z.string().min(1));
const sevLevel = z.number().int().min(0).max(5);

/** Paths whose change has security implications (the framework: SEV-0 or SEV-1). */
export const DEFAULT_SECURITY_PATHS: readonly string[] = [
  "**/auth/**",
  "**/authn/**",
  "**/authz/**",
  "**/security/**",
  "**/crypto/**",
  "**/*auth*.{ts,js,mjs,cjs,py,go,rb,java,kt,rs,cs,php}",
  "**/*permission*",
  "**/*secret*",
  "**/*password*",
  "**/*token*.{ts,js,mjs,cjs,py,go,rb,java,kt,rs,cs,php}",
  "**/.npmrc",
  "SECURITY.md",
];

/**
 * Infrastructure paths for the SEV rule: the scope category's list without the package manifest,
 * lockfiles and brtops' own config, whose routine changes (a dependency bump) are not
 * infrastructure changes in the framework's sense.
 */
export const DEFAULT_SEV_INFRASTRUCTURE_PATHS: readonly string[] = DEFAULT_SCOPE_CATEGORIES.infrastructure.filter(
  (g) => !/package\.json|lock|shrinkwrap|brtops\.config/.test(g),
);

export const sevConfigSchema = z
  .object({
    securityPaths: globs
      .default([...DEFAULT_SECURITY_PATHS])
      .describe(
        "Globs of security-relevant paths: a change there makes the release SEV-1 (SEV-0 with a breaking or infrastructure change).",
      ),
    infrastructurePaths: globs
      .default([...DEFAULT_SEV_INFRASTRUCTURE_PATHS])
      .describe("Globs of infrastructure paths: a change there makes the release at least SEV-1."),
    featureCountRaise: z
      .number()
      .int()
      .positive()
      .default(5)
      .describe("This many features (or more) in one release raise its SEV by one level."),
    default: sevLevel.default(3).describe("The SEV (0-5) when no feature states one and no factor applies."),
  })
  .strict();

const categoryGlobs = globs.optional();
export const scopeConfigSchema = z
  .object({
    categories: z
      .object({
        feature: categoryGlobs.describe("Globs of feature code."),
        integration: categoryGlobs.describe("Globs of integration code (APIs, clients, adapters)."),
        infrastructure: categoryGlobs.describe("Globs of infrastructure (deployment, CI, containers, manifests)."),
        business: categoryGlobs.describe("Globs of business logic."),
      })
      .strict()
      .default({})
      .describe("Globs per scope category; a category left out keeps its default list."),
    thresholds: z
      .object({
        minor: z
          .number()
          .min(0)
          .max(100)
          .default(DEFAULT_DEVIATION_THRESHOLDS.minor)
          .describe("System impact % below which a scope drift is only noted."),
        major: z
          .number()
          .min(0)
          .max(100)
          .default(DEFAULT_DEVIATION_THRESHOLDS.major)
          .describe("System impact % above which a scope drift holds the release; up to it a HUM LEAD approves."),
      })
      .strict()
      .default({ ...DEFAULT_DEVIATION_THRESHOLDS })
      .describe(
        "Scope drift after an approval, as system impact %: minor → note, up to major → approve, above → hold.",
      ),
  })
  .strict();

const score = z.number().min(0).max(100);
export const readinessConfigSchema = z
  .object({
    validationScore: score.default(80).describe("Lowest validation score (0-100) a ready feature has."),
    performanceScore: score.default(85).describe("Lowest performance score (0-100) a ready feature has."),
    securityScore: score.default(90).describe("Lowest security score (0-100) a ready feature has."),
    maxFileBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024)
      .describe("Bytes read from one readiness document; the rest is ignored (and said so)."),
  })
  .strict();

const id = z.string().min(1);
export const signoffsSchema = z
  .object({
    stakeholders: z.array(id).default([]).describe("People whose sign-off phase 5 (5.2) collects before GO."),
    required: z.number().int().min(0).optional().describe("How many of them must sign; default all."),
  })
  .strict();

export const TEST_REPORT_FORMATS = ["auto", "junit", "tap", "npm-audit", "exit-code"] as const;
export type TestReportFormat = (typeof TEST_REPORT_FORMATS)[number];

/** A test command that may name the report file it writes (JUnit XML, TAP or `npm audit --json`). */
export const testStepSchema = commandStepSchema.extend({
  report: z
    .string()
    .min(1)
    .optional()
    .describe("A file the command writes, relative to the project root; else its stdout is read."),
  format: z
    .enum(TEST_REPORT_FORMATS)
    .optional()
    .describe("How to read the report; auto recognises JUnit XML, TAP and npm audit JSON."),
  failOn: z
    .enum(["info", "low", "moderate", "high", "critical"])
    .optional()
    .describe("npm audit: the lowest vulnerability severity that fails the step (default high)."),
});

export type SevConfig = z.infer<typeof sevConfigSchema>;
export type ScopeConfig = z.infer<typeof scopeConfigSchema>;
export type ReadinessConfig = z.infer<typeof readinessConfigSchema>;
export type SignoffsConfig = z.infer<typeof signoffsSchema>;
export type TestStep = z.infer<typeof testStepSchema>;

/** Parsed defaults of every intel section, for configs (and tests) that name none of them. */
export const INTEL_DEFAULTS = {
  sev: sevConfigSchema.parse({}),
  scope: scopeConfigSchema.parse({}),
  readiness: readinessConfigSchema.parse({}),
  signoffs: signoffsSchema.parse({}),
} as const;

/** The intel sections as they may appear on a config (all optional until schema.ts carries them). */
export interface IntelConfigView {
  paths?: { features?: string };
  sev?: Partial<SevConfig>;
  scope?: Partial<ScopeConfig>;
  readiness?: Partial<ReadinessConfig>;
  signoffs?: Partial<SignoffsConfig>;
}

/** Fills the intel sections of a config with defaults; works whether or not schema.ts has them yet. */
export function intelSettings(config: IntelConfigView): {
  featuresPath: string;
  sev: SevConfig;
  scope: ScopeConfig;
  readiness: ReadinessConfig;
  signoffs: SignoffsConfig;
} {
  return {
    featuresPath: config.paths?.features ?? "docs/02_features",
    sev: { ...INTEL_DEFAULTS.sev, ...stripUndefined(config.sev) },
    scope: { ...INTEL_DEFAULTS.scope, ...stripUndefined(config.scope) },
    readiness: { ...INTEL_DEFAULTS.readiness, ...stripUndefined(config.readiness) },
    signoffs: { ...INTEL_DEFAULTS.signoffs, ...stripUndefined(config.signoffs) },
  };
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
