/**
 * Spec 4.1 — is the infrastructure ready to deploy? Checks what can be checked before touching
 * anything: the deploy DAG is valid, every program a step runs exists, `{previous}` has a value
 * where it is used, confirmations name a known role, the health checks answer now, and the
 * GitHub and npm targets can be reached with the credentials at hand.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { DeployStep, HealthCheckConfig } from "../config/schema-environment.js";
import { isBrtopsError } from "../core/errors.js";
import type { Finding } from "../core/events.js";
import type { StepContext } from "../engine/step-types.js";
import { probeHealth } from "./health-probe.js";
import { planDag } from "./plan-dag.js";
import { usesPrevious } from "./substitute.js";
import { actionContext, deployTarget, tagName, type DeployTarget } from "./deploy-target.js";
import { openGitHub } from "./github-session.js";
import { localTag, remoteTagCommit } from "../adapters/github/git-tag.js";
import { repositoryAccess } from "../adapters/github/github-client.js";
import { readPackage } from "../adapters/npm/npm-publish.js";
import { resolveNpmToken, runNpm } from "../adapters/npm/npm-cli.js";

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Finds a program as the OS would: a path (relative to `cwd`) or a name on PATH. */
export function programFound(program: string, cwd: string, path = process.env["PATH"] ?? ""): boolean {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes("/")) return executable(isAbsolute(program) ? program : join(cwd, program));
  return path.split(delimiter).some((dir) => dir && executable(join(dir, program)));
}

function stepChecks(t: DeployTarget, ctx: Pick<StepContext, "root" | "config">, steps: readonly DeployStep[], what: "deploy" | "rollback", findings: Finding[]): ReadinessCheck[] {
  const out: ReadinessCheck[] = [];
  const people = new Set([...ctx.config.leads.hum, ...ctx.config.leads.ai, ...ctx.config.leads.members, ...ctx.config.leads.emergency, "hum-lead", "ai-lead"]);
  for (const s of steps) {
    const actions = [s, ...(s.undo ? [s.undo] : [])];
    for (const a of actions) {
      const label = a === s ? `${what} step "${s.name}"` : `undo of "${s.name}"`;
      if (a.run) {
        const cwd = a.cwd ? (isAbsolute(a.cwd) ? a.cwd : join(ctx.root, a.cwd)) : ctx.root;
        const ok = programFound(a.run[0]!, cwd);
        out.push({ name: `${label}: program ${a.run[0]}`, ok, detail: ok ? "found" : "not found on PATH or at that path" });
        if (!ok) findings.push({ severity: "critical", code: "E_PROGRAM_MISSING", message: `The ${label} runs ${a.run[0]}, which is not installed or not executable here.`, source: `environments.${t.name}.${what}` });
      }
      if (a.confirm && !people.has(a.confirm.role)) {
        findings.push({ severity: "critical", code: "E_CONFIRM_ROLE_UNKNOWN", message: `The ${label} asks ${a.confirm.role} to confirm, who is not a lead or member in the config.`, source: `environments.${t.name}.${what}` });
      }
    }
    if (t.vars.previous === null && usesPrevious(s)) {
      findings.push({ severity: what === "deploy" ? "critical" : "warning", code: "E_NO_PREVIOUS_VERSION", message: `The ${what} step "${s.name}" uses {previous}, but there is no earlier release${what === "rollback" ? ": a rollback could not redeploy it" : ""}.`, source: `environments.${t.name}.${what}` });
    }
  }
  return out;
}

async function healthChecks(t: DeployTarget, ctx: StepContext, checks: readonly HealthCheckConfig[]): Promise<ReadinessCheck[]> {
  const out: ReadinessCheck[] = [];
  const actx = actionContext(ctx, t.vars, "4.1");
  for (const c of checks) {
    const s = await probeHealth({ ...c, timeout: Math.min(c.timeout, 10) }, actx);
    // Before the deployment the new version is not there: a failing probe is information, not a blocker.
    out.push({ name: `health check "${c.name}" before deploying`, ok: true, detail: s.ok ? `answers: ${s.detail}` : `does not pass yet: ${s.detail}` });
  }
  return out;
}

