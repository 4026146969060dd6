/**
 * Config schema of environments (deployment targets): their deploy steps (a DAG of commands, HTTP
 * requests, waits and confirmations), health checks, rollback steps, and the GitHub and npm
 * targets. Every step kind is one strict object with exactly one action key, so a mistyped key is
 * an "unknown key" error that names it, and a step with no action says which keys it may use.
 */
import { z } from "zod";
import { ociTargetSchema } from "./schema-oci.js";

const argv = z.array(z.string().min(1)).min(1, "run must be an argument array with at least the program");
const seconds = z.number().positive();

export const commandStepSchema = z
  .object({
    name: z.string().min(1),
    /** An argument array, never a shell string. `{version}`, `{previous}` and `{environment}` are substituted. */
    run: argv,
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    /** Seconds before the command is stopped and counted as failed. */
    timeout: seconds.optional(),
    /** Steps this one waits for (a DAG). */
    needs: z.array(z.string()).optional(),
    /** A command that exits 0 when this step's effect is already in place (crash recovery adopts it). */
    check: argv.optional(),
    /** The step may be re-run after a crash without harm. */
    idempotent: z.boolean().optional(),
  })
  .strict();

const httpMethod = z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);
const status = z.number().int().min(100).max(599);

/** An HTTP request step: `{url, method, headers, body, expectStatus}`. */
export const httpRequestSchema = z
  .object({
    url: z.string().min(1),
    method: httpMethod.default("GET"),
    headers: z.record(z.string(), z.string()).default({}),
    /** A string is sent as is; an object is sent as JSON. */
    body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    /** The status (or statuses) that count as success; default: any 2xx. */
    expectStatus: z.union([status, z.array(status).min(1)]).optional(),
  })
  .strict();

/** A manual confirmation: a person of this role (or this id) says "go on". */
export const confirmSchema = z
  .object({
    /** `hum-lead`, `ai-lead`, or the id of one person. */
    role: z.string().min(1),
    prompt: z.string().min(1),
  })
  .strict();

export const STEP_ACTIONS = ["run", "http", "wait", "confirm"] as const;
export type StepActionKey = (typeof STEP_ACTIONS)[number];

const actionFields = {
  run: argv.optional(),
  http: httpRequestSchema.optional(),
  /** Seconds to wait (a soak time, a cache expiry). */
  wait: seconds.optional(),
  confirm: confirmSchema.optional(),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  timeout: seconds.optional(),
};

function exactlyOneAction(v: Partial<Record<StepActionKey, unknown>>, ctx: z.RefinementCtx): void {
  const present = STEP_ACTIONS.filter((k) => v[k] !== undefined);
  if (present.length !== 1) {
    ctx.addIssue({
      code: "custom",
      message:
        present.length === 0
          ? `a step needs one action: ${STEP_ACTIONS.join(", ")}`
          : `a step has one action, not several (${present.join(" and ")}): split it into steps joined by needs`,
      path: present.length === 0 ? [] : [present[1]!],
    });
  }
}

/** What reverses a step: an action of the same kinds (no name of its own, no DAG). */
export const undoActionSchema = z.object(actionFields).strict().superRefine(exactlyOneAction);

/** A deploy or rollback step: one action with a name, DAG needs, an idempotency probe and its undo. */
export const deployStepSchema = z
  .object({
    name: z.string().min(1),
    ...actionFields,
    needs: z.array(z.string().min(1)).optional(),
    check: argv.optional(),
    idempotent: z.boolean().optional(),
    undo: undoActionSchema.optional(),
  })
  .strict()
  .superRefine(exactlyOneAction);

/** A health check: HTTP (status, body regex, latency limit) or a command (exit code). */
export const healthCheckSchema = z
  .object({
    name: z.string().min(1),
    run: argv.optional(),
    http: z
      .object({
        url: z.string().min(1),
        method: httpMethod.default("GET"),
        headers: z.record(z.string(), z.string()).default({}),
        expectStatus: z.union([status, z.array(status).min(1)]).optional(),
        /** A regular expression the body must match. */
        bodyMatch: z.string().optional(),
        /** Milliseconds: a slower answer counts as a failure. */
        maxLatencyMs: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    /** Exit code a command check must return. */
    expectExit: z.number().int().default(0),
    /** Seconds between probes. */
    interval: seconds.default(5),
    /** Seconds one probe may take. */
    timeout: seconds.default(10),
    failuresBeforeUnhealthy: z.number().int().positive().default(3),
    /** Also probe while the deployment runs (an unhealthy check stops it). */
    during: z.boolean().default(false),
    /** Percentile latency limits for phase 7's performance check (ms). */
    samples: z.number().int().positive().optional(),
    p95Ms: z.number().positive().optional(),
    check: argv.optional(),
    idempotent: z.boolean().optional(),
    needs: z.array(z.string()).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.run === undefined) === (v.http === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "a health check has either run (a command) or http (a request), exactly one",
        path: [],
      });
    }
  });

/**
 * How the environment says which version it runs (checked again at 7.10, before certification):
 * a command whose output is the version (its first line, or the first group of `match`), or an
 * HTTP request whose JSON body holds it at `path` ("version", "build.version"; the whole body when absent).
 */
