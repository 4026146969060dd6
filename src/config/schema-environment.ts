/**
 * Config schema of environments (deployment targets): their deploy steps (a DAG of commands, HTTP
 * requests, waits and confirmations), health checks, rollback steps, and the GitHub and npm
 * targets. Every step kind is one strict object with exactly one action key, so a mistyped key is
 * an "unknown key" error that names it, and a step with no action says which keys it may use.
 */
import { z } from "zod";
import { ociTargetSchema } from "./schema-oci.js";
import { appStoreTargetSchema } from "./schema-app-store.js";

const argv = z.array(z.string().min(1)).min(1, "run must be an argument array with at least the program");
const seconds = z.number().positive();
/** Descriptions of the keys several step kinds share (the JSON Schema shows them in editors). */
const D = {
  name: "The step's name, unique among its steps.",
  run: "The command: an argument array, never a shell string. {version}, {previous}, {environment}, {commit} and {package} are substituted.",
  cwd: "Folder the command runs in, relative to the project root.",
  env: "Environment variables set for the command.",
  timeout: "Seconds before the step is stopped and counted as failed.",
  needs: "Names of the steps this one waits for (a DAG).",
  check: "A command that exits 0 when this step's effect is already in place (crash recovery adopts it).",
  idempotent: "The step may be re-run after a crash without harm.",
  url: "The URL requested; {version}, {previous} and {environment} are substituted.",
  method: "The HTTP method.",
  headers: "Request headers; {version} and the other placeholders are substituted.",
  expectStatus: "The status (or statuses) that count as success; default: any 2xx.",
} as const;

export const commandStepSchema = z
  .object({
    name: z.string().min(1).describe(D.name),
    run: argv.describe(D.run),
    cwd: z.string().optional().describe(D.cwd),
    env: z.record(z.string(), z.string()).optional().describe(D.env),
    timeout: seconds.optional().describe(D.timeout),
    needs: z.array(z.string()).optional().describe(D.needs),
    check: argv.optional().describe(D.check),
    idempotent: z.boolean().optional().describe(D.idempotent),
  })
  .strict();

const httpMethod = z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);
const status = z.number().int().min(100).max(599);

/** An HTTP request step: `{url, method, headers, body, expectStatus}`. */
export const httpRequestSchema = z
  .object({
    url: z.string().min(1).describe(D.url),
    method: httpMethod.default("GET").describe(D.method),
    headers: z.record(z.string(), z.string()).default({}).describe(D.headers),
    body: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .optional()
      .describe("The request body: a string is sent as is; an object is sent as JSON."),
    expectStatus: z
      .union([status, z.array(status).min(1)])
      .optional()
      .describe(D.expectStatus),
  })
  .strict();

/** A manual confirmation: a person of this role (or this id) says "go on". */
export const confirmSchema = z
  .object({
    role: z.string().min(1).describe("Who confirms: hum-lead, ai-lead, or the id of one person."),
    prompt: z.string().min(1).describe("What the person is asked before the deployment goes on."),
  })
  .strict();

export const STEP_ACTIONS = ["run", "http", "wait", "confirm"] as const;
export type StepActionKey = (typeof STEP_ACTIONS)[number];

const actionFields = {
  run: argv.optional().describe(D.run),
  http: httpRequestSchema.optional().describe("An HTTP request: {url, method, headers, body, expectStatus}."),
  wait: seconds.optional().describe("Seconds to wait (a soak time, a cache expiry)."),
  confirm: confirmSchema.optional().describe('A manual confirmation: a person of this role says "go on".'),
  cwd: z.string().optional().describe(D.cwd),
  env: z.record(z.string(), z.string()).optional().describe(D.env),
  timeout: seconds.optional().describe(D.timeout),
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
    name: z.string().min(1).describe(D.name),
    ...actionFields,
    needs: z.array(z.string().min(1)).optional().describe(D.needs),
    check: argv.optional().describe(D.check),
    idempotent: z.boolean().optional().describe(D.idempotent),
    undo: undoActionSchema
      .optional()
      .describe("What reverses this step on rollback: one action (run, http, wait, confirm)."),
  })
  .strict()
  .superRefine(exactlyOneAction);

