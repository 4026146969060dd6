/**
 * Spec 6.1 — deploy per the orchestration plan. Each deploy step is an effect recorded as
 * `6.1:<name>` (two-phase, with its `check` and `idempotent` for crash recovery), run by the DAG
 * runner up to the environment's concurrency. Between steps a PAUSE or ABORT stops the start of
 * new steps (the running ones finish). Health checks marked `during` are probed meanwhile; one
 * turning unhealthy stops the deployment as a failure.
 */
import { BrtopsError, isBrtopsError } from "../core/errors.js";
import type { StepContext, StepOutcome } from "../engine/step-types.js";
import { resolveNpmToken, type NpmContext } from "../adapters/npm/npm-cli.js";
import { join } from "node:path";
import {
  npmDistTag,
  npmDistTags,
  npmPackShasum,
  npmPublish,
  npmPublishedVersion,
  npmVersionResolves,
  readPackage,
  readTarballPackage,
  tarballShasum,
} from "../adapters/npm/npm-publish.js";
import { provenanceChoice } from "../adapters/npm/npm-provenance.js";
import { artifactsDir, npmArtifactPrefix, packageProblem } from "../package/package-store.js";
import { NPM_PUBLISH, NPM_VERIFY, OCI_PUSH, dagNodes, plannedSteps, type PlannedStep } from "./deploy-plan.js";
import { actionContext, deployTarget, type DeployTarget } from "./deploy-target.js";
import { monitorHealth, type HealthReport } from "./monitor-health.js";
import { planDag } from "./plan-dag.js";
import { runAction, runCheck } from "./run-action.js";
import { runDag } from "./run-dag.js";
import { confirmationGate, findConfirmation } from "./confirmation.js";
import { pointTags, pushImage } from "./execute-oci.js";
import { FollowStopped, runAppStoreStep } from "./execute-app-store.js";

/** Thrown inside the DAG when a confirm step has no confirmation yet: stops the run, opens a gate. */
class AwaitingConfirmation extends Error {
  constructor(
    readonly step: string,
    readonly role: string,
    readonly prompt: string,
  ) {
    super(`waiting for ${role} to confirm ${step}`);
  }
}

/** The npm context of a target (token from its tokenEnv, else NPM_TOKEN / NODE_AUTH_TOKEN). */
export function npmContext(ctx: Pick<StepContext, "root" | "redact" | "env">, t: DeployTarget): NpmContext {
  return {
    registry: t.npm!.registry,
    token: resolveNpmToken(ctx.env, t.npm!.tokenEnv),
    cwd: ctx.root,
    redact: ctx.redact,
    env: ctx.env,
  };
}

function errorText(e: unknown, redact: (s: string) => string): { code: string; message: string } {
  if (isBrtopsError(e)) return { code: e.code, message: redact(e.message) };
  const err = e as { code?: unknown; message?: unknown; cause?: unknown };
  // The engine wraps an effect's error; prefer the original's code and message.
  if (err?.cause && isBrtopsError(err.cause)) return { code: err.cause.code, message: redact(err.cause.message) };
  return {
    code: typeof err?.code === "string" ? err.code : "E_DEPLOY_STEP_FAILED",
    message: redact(String(err?.message ?? e)),
  };
}

/**
 * The approved npm tarball of the target (stored at 2.4), or null when no package was fixed (a
 * project outside git). A fixed package without a tarball for the target is E_NPM_NOT_IN_PACKAGE.
 */
export function approvedTarball(ctx: Pick<StepContext, "root" | "state">, t: DeployTarget): string | null {
  const pkg = ctx.state.package;
  if (!pkg || !t.npm) return null;
  const prefix = npmArtifactPrefix(t.npm.package);
  const a = pkg.artifacts.find((x) => x.name.startsWith(prefix) && x.name.endsWith(".tgz"));
  if (!a) {
    throw new BrtopsError(
      "E_NPM_NOT_IN_PACKAGE",
      `The approved package of ${pkg.commit.slice(0, 12)} has no npm tarball of ${t.npm.package}: npm publishes only the approved tarball.`,
      {
        hint: "Reject back to phase 2 so that 2.4 packs it (the folder needs a committed package.json), then approve the package again.",
      },
    );
  }
  return join(artifactsDir(ctx.root, ctx.state.version), a.name);
}

/** name and version npm publishes: the approved tarball's, else the package folder's. */
function npmPackageOf(
  ctx: StepContext,
  t: DeployTarget,
): { name: string; version: string; tarball: string | null; folder: string } {
  const tarball = approvedTarball(ctx, t);
  const pkg = tarball ? readTarballPackage(tarball) : readPackage(ctx.root, t.npm!.package);
  return { name: pkg.name, version: pkg.version, tarball, folder: pkg.folder };
}

