/**
 * Spec 4.2–4.4 as results the documents are rendered from: the rollback procedure, the
 * orchestration plan (order, parallel groups, critical path, expected duration from earlier
 * runs' logs) and the communication plan. Nothing here touches the deployment.
 */
import { stepActionKind } from "../config/schema-environment.js";
import type { AnyEvent, Finding } from "../core/events.js";
import { isBrtopsError } from "../core/errors.js";
import type { StepContext } from "../engine/step-types.js";
import { openStore, resolveStoreSpec } from "../store/open-store.js";
import { describeAction, dagNodes, plannedSteps } from "./deploy-plan.js";
import { deployTarget, tagName } from "./deploy-target.js";
import { estimateMakespan, planDag } from "./plan-dag.js";
import { expectedDurations } from "./plan-durations.js";
import { planRollback } from "./rollback.js";
import { githubRollbackActions } from "./github-rollback.js";
import { shownText } from "./substitute.js";

type Outcome = { result: Record<string, unknown>; findings: Finding[] };

/** Earlier releases' logs to the same environment (newest 20), for expected durations. */
export async function earlierRuns(ctx: Pick<StepContext, "root" | "config" | "env" | "state">): Promise<AnyEvent[][]> {
  const store = await openStore(ctx.root, resolveStoreSpec(ctx.config.store, ctx.env));
  try {
    const out: AnyEvent[][] = [];
    for (const ref of (await store.list()).reverse()) {
      if (ref.release === ctx.state.release) continue;
      const { events } = await store.read(ref.release);
      const req = events[0];
      if (req?.type === "ReleaseRequested" && req.data.environment === ctx.state.environment) out.push(events);
      if (out.length >= 20) break;
    }
    return out;
  } finally {
    await store.close();
  }
}

