/**
 * Rolling a deployment back (spec 6.7, 6.11, RELEASE ROLLBACK / ABORT): in reverse order of what
 * was done — the GitHub release, remote tag and local tag (6.8; on a HUM LEAD's decision, else
 * the release is kept and marked: github-rollback.ts), the release tag brtops made at
 * 6.10 (when the version was never certified), the npm publish, the image's moving tags, then the undo of
 * each completed `6.1:*` sub-step in reverse completion order, then the environment's rollback
 * steps (e.g. redeploy `{previous}`), then the health checks against the restored version. Each
 * action is a recorded effect; a failing one does not stop the others, and the rollback ends in
 * E_ROLLBACK_INCOMPLETE naming what is left.
 */
import { BrtopsError, isBrtopsError } from "../core/errors.js";
import type { AnyEvent } from "../core/events.js";
import type { StepContext } from "../engine/step-types.js";
import { deleteLocalTag, deleteRemoteTag } from "../adapters/github/git-tag.js";
import { npmRollback, npmTagRollback } from "../adapters/npm/npm-rollback.js";
import { readPackage, readTarballPackage } from "../adapters/npm/npm-publish.js";
import { NPM_PUBLISH } from "./deploy-plan.js";
import { rollbackImageTags } from "./oci-rollback.js";
import { rollbackAppStore } from "./app-store-rollback.js";
import { actionContext, deployTarget } from "./deploy-target.js";
import { approvedTarball, npmContext } from "./execute-deploy.js";
import { rollbackGitHub } from "./github-rollback.js";
import { monitorHealth } from "./monitor-health.js";
import { planRollback } from "./rollback.js";
import { runAction } from "./run-action.js";

/** Succeeded sub-steps of `prefix` (e.g. "6.1:") in the order they finished, latest pass only. */
export function completedSubSteps(ctx: Pick<StepContext, "state" | "events">, prefix: string): string[] {
  const order: string[] = [];
  const finished = (e: AnyEvent): string | null =>
    e.type === "StepSucceeded" && e.data.step.startsWith(prefix) ? e.data.step : null;
  for (const e of ctx.events) {
    const s = finished(e);
    if (!s) continue;
    const i = order.indexOf(s);
    if (i !== -1) order.splice(i, 1);
    order.push(s);
  }
  return order.filter((s) => ctx.state.steps[s]?.status === "succeeded").map((s) => s.slice(prefix.length));
}