async function runPlannedStep(ctx: StepContext, t: DeployTarget, s: PlannedStep): Promise<Record<string, unknown>> {
  const sub = `6.1:${s.name}`;
  if (s.name === NPM_PUBLISH) {
    const npm = npmContext(ctx, t);
    const pkg = npmPackageOf(ctx, t);
    // A promotion (the package certified elsewhere) may move the environment's configured tag, latest included.
    const promotion = ctx.state.promotion !== null;
    const tag = npmDistTag(t.vars.version, t.npm!.tag, t.npm!.channels, { promotion });
    const provenance = provenanceChoice(t.npm!.provenance, ctx.env, t.npm!.registry);
    return ctx.effect(
      s.name,
      `npm publish ${pkg.name}@${pkg.version} (${tag})${pkg.tarball ? " from the approved tarball" : ""}`,
      {
        idempotent: true,
        // In place: the version with the approved shasum, and the dist-tag on it.
        check: async () => {
          const there = await npmPublishedVersion(npm, pkg.name, pkg.version);
          return (
            there !== null &&
            there.shasum === (pkg.tarball ? tarballShasum(pkg.tarball) : await npmPackShasum(npm, pkg.folder)) &&
            (await npmDistTags(npm, pkg.name))[tag] === pkg.version
          );
        },
        adopt: async () => ({ name: pkg.name, version: pkg.version, tag, action: "adopted", promotion }),
      },
      async () => ({
        ...(await npmPublish(npm, {
          folder: t.npm!.package,
          tag,
          access: t.npm!.access,
          provenance: provenance.provenance,
          ...(pkg.tarball ? { tarball: pkg.tarball } : {}),
        })),
        provenanceWhy: provenance.why,
        promotion,
        ...(pkg.tarball ? { tarball: pkg.tarball.slice(ctx.root.length + 1) } : {}),
      }),
    );
  }
  if (s.name === NPM_VERIFY) {
    const npm = npmContext(ctx, t);
    const pkg = npmPackageOf(ctx, t);
    return ctx.effect(s.name, `check ${pkg.name}@${pkg.version} resolves`, { idempotent: true }, async () => {
      if (!(await npmVersionResolves(npm, pkg.name, pkg.version))) {
        throw new BrtopsError(
          "E_NPM_NOT_RESOLVED",
          `${pkg.name}@${pkg.version} was published but does not resolve on ${t.npm!.registry}.`,
          { hint: "The registry may be slow to update; run `brtops run` again to re-check." },
        );
      }
      return { name: pkg.name, version: pkg.version, resolves: true };
    });
  }
  if (s.kind === "oci") return s.name === OCI_PUSH ? pushImage(ctx, t) : pointTags(ctx, t);
  if (s.kind === "app-store") return runAppStoreStep(ctx, t, s.name);
  const step = s.config!;
  const actx = actionContext(ctx, t.vars, sub);
  if (step.confirm) {
    const role = step.confirm.role;
    const prompt = step.confirm.prompt.replace(
      /\{(version|previous|environment)\}/g,
      (_m, k: "version" | "previous" | "environment") => t.vars[k] ?? "none",
    );
    // Only a confirmation given in this pass counts (a rejection starts a new pass).
    const since = ctx.events.filter((e) => e.type === "GateRejected").at(-1)?.seq ?? 0;
    const c = findConfirmation(ctx.events, sub, role, since);
    if (!c) throw new AwaitingConfirmation(sub, role, prompt);
    return ctx.effect(s.name, s.does, { idempotent: true }, async () => ({
      kind: "confirm",
      detail: `confirmed by ${c.by} (${c.role}) at ${c.at}`,
      confirmedBy: c.by,
    }));
  }
  return ctx.effect(
    s.name,
    s.does,
    {
      idempotent: step.idempotent === true,
      ...(step.check ? { check: () => runCheck(step.check!, actx) } : {}),
    },
    async () => {
      const r = await runAction(s.name, step, actx);
      const result = {
        kind: r.kind,
        target: r.target,
        detail: r.detail,
        durationMs: r.durationMs,
        ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
        ...(r.status !== undefined ? { status: r.status } : {}),
        ...(r.output ? { output: r.output.slice(-500) } : {}),
      };
      if (!r.ok) {
        throw new BrtopsError(
          "E_DEPLOY_STEP_FAILED",
          `Deploy step "${s.name}" failed: ${r.detail}${r.output ? ` — ${r.output.split("\n").filter(Boolean).at(-1)!.slice(0, 200)}` : ""}`,
          {
            hint: "Look at the step's output; fix the cause, then retry, roll back or continue.",
            details: result,
          },
        );
      }
      return result;
    },
  );
}

