/**
 * What a release deploys to, read from the step context: the environment's config (deploy steps,
 * health checks, rollback), its GitHub, npm and container image (oci) targets (the built-in `github` and `npm`
 * environments have them by default), the placeholder values, and an ActionContext for running
 * steps with the project's redactor and process runner.
 */
import {
  environmentSchema,
  githubTargetSchema,
  npmTargetSchema,
  type EnvironmentConfig,
  type GitHubTargetConfig,
  type NpmTargetConfig,
} from "../config/schema-environment.js";
import type { OciTargetConfig } from "../config/schema-oci.js";
import type { AppStoreTargetConfig } from "../config/schema-app-store.js";
import type { StepContext } from "../engine/step-types.js";
import { artifactsDir } from "../package/package-store.js";
import type { ActionContext } from "./run-action.js";
import type { SubstitutionVars } from "./substitute.js";

export interface DeployTarget {
  name: string;
  /** The environment's config; an empty default when the config has none. */
  env: EnvironmentConfig;
  /** True when brtops.config.yaml configures this environment. */
  configured: boolean;
  github: GitHubTargetConfig | null;
  npm: NpmTargetConfig | null;
  /** The container image target (`oci:`); no built-in environment has one by default. */
  oci: OciTargetConfig | null;
  /** The App Store target (`appStore:`); no built-in environment has one by default. */
  appStore: AppStoreTargetConfig | null;
  vars: SubstitutionVars;
}

/** Reads the target of the release. Example: `deployTarget(ctx).env.deploy.map((s) => s.name)`. */
export function deployTarget(
  ctx: Pick<StepContext, "config" | "state"> & Partial<Pick<StepContext, "root">>,
): DeployTarget {
  const name = ctx.state.environment;
  const configuredEnv = ctx.config.environments[name];
  const env = configuredEnv ?? environmentSchema.parse({});
  const github = env.github ?? (name === "github" ? githubTargetSchema.parse({}) : null);
  const npm = env.npm ?? (name === "npm" ? npmTargetSchema.parse({}) : null);
  const pkg = ctx.state.package;
  const vars = {
    version: ctx.state.version,
    previous: ctx.state.previous,
    environment: name,
    commit: pkg?.commit ?? null,
    package: pkg && ctx.root ? artifactsDir(ctx.root, ctx.state.version) : null,
  };
  return {
    name,
    env,
    configured: configuredEnv !== undefined,
    github,
    npm,
    oci: env.oci ?? null,
    appStore: env.appStore ?? null,
    vars,
  };
}

/** An ActionContext for running config steps inside an executor. */
export function actionContext(
  ctx: Pick<StepContext, "root" | "redact" | "run" | "signal" | "progress">,
  vars: SubstitutionVars,
  step: string,
): ActionContext {
  return {
    root: ctx.root,
    vars,
    redact: ctx.redact,
    run: ctx.run,
    signal: ctx.signal,
    onOutput: (chunk) => {
      const line = chunk.trim();
      if (line) ctx.progress({ kind: "output", step, message: line.slice(-400) });
    },
  };
}

/** The tag name of a release on the GitHub target (`v{version}` by default). */
export function tagName(github: GitHubTargetConfig, version: string): string {
  return github.tag.replace(/\{version\}/g, version);
}

/** Milliseconds since the epoch → ISO text (results keep times as text, like events). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
