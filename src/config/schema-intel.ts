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
    /** Globs of security-relevant paths: a change there makes the release SEV-1 (SEV-0 with breaking or infrastructure change). */
    securityPaths: globs.default([...DEFAULT_SECURITY_PATHS]),
    /** Globs of infrastructure paths: a change there makes the release at least SEV-1. */
    infrastructurePaths: globs.default([...DEFAULT_SEV_INFRASTRUCTURE_PATHS]),
    /** This many features (or more) in one release raise its SEV by one level. */
    featureCountRaise: z.number().int().positive().default(5),
    /** The SEV when no feature states one and no factor applies. */
    default: sevLevel.default(3),
  })
  .strict();

const categoryGlobs = globs.optional();
export const scopeConfigSchema = z
  .object({
    /** Globs per scope category; a category left out keeps its default list. */
    categories: z
      .object({
        feature: categoryGlobs,
        integration: categoryGlobs,
        infrastructure: categoryGlobs,
        business: categoryGlobs,
      })
      .strict()
      .default({}),
    /** Scope drift after an approval (system impact %): below minor → note; up to major → HUM LEAD approves; above → hold. */
    thresholds: z
      .object({
        minor: z.number().min(0).max(100).default(DEFAULT_DEVIATION_THRESHOLDS.minor),
        major: z.number().min(0).max(100).default(DEFAULT_DEVIATION_THRESHOLDS.major),
      })
      .strict()
      .default({ ...DEFAULT_DEVIATION_THRESHOLDS }),
  })
  .strict();

const score = z.number().min(0).max(100);
export const readinessConfigSchema = z
  .object({
    /** Framework thresholds: every feature's validation score, performance score, security score. */
    validationScore: score.default(80),
    performanceScore: score.default(85),
    securityScore: score.default(90),
    /** Bytes read from one readiness document; the rest is ignored (and said so). */
    maxFileBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
  })
  .strict();

const id = z.string().min(1);
export const signoffsSchema = z
  .object({
    /** People whose sign-off phase 5 (5.2) collects before GO. */
    stakeholders: z.array(id).default([]),
    /** How many of them must sign; default all. */
    required: z.number().int().min(0).optional(),
  })
  .strict();

export const TEST_REPORT_FORMATS = ["auto", "junit", "tap", "npm-audit", "exit-code"] as const;
export type TestReportFormat = (typeof TEST_REPORT_FORMATS)[number];

/** A test command that may name the report file it writes (JUnit XML, TAP or `npm audit --json`). */
export const testStepSchema = commandStepSchema.extend({
  /** A file the command writes, relative to the project root; else its stdout is read. */
  report: z.string().min(1).optional(),
  /** How to read the report; `auto` recognises JUnit XML, TAP and npm audit JSON. */
  format: z.enum(TEST_REPORT_FORMATS).optional(),
  /** npm audit: the lowest vulnerability severity that fails the step (default high). */
  failOn: z.enum(["info", "low", "moderate", "high", "critical"]).optional(),
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