/** Runs 6.1. Example: `return executeDeployment(ctx)` from the 6.1 executor. */
export async function executeDeployment(ctx: StepContext): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  const steps = plannedSteps(t);
  const byName = new Map(steps.map((s) => [s.name, s]));
  const plan = planDag(dagNodes(steps));
  // Skipped: the HUM LEAD chose "continue" past its failure; it counts as done for its dependents.
  const done = plan.order.filter((n) => ["succeeded", "skipped"].includes(ctx.state.steps[`6.1:${n}`]?.status ?? ""));
  // The approved package is checked before anything is deployed: a changed digest deploys nothing.
  const approved = ctx.state.package;
  if (approved) {
    const problem = await packageProblem(ctx, approved);
    if (problem)
      return {
        result: { environment: t.name, commit: approved.commit, completed: done, summary: problem.message },
        failure: problem,
      };
  }
  const commit = approved?.commit ?? (await ctx.git.head());
  const total = plan.order.length;
  let finished = done.length;
  const results: Record<string, Record<string, unknown>> = {};

  const during = t.env.health.filter((h) => h.during);
  const stopMonitor = new AbortController();
  let unhealthy: { check: string; detail: string } | null = null;
  const monitor: Promise<HealthReport | null> = during.length
    ? monitorHealth(during, {
        durationMs: 24 * 3600 * 1000,
        signal: stopMonitor.signal,
        ctx: actionContext(ctx, t.vars, "6.2"),
        onUnhealthy: (check, last) => (unhealthy ??= { check, detail: last.detail }),
        onSample: (s) =>
          ctx.progress({
            kind: "health",
            step: "6.2",
            message: `${s.check}: ${s.detail}`,
            status: s.ok ? "ok" : "fail",
          }),
      })
    : Promise.resolve(null);

  const started = Date.now();
  const run = await runDag(plan, {
    concurrency: t.env.concurrency,
    done,
    shouldStop: async () => unhealthy !== null || (await ctx.shouldStop()),
    onEvent: (e) => {
      if (e.type === "start")
        ctx.progress({
          kind: "step",
          step: `6.1:${e.step}`,
          message: byName.get(e.step)!.does,
          status: "start",
          done: finished,
          total,
        });
      else {
        if (e.type === "ok") finished += 1;
        ctx.progress({
          kind: "step",
          step: `6.1:${e.step}`,
          message: e.type === "ok" ? "done" : errorText(e.error, ctx.redact).message,
          status: e.type === "ok" ? "ok" : "fail",
          done: finished,
          total,
        });
      }
    },
    runStep: async (name) => {
      results[name] = await runPlannedStep(ctx, t, byName.get(name)!);
    },
  });
  stopMonitor.abort();
  const health = await monitor;
  const durationMs = Date.now() - started;
  const result: Record<string, unknown> = {
    environment: t.name,
    commit,
    completed: [...done, ...run.completed],
    completedThisRun: run.completed,
    failed: run.failed.map((f) => ({ step: f.step, ...errorText(f.error, ctx.redact) })),
    notStarted: run.notStarted,
    durationMs,
    steps: Object.fromEntries(
      Object.entries(results).map(([k, v]) => [
        k,
        { detail: v["detail"] ?? v["action"] ?? "done", durationMs: v["durationMs"] ?? null },
      ]),
    ),
    ...(health
      ? {
          healthDuring: health.checks.map((c) => ({
            check: c.check,
            status: c.status,
            samples: c.samples,
            failures: c.failures,
            lastDetail: c.lastDetail,
          })),
        }
      : {}),
  };
  const waiting = run.failed.find((f) => f.error instanceof AwaitingConfirmation);
  if (waiting && run.failed.length === 1) {
    const w = waiting.error as AwaitingConfirmation;
    return {
      result: { ...result, awaitingConfirmation: w.step, summary: `waiting for ${w.role} to confirm ${w.step}` },
      gate: confirmationGate(w.step, w.role, w.prompt, result["completed"] as string[]),
    };
  }
  // Following App Store Connect was stopped by a PAUSE, ABORT or ROLLBACK: nothing failed, the runner acts on the request.
  if (run.failed.length > 0 && run.failed.every((f) => f.error instanceof FollowStopped))
    return { result: { ...result, summary: `stopped while following ${run.failed[0]!.step}` }, paused: true };
  if (run.failed.length > 0) {
    const f = run.failed.find((x) => !(x.error instanceof AwaitingConfirmation))!;
    const err = errorText(f.error, ctx.redact);
    return {
      result: { ...result, summary: `failed at ${f.step}: ${err.message}` },
      failure: { code: err.code, message: err.message },
    };
  }
  if (unhealthy !== null) {
    const u = unhealthy as { check: string; detail: string };
    const message = `Health check "${u.check}" turned unhealthy during the deployment: ${u.detail}`;
    return { result: { ...result, summary: message }, failure: { code: "E_HEALTH_UNHEALTHY", message } };
  }
  if (run.stopped) {
    return { result: { ...result, summary: `stopped between steps after ${finished} of ${total}` }, paused: true };
  }
  return { result: { ...result, summary: `${total} step(s) deployed in ${Math.round(durationMs / 100) / 10} s` } };
}