function fmtMs(ms: number | null): string {
  if (ms === null) return "unknown";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** 4.3: the order, parallel groups, critical path and expected duration of 6.1. */
export async function planOrchestration(ctx: StepContext): Promise<Outcome> {
  const t = deployTarget(ctx);
  const steps = plannedSteps(t);
  const findings: Finding[] = [];
  let runs: AnyEvent[][] = [];
  try {
    runs = await earlierRuns(ctx);
  } catch (e) {
    findings.push({
      severity: "info",
      code: "I_NO_HISTORY",
      message: `Earlier runs could not be read for expected durations: ${isBrtopsError(e) ? e.message : ctx.redact(String(e))}`,
    });
  }
  const expected = expectedDurations(runs);
  let plan;
  try {
    plan = planDag(dagNodes(steps, expected));
  } catch (e) {
    if (!isBrtopsError(e)) throw e;
    findings.push({ severity: "critical", code: e.code, message: e.message, source: `environments.${t.name}.deploy` });
    return {
      result: { summary: `the deploy steps cannot be ordered: ${e.message}`, environment: t.name, steps: [], findings },
      findings,
    };
  }
  const estimatedMs = estimateMakespan(plan, t.env.concurrency);
  const unknown = plan.order.filter((n) => plan.expectedMs[n] === null);
  if (steps.length === 0 && !t.github)
    findings.push({
      severity: "warning",
      code: "W_NOTHING_TO_DEPLOY",
      message: `Environment "${t.name}" has no deploy steps.`,
    });
  const noUndo = steps
    .filter((s) => s.config && !s.undo && s.kind !== "wait" && s.kind !== "confirm")
    .map((s) => s.name);
  const summary = `${steps.length} step(s) in ${plan.groups.length} group(s), up to ${t.env.concurrency} at once; expected ${fmtMs(estimatedMs)}${runs.length ? ` from ${runs.length} earlier run(s)` : " (no earlier runs)"}`;
  return {
    result: {
      summary,
      environment: t.name,
      concurrency: t.env.concurrency,
      onFailure: t.env.onFailure,
      steps: steps.map((s) => ({
        name: s.name,
        kind: s.kind,
        does: s.does,
        needs: s.needs,
        timeoutSec: s.timeoutSec,
        idempotent: s.idempotent,
        check: s.check,
        undo: s.undo,
        expectedMs: plan.expectedMs[s.name],
      })),
      order: plan.order,
      groups: plan.groups,
      criticalPath: plan.criticalPath,
      criticalPathMs: plan.criticalPathMs,
      estimatedMs,
      earlierRuns: runs.length,
      unknownDurations: unknown,
      health: t.env.health.map((h) => ({
        name: h.name,
        kind: h.http ? "http" : "command",
        probes: h.http
          ? `${h.http.method} ${h.http.url}${h.http.bodyMatch ? ` body ~ /${h.http.bodyMatch}/` : ""}${h.http.maxLatencyMs ? ` within ${h.http.maxLatencyMs} ms` : ""}`
          : h.run!.join(" "),
        intervalSec: h.interval,
        timeoutSec: h.timeout,
        failuresBeforeUnhealthy: h.failuresBeforeUnhealthy,
        during: h.during,
      })),
      healthWindowSec: t.env.healthWindow,
      github: t.github
        ? {
            tag: tagName(t.github, t.vars.version),
            remote: t.github.remote,
            repository: t.github.repository ?? `from remote ${t.github.remote}`,
            assets: t.github.assets,
            draft: t.github.draft,
            prerelease: t.github.prerelease,
          }
        : null,
      npm: t.npm
        ? { registry: t.npm.registry, package: t.npm.package, tag: t.npm.tag ?? null, access: t.npm.access ?? null }
        : null,
      withoutUndo: noUndo,
    },
    findings,
  };
}

/** 4.2: the rollback procedure — undo in reverse order, then the rollback steps, then the targets. */
export async function planRollbackProcedure(ctx: StepContext): Promise<Outcome> {
  const t = deployTarget(ctx);
  const steps = plannedSteps(t);
  const findings: Finding[] = [];
  let items: { order: number; name: string; kind: string; of: string | null; does: string }[] = [];
  let withoutUndo: string[] = [];
  try {
    const plan = planDag(dagNodes(steps));
    const rb = planRollback(
      t.env.deploy,
      plan.order.filter((n) => t.env.deploy.some((s) => s.name === n)),
      t.env.rollback,
    );
    withoutUndo = rb.withoutUndo.filter((n) => {
      const k = stepActionKind(t.env.deploy.find((s) => s.name === n)!);
      return k === "run" || k === "http";
    });
    items = rb.items.map((i, n) => ({
      order: n + 1,
      name: i.name,
      kind: i.kind,
      of: i.of ?? null,
      does: shownText(describeAction(i.action), t.vars),
    }));
  } catch (e) {
    if (!isBrtopsError(e)) throw e;
    findings.push({ severity: "critical", code: e.code, message: e.message, source: `environments.${t.name}` });
  }
  const targets: { name: string; does: string }[] = [];
  if (t.npm && ctx.state.promotion)
    targets.push({
      name: "npm",
      does: `move the dist-tag this promotion moves back to ${t.vars.previous ?? "what it held before"}; ${t.vars.version} stays published (certified on ${ctx.state.promotion.environment})`,
    });
  else if (t.npm)
    targets.push({
      name: "npm",
      does: `move dist-tags pointing at ${t.vars.version} back to ${t.vars.previous ?? "(no previous version: latest stays)"}; ${t.npm.unpublishOnRollback ? "unpublish (deprecate where the registry refuses)" : "deprecate"} ${t.vars.version}`,
    });
  if (t.github) targets.push(...githubRollbackActions(t.github, t.vars.version));
  for (const x of targets)
    items.push({ order: items.length + 1, name: x.name, kind: "target", of: null, does: x.does });
  if (withoutUndo.length > 0 && t.env.rollback.length === 0) {
    findings.push({
      severity: "warning",
      code: "W_NO_UNDO",
      message: `Deploy step(s) ${withoutUndo.join(", ")} have no undo and the environment has no rollback steps: a rollback leaves their effects in place.`,
      source: `environments.${t.name}`,
    });
  }
  if (
    t.env.rollback.length > 0 &&
    t.vars.previous === null &&
    t.env.rollback.some((s) => JSON.stringify(s).includes("{previous}"))
  ) {
    findings.push({
      severity: "warning",
      code: "E_NO_PREVIOUS_VERSION",
      message: "The rollback steps redeploy {previous}, but this is the first release: a rollback could not run them.",
      source: `environments.${t.name}.rollback`,
    });
  }
  const validation = t.env.health.map((h) => h.name);
  const summary = `${items.length} rollback action(s); ${t.env.onFailure === "rollback" ? "automatic on failure" : "the HUM LEAD decides on failure"}; back to ${t.vars.previous ? `v${t.vars.previous}` : "nothing (first release)"}`;
  return {
    result: {
      summary,
      environment: t.name,
      onFailure: t.env.onFailure,
      rollbackTo: t.vars.previous,
      items,
      withoutUndo,
      validation,
      findings,
    },
    findings,
  };
}

/** 4.4: who hears about the deployment, through which channels, on which events. */
export async function planCommunication(ctx: StepContext): Promise<Outcome> {
  const cfg = ctx.config as unknown as {
    notifications?: { channels?: { name: string; type: string; events?: string[] }[] };
  };
  const channels = (cfg.notifications?.channels ?? []).map((c) => ({
    name: c.name,
    type: c.type,
    events: c.events ?? ["all"],
  }));
  const findings: Finding[] = [];
  if (channels.length === 0)
    findings.push({
      severity: "info",
      code: "I_NO_CHANNELS",
      message:
        "No notification channels are configured: stakeholders hear about the deployment only through brtops status and the dashboard.",
      source: "notifications",
    });
  const leads = ctx.config.leads;
  const moments = [
    { when: "deployment starts (6.1)", kind: "deploy-start" },
    { when: "each deploy step completes (6.5)", kind: "deploy-progress" },
    { when: "a step or health check fails (6.4)", kind: "deploy-failure" },
    { when: "a rollback runs (6.7, 6.11)", kind: "rollback" },
    { when: "the HUM LEAD is asked to decide", kind: "gate" },
    { when: "the release is certified (7.12)", kind: "complete" },
  ].map((m) => ({
    ...m,
    channels: channels.filter((c) => c.events.includes("all") || c.events.includes(m.kind)).map((c) => c.name),
  }));
  const summary = `${channels.length} channel(s); HUM LEAD${leads.hum.length > 1 ? "s" : ""} ${leads.hum.join(", ")}; emergency: ${leads.emergency.length ? leads.emergency.join(", ") : "the HUM LEADs"}`;
  return {
    result: {
      summary,
      channels,
      moments,
      humLeads: leads.hum,
      aiLeads: leads.ai,
      emergency: leads.emergency.length ? leads.emergency : leads.hum,
      findings,
    },
    findings,
  };
}