export const versionCheckSchema = z
  .object({
    run: argv.optional(),
    http: z
      .object({
        url: z.string().min(1),
        headers: z.record(z.string(), z.string()).default({}),
        /** Dot-separated path of the version in the JSON body. */
        path: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** A regular expression whose first group (else whole match) is the version, applied to the output or body. */
    match: z.string().optional(),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    /** Seconds the command or request may take. */
    timeout: seconds.default(10),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.run === undefined) === (v.http === undefined))
      ctx.addIssue({
        code: "custom",
        message: "a version check has either run (a command) or http (a request), exactly one",
        path: [],
      });
  });

const repository = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "repository is owner/name");

/** The GitHub target (spec 6.8): annotated tag, push, release with notes and assets. */
export const githubTargetSchema = z
  .object({
    /** owner/name; default: read from the remote's URL. */
    repository: repository.optional(),
    /** API base URL for GitHub Enterprise, e.g. https://ghe.example.com/api/v3. */
    baseUrl: z.string().url().optional(),
    remote: z.string().min(1).default("origin"),
    /** Branch pushed with the tag; default: the current branch. */
    branch: z.string().min(1).optional(),
    /** Upload the artifacts manifest's files as release assets. */
    assets: z.boolean().default(true),
    draft: z.boolean().default(false),
    /** `auto`: a prerelease when the version has a prerelease part (2.0.0-rc.1). */
    prerelease: z.union([z.boolean(), z.literal("auto")]).default("auto"),
    /** Tag name; `{version}` is substituted. */
    tag: z.string().min(1).default("v{version}"),
    rollback: z
      .enum(["delete", "keep", "draft"])
      .default("delete")
      .describe(
        "What a rollback does to the release: delete the release, the remote and the local tag (only on a HUM LEAD's rollback decision; otherwise it is kept, marked a prerelease), keep it marked as a prerelease, or turn it back into a draft; the tags stay when it is kept.",
      ),
  })
  .strict();

/** The npm target: publish a package folder to a registry. */
export const npmTargetSchema = z
  .object({
    registry: z.string().url().default("https://registry.npmjs.org/"),
    /** The package folder, relative to the project root. */
    package: z.string().min(1).default("."),
    access: z.enum(["public", "restricted"]).optional(),
    /** dist-tag; default: `latest`, or the prerelease's channel for prereleases (a prerelease never moves `latest`). */
    tag: z.string().min(1).optional(),
    /** Prerelease id → dist-tag (`{beta: beta, rc: next}`); default: the id itself (`3.0.0-beta` → beta, `-rc.1` → rc), `next` for a number. */
    channels: z
      .record(
        z.string().min(1),
        z
          .string()
          .min(1)
          .refine((t) => t !== "latest", "a prerelease channel never publishes under latest"),
      )
      .optional(),
    /** Environment variable holding the registry token (NPM_TOKEN, then NODE_AUTH_TOKEN, by default). */
    tokenEnv: z.string().min(1).optional(),
    /** Rollback unpublishes the version (only where the registry allows it); otherwise it deprecates. */
    unpublishOnRollback: z.boolean().default(false),
  })
  .strict();

export const environmentSchema = z
  .object({
    aliases: z.array(z.string().min(1)).default([]),
    description: z.string().optional(),
    deploy: z.array(deployStepSchema).default([]),
    health: z.array(healthCheckSchema).default([]),
    /** Run after the completed deploy steps are undone (e.g. redeploy `{previous}`). */
    rollback: z.array(deployStepSchema).default([]),
    /** What a failing deploy or health step does: roll back on its own, or ask the HUM LEAD. */
    onFailure: z.enum(["rollback", "ask"]).default("ask"),
    /** Deploy steps run in parallel up to this many at once. */
    concurrency: z.number().int().positive().default(4),
    /** Seconds the health checks keep being probed after the last deploy step (6.2). */
    healthWindow: z.number().min(0).default(0),
    /** Phase 7 checks: commands or requests with a latency limit (7.2) and business checks (7.4). */
    performance: z.array(healthCheckSchema).default([]),
    business: z.array(healthCheckSchema).default([]),
    /** How the environment reports the version it runs (7.10 checks it against the release). */
    version: versionCheckSchema.optional(),
    github: githubTargetSchema.optional(),
    npm: npmTargetSchema.optional(),
    /** A container image pushed to an OCI registry (Docker Hub and others). */
    oci: ociTargetSchema.optional(),
  })
  .strict();

export type CommandStep = z.infer<typeof commandStepSchema>;
export type DeployStep = z.infer<typeof deployStepSchema>;
export type UndoAction = z.infer<typeof undoActionSchema>;
export type StepAction = UndoAction | DeployStep;
export type HttpRequestConfig = z.infer<typeof httpRequestSchema>;
export type HealthCheckConfig = z.infer<typeof healthCheckSchema>;
export type VersionCheckConfig = z.infer<typeof versionCheckSchema>;
export type GitHubTargetConfig = z.infer<typeof githubTargetSchema>;
export type NpmTargetConfig = z.infer<typeof npmTargetSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

/** Which action a step (or undo) carries. */
export function stepActionKind(step: Partial<Record<StepActionKey, unknown>>): StepActionKey {
  for (const k of STEP_ACTIONS) if (step[k] !== undefined) return k;
  throw new Error("step without an action (the schema rejects these)");
}