/** Runs the rollback; returns the actions done and the version restored. */
export async function rollbackDeployment(ctx: StepContext): Promise<{ steps: string[]; to: string | null }> {
  const t = deployTarget(ctx);
  const done: string[] = [];
  const failed: { name: string; message: string }[] = [];
  const attempt = async (id: string, label: string, fn: () => Promise<Record<string, unknown>>): Promise<void> => {
    try {
      await ctx.effect(
        id,
        label,
        {
          idempotent:
            id.startsWith("github") ||
            id.startsWith("npm") ||
            id.startsWith("release-") ||
            id.startsWith("oci") ||
            id.startsWith("app-store"),
        },
        fn,
      );
      done.push(id);
      ctx.progress({ kind: "step", step: id, message: label, status: "ok" });
    } catch (e) {
      const cause = (e as { cause?: unknown })?.cause;
      const message = ctx.redact(
        isBrtopsError(e) ? e.message : isBrtopsError(cause) ? cause.message : String((e as Error)?.message ?? e),
      );
      failed.push({ name: id, message });
      ctx.progress({ kind: "step", step: id, message, status: "fail" });
    }
  };

  // The GitHub release (6.8): deleted on a HUM LEAD's decision, else kept and marked (github-rollback.ts).
  if (t.github && completedSubSteps(ctx, "6.8:").length > 0) await rollbackGitHub(ctx, t, attempt, failed);

  // The release tag of 6.10 (every target), when this run made it and the version was never
  // certified: removed so that the version can be tried again.
  const tagged = ctx.state.steps["6.10:tag"];
  if (tagged?.status === "succeeded" && tagged.result?.["action"] === "created" && !ctx.state.certifiedAt) {
    const tag = String(tagged.result["tag"]);
    const remote = ctx.config.release.tag.remote;
    if (
      ctx.state.steps["6.10:push"]?.status === "succeeded" &&
      ctx.state.steps["6.10:push"]?.result?.["action"] !== "adopted"
    ) {
      await attempt("release-remote-tag", `delete ${tag} on ${remote}`, async () => ({
        ...(await deleteRemoteTag(ctx.git, remote, tag)),
      }));
    }
    await attempt("release-local-tag", `delete the local tag ${tag}`, async () => ({
      ...(await deleteLocalTag(ctx.git, tag)),
    }));
  }

  const deployed = completedSubSteps(ctx, "6.1:");
  let restoredTo: string | null = null;
  const published = ctx.state.steps[`6.1:${NPM_PUBLISH}`]?.result;
  if (t.npm && deployed.includes(NPM_PUBLISH) && ctx.state.promotion && published?.["action"] === "adopted") {
    // A promotion moved a dist-tag onto a version already published (and certified elsewhere):
    // only that tag goes back; the version is not deprecated.
    const npm = npmContext(ctx, t);
    const name = String(published["name"]);
    const tag = String(published["tag"]);
    const candidates = promotionRollbackCandidates(ctx.state, published);
    await attempt("npm", `move ${tag} of ${name} back from ${t.vars.version}`, async () => {
      const before = typeof published["before"] === "string" ? published["before"] : undefined;
      const r = await npmTagRollback(npm, { name, version: t.vars.version, tag, candidates, before });
      if (r.restored) restoredTo = r.restored.version;
      return { ...r };
    });
    const r = ctx.state.steps["6.7:npm"]?.result?.["restored"] as { version?: string } | null | undefined;
    if (!restoredTo && r?.version) restoredTo = r.version; // done by an earlier, interrupted rollback
  } else if (t.npm && deployed.includes(NPM_PUBLISH)) {
    const npm = npmContext(ctx, t);
    const tarball = approvedTarball(ctx, t);
    const pkg = tarball ? readTarballPackage(tarball) : readPackage(ctx.root, t.npm.package);
    await attempt("npm", `roll back ${pkg.name}@${pkg.version} on ${t.npm.registry}`, async () => ({
      ...(await npmRollback(npm, {
        name: pkg.name,
        version: pkg.version,
        previous: t.vars.previous,
        unpublish: t.npm!.unpublishOnRollback,
      })),
    }));
  }

  // A tag effect merely started may have moved the tag too: rollbackImageTags leaves tags that are not this version's alone.
  if (t.oci && Object.keys(ctx.state.steps).some((k) => k.startsWith("6.1:oci-tag-"))) {
    await attempt(
      "oci-tags",
      `move the moving tags of ${t.oci.image} back to ${t.vars.previous ?? "(nothing before: removed)"}`,
      () => rollbackImageTags(ctx, t),
    );
  }

  // The App Store: the phased release paused, or the app removed from sale (the HUM LEAD's choice).
  if (t.appStore && deployed.some((n) => n.startsWith("app-store-")))
    await attempt("app-store", `App Store rollback of ${t.vars.version}`, () => rollbackAppStore(ctx, t));

  const configured = deployed.filter((n) => t.env.deploy.some((s) => s.name === n));
  const plan = planRollback(t.env.deploy, configured, t.env.rollback);
  for (const item of plan.items) {
    const actx = actionContext(ctx, t.vars, `rollback:${item.name}`);
    await attempt(item.name, item.kind === "undo" ? `undo ${item.of}` : `rollback step ${item.name}`, async () => {
      const r = await runAction(item.name, item.action, actx);
      const result = { kind: r.kind, target: r.target, detail: r.detail, durationMs: r.durationMs };
      if (!r.ok)
        throw new BrtopsError("E_ROLLBACK_STEP_FAILED", `${item.name} failed: ${r.detail}`, { details: result });
      return result;
    });
  }

  if (t.env.health.length > 0 && t.vars.previous !== null && t.env.rollback.length > 0) {
    await attempt("verify-health", `health checks against v${t.vars.previous}`, async () => {
      const vars = { ...t.vars, version: t.vars.previous! };
      const report = await monitorHealth(t.env.health, { durationMs: 0, ctx: actionContext(ctx, vars, "rollback") });
      const bad = report.checks.filter((c) => c.status !== "healthy");
      if (bad.length)
        throw new BrtopsError(
          "E_HEALTH_UNHEALTHY",
          `After the rollback: ${bad.map((c) => `${c.check} ${c.status} (${c.lastDetail})`).join("; ")}`,
        );
      return {
        healthy: true,
        checks: report.checks.map((c) => ({ check: c.check, status: c.status, lastDetail: c.lastDetail })),
      };
    });
  }

  if (failed.length > 0) {
    throw new BrtopsError(
      "E_ROLLBACK_INCOMPLETE",
      `The rollback did not complete: ${failed.map((f) => `${f.name}: ${f.message}`).join("; ")}.`,
      {
        hint: "Fix the cause and roll back again (brtops rollback): actions already done are not repeated.",
        details: { done, failed },
      },
    );
  }
  return { steps: done, to: restoredTo ?? t.vars.previous };
}

/**
 * Where a promoted dist-tag goes back to, in order: the version the ledger says ran on this
 * environment before, then what the tag held before the promotion moved it (recorded by 6.1),
 * then the newest tag below the release.
 */
export function promotionRollbackCandidates(
  s: Pick<StepContext["state"], "previous" | "previousSource">,
  published: Record<string, unknown>,
): { version: string; source: string }[] {
  const out: { version: string; source: string }[] = [];
  if (s.previous && s.previousSource === "ledger") out.push({ version: s.previous, source: "ledger" });
  const before = published["before"];
  if (typeof before === "string" && before) out.push({ version: before, source: "the tag before the promotion" });
  if (s.previous && s.previousSource !== "ledger") out.push({ version: s.previous, source: "the newest tag below" });
  return out.filter((c, i) => out.findIndex((x) => x.version === c.version) === i);
}
