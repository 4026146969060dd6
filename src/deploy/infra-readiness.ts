/**
 * Spec 4.1 — is the infrastructure ready to deploy? Checks what can be checked before touching
 * anything: the deploy DAG is valid, every program a step runs exists, `{previous}` has a value
 * where it is used, confirmations name a known role, the health checks answer now, and the
 * GitHub and npm targets can be reached with the credentials at hand.
 */
import type { DeployStep, HealthCheckConfig } from "../config/schema-environment.js";
import { isBrtopsError } from "../core/errors.js";
import type { Finding } from "../core/events.js";
import type { StepContext } from "../engine/step-types.js";
import { probeHealth } from "./health-probe.js";
import { planDag } from "./plan-dag.js";
import { usesPrevious } from "./substitute.js";
import { actionContext, deployTarget, tagName, type DeployTarget } from "./deploy-target.js";
import { preflight, type ReadinessCheck } from "./preflight.js";
import { localTag, remoteTagCommit } from "../adapters/github/git-tag.js";
import { readPackage } from "../adapters/npm/npm-publish.js";

export { programFound, type ReadinessCheck } from "./preflight.js";

function stepChecks(
  t: DeployTarget,
  ctx: Pick<StepContext, "config">,
  steps: readonly DeployStep[],
  what: "deploy" | "rollback",
  findings: Finding[],
): void {
  const people = new Set([
    ...ctx.config.leads.hum,
    ...ctx.config.leads.ai,
    ...ctx.config.leads.members,
    ...ctx.config.leads.emergency,
    "hum-lead",
    "ai-lead",
  ]);
  for (const s of steps) {
    const actions = [s, ...(s.undo ? [s.undo] : [])];
    for (const a of actions) {
      const label = a === s ? `${what} step "${s.name}"` : `undo of "${s.name}"`;
      if (a.confirm && !people.has(a.confirm.role)) {
        findings.push({
          severity: "critical",
          code: "E_CONFIRM_ROLE_UNKNOWN",
          message: `The ${label} asks ${a.confirm.role} to confirm, who is not a lead or member in the config.`,
          source: `environments.${t.name}.${what}`,
        });
      }
    }
    if (t.vars.previous === null && usesPrevious(s)) {
      findings.push({
        severity: what === "deploy" ? "critical" : "warning",
        code: "E_NO_PREVIOUS_VERSION",
        message: `The ${what} step "${s.name}" uses {previous}, but there is no earlier release${what === "rollback" ? ": a rollback could not redeploy it" : ""}.`,
        source: `environments.${t.name}.${what}`,
      });
    }
  }
}

async function healthChecks(
  t: DeployTarget,
  ctx: StepContext,
  checks: readonly HealthCheckConfig[],
): Promise<ReadinessCheck[]> {
  const out: ReadinessCheck[] = [];
  const actx = actionContext(ctx, t.vars, "4.1");
  for (const c of checks) {
    const s = await probeHealth({ ...c, timeout: Math.min(c.timeout, 10) }, actx);
    // Before the deployment the new version is not there: a failing probe is information, not a blocker.
    out.push({
      name: `health check "${c.name}" before deploying`,
      ok: true,
      detail: s.ok ? `answers: ${s.detail}` : `does not pass yet: ${s.detail}`,
    });
  }
  return out;
}

/** Tags only: the token, its user and its permission are preflight's (./preflight.ts). */
async function githubTagChecks(t: DeployTarget, ctx: StepContext, findings: Finding[]): Promise<ReadinessCheck[]> {
  const tag = tagName(t.github!, t.vars.version);
  try {
    const remote = await remoteTagCommit(ctx.git, t.github!.remote, tag);
    const local = await localTag(ctx.git, tag);
    const head = await ctx.git.head();
    for (const [where, at] of [
      ["on the remote", remote],
      ["locally", local?.commit ?? null],
    ] as const) {
      if (at && head && at !== head)
        findings.push({
          severity: "critical",
          code: "E_TAG_CONFLICT",
          message: `Tag ${tag} already exists ${where} at ${at.slice(0, 12)}, not at HEAD ${head.slice(0, 12)}.`,
          source: "6.8.1",
        });
    }
    return [
      {
        name: `remote ${t.github!.remote}`,
        ok: true,
        detail: remote ? `has ${tag} at ${remote.slice(0, 12)}` : `reachable; no ${tag} yet`,
      },
    ];
  } catch (e) {
    const message = isBrtopsError(e) ? e.message : ctx.redact(String(e));
    findings.push({ severity: "critical", code: isBrtopsError(e) ? e.code : "E_GITHUB", message, source: "6.8" });
    return [{ name: `remote ${t.github!.remote}`, ok: false, detail: message }];
  }
}