/** A health check: HTTP (status, body regex, latency limit) or a command (exit code). */
export const healthCheckSchema = z
  .object({
    name: z.string().min(1).describe(D.name),
    run: argv.optional().describe("A command that probes (exit code expectExit means healthy); or give http."),
    http: z
      .object({
        url: z.string().min(1).describe(D.url),
        method: httpMethod.default("GET").describe(D.method),
        headers: z.record(z.string(), z.string()).default({}).describe(D.headers),
        expectStatus: z
          .union([status, z.array(status).min(1)])
          .optional()
          .describe(D.expectStatus),
        bodyMatch: z.string().optional().describe("A regular expression the body must match."),
        maxLatencyMs: z.number().positive().optional().describe("Milliseconds: a slower answer counts as a failure."),
      })
      .strict()
      .optional()
      .describe("An HTTP probe (status, body, latency); or give run."),
    cwd: z.string().optional().describe(D.cwd),
    env: z.record(z.string(), z.string()).optional().describe(D.env),
    expectExit: z.number().int().default(0).describe("Exit code a command check must return."),
    interval: seconds.default(5).describe("Seconds between probes."),
    timeout: seconds.default(10).describe("Seconds one probe may take."),
    failuresBeforeUnhealthy: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe("Failed probes in a row before the check counts as unhealthy."),
    during: z.boolean().default(false).describe("Also probe while the deployment runs (an unhealthy check stops it)."),
    samples: z.number().int().positive().optional().describe("Phase 7 performance check: how many probes to time."),
    p95Ms: z
      .number()
      .positive()
      .optional()
      .describe("Phase 7 performance check: the 95th percentile latency limit (ms)."),
    check: argv.optional().describe(D.check),
    idempotent: z.boolean().optional().describe(D.idempotent),
    needs: z.array(z.string()).optional().describe(D.needs),
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
    run: argv.optional().describe("A command whose output is the version (its first line, or match's group)."),
    http: z
      .object({
        url: z.string().min(1).describe(D.url),
        headers: z.record(z.string(), z.string()).default({}).describe(D.headers),
        path: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Dot-separated path of the version in the JSON body ("version", "build.version"); default: the whole body.',
          ),
      })
      .strict()
      .optional()
      .describe("An HTTP request whose JSON body holds the version."),
    match: z
      .string()
      .optional()
      .describe(
        "A regular expression whose first group (else whole match) is the version, applied to the output or body.",
      ),
    cwd: z.string().optional().describe(D.cwd),
    env: z.record(z.string(), z.string()).optional().describe(D.env),
    timeout: seconds.default(10).describe("Seconds the command or request may take."),
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
    repository: repository.optional().describe("owner/name; default: read from the remote's URL."),
    baseUrl: z
      .string()
      .url()
      .optional()
      .describe("API base URL for GitHub Enterprise, e.g. https://ghe.example.com/api/v3."),
    remote: z.string().min(1).default("origin").describe("The git remote the tag is pushed to."),
    branch: z.string().min(1).optional().describe("Branch pushed with the tag; default: the current branch."),
    assets: z.boolean().default(true).describe("Upload the artifacts manifest's files as release assets."),
    draft: z.boolean().default(false).describe("Create the GitHub release as a draft."),
    prerelease: z
      .union([z.boolean(), z.literal("auto")])
      .default("auto")
      .describe("Mark the release a prerelease; auto: when the version has a prerelease part (2.0.0-rc.1)."),
    tag: z.string().min(1).default("v{version}").describe("Tag name; {version} is substituted."),
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
    registry: z.string().url().default("https://registry.npmjs.org/").describe("The registry published to."),
    package: z.string().min(1).default(".").describe("The package folder, relative to the project root."),
    access: z.enum(["public", "restricted"]).optional().describe("npm publish --access (scoped packages)."),
    tag: z
      .string()
      .min(1)
      .optional()
      .describe(
        "dist-tag; default: latest, or the prerelease's channel for prereleases (a prerelease never moves latest when published; promoted here, the same tarball gets this tag, latest included).",
      ),
    /** Prerelease id → dist-tag (`{beta: beta, rc: next}`); default: the id itself (`3.0.0-beta` → beta, `-rc.1` → rc), `next` for a number. */
    channels: z
      .record(
        z.string().min(1),
        z
          .string()
          .min(1)
          .refine((t) => t !== "latest", "a prerelease channel never publishes under latest"),
      )
      .optional()
      .describe(
        "Prerelease id → dist-tag ({beta: beta, rc: next}); default: the id itself (3.0.0-beta → beta), next for a number.",
      ),
    tokenEnv: z
      .string()
      .min(1)
      .optional()
      .describe("Environment variable holding the registry token (NPM_TOKEN, then NODE_AUTH_TOKEN, by default)."),
    unpublishOnRollback: z
      .boolean()
      .default(false)
      .describe("Rollback unpublishes the version (only where the registry allows it); otherwise it deprecates."),
    provenance: z
      .union([z.boolean(), z.literal("auto")])
      .default("auto")
      .describe(
        "npm publish --provenance: auto (in GitHub Actions or GitLab CI with an OIDC id token, publishing to registry.npmjs.org), true (always) or false (never).",
      ),
  })
  .strict();

export const environmentSchema = z
  .object({
    aliases: z
      .array(z.string().min(1))
      .default([])
      .describe('Other names a phrase may use for it ("RELEASE v2.1.0 to UAT").'),
    description: z.string().optional().describe("What the environment is, for people."),
    deploy: z
      .array(deployStepSchema)
      .default([])
      .describe("Deploy steps (6.1): commands, HTTP requests, waits and confirmations, a DAG by needs."),
    health: z.array(healthCheckSchema).default([]).describe("Health checks after (and optionally during) deployment."),
    rollback: z
      .array(deployStepSchema)
      .default([])
      .describe("Run after the completed deploy steps are undone (e.g. redeploy {previous})."),
    onFailure: z
      .enum(["rollback", "ask"])
      .default("ask")
      .describe("What a failing deploy or health step does: rollback on its own, or ask the HUM LEAD."),
    concurrency: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe("Deploy steps run in parallel up to this many at once."),
    healthWindow: z
      .number()
      .min(0)
      .default(0)
      .describe("Seconds the health checks keep being probed after the last deploy step (6.2)."),
    performance: z
      .array(healthCheckSchema)
      .default([])
      .describe("Phase 7 performance checks: commands or requests with a latency limit (7.2)."),
    business: z.array(healthCheckSchema).default([]).describe("Phase 7 business checks (7.4)."),
    version: versionCheckSchema
      .optional()
      .describe("How the environment reports the version it runs (7.10 checks it against the release)."),
    github: githubTargetSchema
      .optional()
      .describe("The GitHub target (6.8): annotated tag, push, release with notes and assets."),
    npm: npmTargetSchema.optional().describe("The npm target: publish a package folder to a registry."),
    oci: ociTargetSchema.optional().describe("A container image pushed to an OCI registry (Docker Hub and others)."),
    /** An app submitted to the App Store through the App Store Connect API. */
    appStore: appStoreTargetSchema
      .optional()
      .describe("An app submitted to the App Store through the App Store Connect API."),
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