async function githubChecks(t: DeployTarget, ctx: StepContext, findings: Finding[]): Promise<ReadinessCheck[]> {
  const out: ReadinessCheck[] = [];
  const tag = tagName(t.github!, t.vars.version);
  try {
    const gh = await openGitHub(ctx, t.github!);
    out.push({ name: "GitHub repository", ok: true, detail: `${gh.repo.owner}/${gh.repo.repo} via ${gh.repo.baseUrl} (from ${gh.repo.from}), token from ${gh.tokenSource}` });
    const access = await repositoryAccess(gh.client);
    out.push({ name: "GitHub push permission", ok: access.canPush, detail: access.canPush ? "the token may push" : "the token may not push" });
    if (!access.canPush) findings.push({ severity: "critical", code: "E_GITHUB_FORBIDDEN", message: `The token may not push to ${access.fullName}.`, source: "6.8" });
    const remote = await remoteTagCommit(ctx.git, t.github!.remote, tag);
    const local = await localTag(ctx.git, tag);
    const head = await ctx.git.head();
    out.push({ name: `remote ${t.github!.remote}`, ok: true, detail: remote ? `has ${tag} at ${remote.slice(0, 12)}` : `reachable; no ${tag} yet` });
    for (const [where, at] of [["on the remote", remote], ["locally", local?.commit ?? null]] as const) {
      if (at && head && at !== head) findings.push({ severity: "critical", code: "E_TAG_CONFLICT", message: `Tag ${tag} already exists ${where} at ${at.slice(0, 12)}, not at HEAD ${head.slice(0, 12)}.`, source: "6.8.1" });
    }
  } catch (e) {
    const message = isBrtopsError(e) ? e.message : ctx.redact(String(e));
    out.push({ name: "GitHub target", ok: false, detail: message });
    findings.push({ severity: "critical", code: isBrtopsError(e) ? e.code : "E_GITHUB", message, source: "6.8" });
  }
  return out;
}

async function npmChecks(t: DeployTarget, ctx: StepContext, findings: Finding[]): Promise<ReadinessCheck[]> {
  const out: ReadinessCheck[] = [];
  const npm = t.npm!;
  try {
    const pkg = readPackage(ctx.root, npm.package);
    const same = pkg.version === t.vars.version;
    out.push({ name: "npm package", ok: same, detail: `${pkg.name}@${pkg.version} in ${npm.package}` });
    if (!same) findings.push({ severity: "critical", code: "E_NPM_VERSION_MISMATCH", message: `${npm.package}/package.json says ${pkg.version}, but this release is ${t.vars.version}.`, source: "npm.package" });
  } catch (e) {
    out.push({ name: "npm package", ok: false, detail: isBrtopsError(e) ? e.message : String(e) });
    findings.push({ severity: "critical", code: "E_NPM_PACKAGE", message: isBrtopsError(e) ? e.message : String(e), source: "npm.package" });
  }
  const token = resolveNpmToken(ctx.env, npm.tokenEnv);
  out.push({ name: "npm token", ok: token !== null, detail: token ? `from ${npm.tokenEnv ?? "NPM_TOKEN or NODE_AUTH_TOKEN"}` : "none set" });
  if (!token) findings.push({ severity: "critical", code: "E_NPM_AUTH", message: `No npm token: set ${npm.tokenEnv ?? "NPM_TOKEN"}.`, source: "npm" });
  const ping = await runNpm({ registry: npm.registry, token, cwd: ctx.root, redact: ctx.redact, env: ctx.env, timeoutMs: 60_000 }, ["ping"]);
  out.push({ name: "npm registry", ok: ping.exitCode === 0, detail: ping.exitCode === 0 ? `${npm.registry} answers` : `${npm.registry} does not answer` });
  if (ping.exitCode !== 0) findings.push({ severity: "critical", code: "E_NPM_REGISTRY", message: `The registry ${npm.registry} does not answer npm ping.`, source: "npm.registry" });
  return out;
}

/** Runs the 4.1 checks. Result: `{summary, environment, checks, findings}`. */
export async function checkInfraReadiness(ctx: StepContext): Promise<{ result: Record<string, unknown>; findings: Finding[] }> {
  const t = deployTarget(ctx);
  const findings: Finding[] = [];
  const checks: ReadinessCheck[] = [];
  if (!t.configured && !t.github && !t.npm) {
    findings.push({ severity: "warning", code: "W_NOTHING_TO_DEPLOY", message: `brtops.config.yaml has no environment "${t.name}": there are no deploy steps, health checks or rollback steps.`, source: "environments" });
  }
  for (const [what, steps] of [["deploy", t.env.deploy], ["rollback", t.env.rollback]] as const) {
    try {
      planDag(steps);
      checks.push({ name: `${what} steps form a DAG`, ok: true, detail: `${steps.length} step(s)` });
    } catch (e) {
      if (!isBrtopsError(e)) throw e;
      checks.push({ name: `${what} steps form a DAG`, ok: false, detail: e.message });
      findings.push({ severity: "critical", code: e.code, message: e.message, source: `environments.${t.name}.${what}` });
    }
    checks.push(...stepChecks(t, ctx, steps, what, findings));
  }
  checks.push(...(await healthChecks(t, ctx, t.env.health)));
  if (t.github) checks.push(...(await githubChecks(t, ctx, findings)));
  if (t.npm) checks.push(...(await npmChecks(t, ctx, findings)));
  const failed = checks.filter((c) => !c.ok).length;
  const critical = findings.filter((f) => f.severity === "critical").length;
  const summary = critical ? `${critical} blocking problem(s) in ${checks.length} checks` : `${checks.length} checks, ${failed} not passing, nothing blocking`;
  return { result: { summary, environment: t.name, configured: t.configured, targets: [...(t.env.deploy.length ? ["steps"] : []), ...(t.github ? ["github"] : []), ...(t.npm ? ["npm"] : [])], checks, findings }, findings };
}