/** The package's version (written at 2.4); the token and the registry are preflight's. */
function npmPackageChecks(t: DeployTarget, ctx: StepContext, findings: Finding[]): ReadinessCheck[] {
  const npm = t.npm!;
  try {
    const pkg = readPackage(ctx.root, npm.package);
    const same = pkg.version === t.vars.version;
    if (!same)
      findings.push({
        severity: "critical",
        code: "E_NPM_VERSION_MISMATCH",
        message: `${npm.package}/package.json says ${pkg.version}, but this release is ${t.vars.version}.`,
        source: "npm.package",
      });
    return [{ name: "npm package", ok: same, detail: `${pkg.name}@${pkg.version} in ${npm.package}` }];
  } catch (e) {
    findings.push({
      severity: "critical",
      code: "E_NPM_PACKAGE",
      message: isBrtopsError(e) ? e.message : String(e),
      source: "npm.package",
    });
    return [{ name: "npm package", ok: false, detail: isBrtopsError(e) ? e.message : String(e) }];
  }
}

/** Runs the 4.1 checks. Result: `{summary, environment, checks, findings}`. */
export async function checkInfraReadiness(
  ctx: StepContext,
): Promise<{ result: Record<string, unknown>; findings: Finding[] }> {
  const t = deployTarget(ctx);
  const findings: Finding[] = [];
  const checks: ReadinessCheck[] = [];
  if (!t.configured && !t.github && !t.npm) {
    findings.push({
      severity: "warning",
      code: "W_NOTHING_TO_DEPLOY",
      message: `brtops.config.yaml has no environment "${t.name}": there are no deploy steps, health checks or rollback steps.`,
      source: "environments",
    });
  }
  for (const [what, steps] of [
    ["deploy", t.env.deploy],
    ["rollback", t.env.rollback],
  ] as const) {
    try {
      planDag(steps);
      checks.push({ name: `${what} steps form a DAG`, ok: true, detail: `${steps.length} step(s)` });
    } catch (e) {
      if (!isBrtopsError(e)) throw e;
      checks.push({ name: `${what} steps form a DAG`, ok: false, detail: e.message });
      findings.push({
        severity: "critical",
        code: e.code,
        message: e.message,
        source: `environments.${t.name}.${what}`,
      });
    }
    stepChecks(t, ctx, steps, what, findings);
  }
  // Programs, tokens, registries, hosts and version files: the same checks as phase 1's preflight, again now.
  const s = ctx.state;
  const tagFindings: Finding[] = [];
  const [pre, health, tags] = await Promise.all([
    preflight({
      root: ctx.root,
      config: ctx.config,
      environment: s.environment,
      version: s.version,
      plan: s.plan,
      env: ctx.env,
      git: ctx.git,
      redact: ctx.redact,
    }),
    healthChecks(t, ctx, t.env.health),
    t.github ? githubTagChecks(t, ctx, tagFindings) : Promise.resolve([]),
  ]);
  checks.push(...pre.checks, ...health, ...tags);
  findings.push(...pre.findings, ...tagFindings);
  if (t.npm) checks.push(...npmPackageChecks(t, ctx, findings));
  const failed = checks.filter((c) => !c.ok).length;
  const critical = findings.filter((f) => f.severity === "critical").length;
  const summary = critical
    ? `${critical} blocking problem(s) in ${checks.length} checks`
    : `${checks.length} checks, ${failed} not passing, nothing blocking`;
  return {
    result: {
      summary,
      environment: t.name,
      configured: t.configured,
      targets: [...(t.env.deploy.length ? ["steps"] : []), ...(t.github ? ["github"] : []), ...(t.npm ? ["npm"] : [])],
      checks,
      findings,
    },
    findings,
  };
}
