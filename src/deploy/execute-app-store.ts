/**
 * The App Store target inside 6.1, as recorded effects that a crash never repeats blindly: each
 * one first asks App Store Connect what is there (a build uploaded, the version created, its
 * build attached, a submission made) and adopts it.
 *  - `6.1:app-store-upload`: the project's own upload command (adopted when the build is there);
 *  - `6.1:app-store-build`: the build of the version, followed until App Store Connect says VALID;
 *  - `6.1:app-store-version`: the App Store version (found or created), the build attached, the phased release;
 *  - `6.1:app-store-whats-new`: "What's New" per locale (./app-store-whats-new.ts decides the texts);
 *  - `6.1:app-store-submit`: the review submission;
 *  - `6.1:app-store-review`: App Review followed to its decision. Each state seen is recorded
 *    (Note kind "app-store": status shows it); a rejection fails the deployment (an incident).
 */
import { BrtopsError } from "../core/errors.js";
import type { StepContext } from "../engine/step-types.js";
import {
  attachBuild,
  ensurePhasedRelease,
  ensureVersion,
  findBuild,
  findVersion,
  localizations,
  phasedRelease,
  readVersion,
  setWhatsNew,
  submitForReview,
  type AppRef,
} from "../adapters/app-store/app-store-api.js";
import { buildOutcome, reviewOutcome } from "../adapters/app-store/app-store-states.js";
import type { AppStoreTargetConfig } from "../config/schema-app-store.js";
import {
  APP_STORE_BUILD,
  APP_STORE_REVIEW,
  APP_STORE_SUBMIT,
  APP_STORE_UPLOAD,
  APP_STORE_VERSION,
  APP_STORE_WHATS_NEW,
} from "./app-store-plan.js";
import { appOf, openAppStore, type AppStoreSession } from "./app-store-session.js";
import { whatsNewFindings, whatsNewTexts } from "./app-store-whats-new.js";
import { actionContext, type DeployTarget } from "./deploy-target.js";
import { runAction } from "./run-action.js";

/** Thrown when a PAUSE, ABORT or ROLLBACK arrives while the review is followed: 6.1 stops, nothing failed. */
export class FollowStopped extends Error {
  constructor(readonly step: string) {
    super(`stopped following ${step}: a pause, abort or rollback was requested`);
  }
}

/** The Note kind of an App Store state seen (the fold keeps the latest for status). */
export const APP_STORE_NOTE = "app-store";

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((res) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      res();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Records a state App Store Connect reported (shown by `brtops status` and DEPLOYMENT STATUS). */
async function noteState(
  ctx: StepContext,
  text: string,
  data: { state: string; version: string; versionId?: string; phasedRelease?: string | null },
): Promise<void> {
  await ctx.record([{ type: "Note", at: ctx.now(), actor: ctx.actor, data: { kind: APP_STORE_NOTE, text, data } }]);
}

const buildNumberOf = (cfg: AppStoreTargetConfig, version: string): string | undefined =>
  cfg.buildNumber?.replace(/\{version\}/g, version);

/** The recorded result of an earlier App Store sub-step of this run. */
const recorded = (ctx: StepContext, name: string): Record<string, unknown> =>
  ctx.state.steps[`6.1:${name}`]?.result ?? {};

async function upload(ctx: StepContext, t: DeployTarget, s: AppStoreSession, app: AppRef, cfg: AppStoreTargetConfig) {
  const argv = cfg.upload!;
  const actx = actionContext(ctx, t.vars, `6.1:${APP_STORE_UPLOAD}`);
  return ctx.effect(
    APP_STORE_UPLOAD,
    `upload the build of ${t.vars.version}`,
    {
      // Uploading a build number twice is refused by Apple: after a crash the build found is adopted instead.
      check: async () =>
        (await findBuild(s.client, app.id, t.vars.version, buildNumberOf(cfg, t.vars.version))) !== null,
      adopt: async () => ({ kind: "app-store", action: "adopted", detail: "the build was already uploaded" }),
    },
    async () => {
      const r = await runAction(APP_STORE_UPLOAD, { name: APP_STORE_UPLOAD, run: argv }, actx);
      if (!r.ok)
        throw new BrtopsError(
          "E_APP_STORE_UPLOAD",
          `The upload command failed: ${r.detail}${r.output ? ` — ${r.output.split("\n").filter(Boolean).at(-1)!.slice(0, 200)}` : ""}`,
          { hint: "Look at its output; fix the cause, then retry." },
        );
      return { kind: "app-store", action: "uploaded", detail: r.detail, durationMs: r.durationMs };
    },
  );
}

async function build(ctx: StepContext, t: DeployTarget, s: AppStoreSession, app: AppRef, cfg: AppStoreTargetConfig) {
  const number = buildNumberOf(cfg, t.vars.version);
  const label = `the build of ${t.vars.version}${number ? ` (${number})` : ""} processed by App Store Connect`;
  if (ctx.state.steps[`6.1:${APP_STORE_BUILD}`]?.status === "succeeded") return recorded(ctx, APP_STORE_BUILD);
  // Followed outside the effect (looking changes nothing); the effect records what was found.
  const deadline = Date.now() + cfg.buildTimeout * 1000;
  let last = "";
  for (;;) {
    const b = await findBuild(s.client, app.id, t.vars.version, number);
    const state = b?.processingState ?? "NOT_UPLOADED";
    if (state !== last) {
      ctx.progress({ kind: "info", step: `6.1:${APP_STORE_BUILD}`, message: `build of ${t.vars.version}: ${state}` });
      last = state;
    }
    const outcome = b ? buildOutcome(b.processingState) : "processing";
    if (outcome !== "processing" || Date.now() > deadline)
      return ctx.effect(APP_STORE_BUILD, label, { idempotent: true }, async () => {
        if (b && outcome === "valid")
          return {
            kind: "app-store",
            buildId: b.id,
            build: b.number,
            processingState: b.processingState,
            detail: `build ${b.number} VALID`,
          };
        if (b && outcome === "unusable")
          throw new BrtopsError(
            "E_APP_STORE_BUILD_INVALID",
            `App Store Connect processed build ${b.number} of ${t.vars.version} as ${b.processingState}: it cannot be submitted.`,
            { hint: "See the email App Store Connect sent about the build; upload a fixed build, then retry." },
          );
        throw new BrtopsError(
          "E_APP_STORE_BUILD_TIMEOUT",
          `No VALID build of ${t.vars.version} on App Store Connect after ${cfg.buildTimeout} s (last: ${state}).`,
          { hint: "Check the upload and the build's processing in App Store Connect, then retry." },
        );
      });
    if (await ctx.shouldStop()) throw new FollowStopped(APP_STORE_BUILD);
    await sleep(cfg.pollSeconds * 1000, ctx.signal);
    if (ctx.signal.aborted) throw new FollowStopped(APP_STORE_BUILD);
  }
}

async function version(ctx: StepContext, t: DeployTarget, s: AppStoreSession, app: AppRef, cfg: AppStoreTargetConfig) {
  const buildId = String(recorded(ctx, APP_STORE_BUILD)["buildId"] ?? "");
  return ctx.effect(
    APP_STORE_VERSION,
    `App Store version ${t.vars.version} of ${app.bundleId || app.id} with its build`,
    { idempotent: true },
    async () => {
      const v = await ensureVersion(s.client, app.id, t.vars.version, cfg.platform);
      if (reviewOutcome(v.state) !== "editable" && v.buildId === buildId)
        return {
          kind: "app-store",
          versionId: v.id,
          action: "adopted",
          state: v.state,
          detail: `version ${v.versionString} (${v.state})`,
        };
      if (reviewOutcome(v.state) !== "editable")
        throw new BrtopsError(
          "E_APP_STORE_VERSION_STATE",
          `App Store version ${t.vars.version} is ${v.state}, so its build cannot be changed.`,
          {
            hint: "Release another version number, or withdraw this one from review in App Store Connect, then retry.",
          },
        );
      if (v.buildId !== buildId) await attachBuild(s.client, v.id, buildId);
      const phased = cfg.phasedRelease ? await ensurePhasedRelease(s.client, v.id) : null;
      return {
        kind: "app-store",
        versionId: v.id,
        action: v.action,
        state: v.state,
        buildId,
        ...(phased ? { phasedReleaseId: phased.id } : {}),
        detail: `version ${v.versionString} ${v.action}, build attached${phased ? ", phased release" : ""}`,
      };
    },
  );
}

async function whatsNew(ctx: StepContext, t: DeployTarget, s: AppStoreSession, cfg: AppStoreTargetConfig) {
  const versionId = String(recorded(ctx, APP_STORE_VERSION)["versionId"]);
  const texts = whatsNewTexts(ctx, cfg);
  return ctx.effect(
    APP_STORE_WHATS_NEW,
    `"What's New" for ${cfg.locales.join(", ")}`,
    { idempotent: true },
    async () => {
      // Checked again here: a text changed since 2.10 is refused before App Store Connect sees it.
      const bad = whatsNewFindings(texts)[0];
      if (bad) throw new BrtopsError(bad.code, bad.message, { hint: "Fix the text, then retry." });
      const existing = await localizations(s.client, versionId);
      const out: Record<string, string> = {};
      for (const x of texts)
        out[x.locale] = await setWhatsNew(s.client, versionId, x.locale, x.text!, existing.get(x.locale));
      return {
        kind: "app-store",
        locales: out,
        detail: Object.entries(out)
          .map(([l, a]) => `${l} ${a}`)
          .join(", "),
      };
    },
  );
}

async function submit(ctx: StepContext, t: DeployTarget, s: AppStoreSession, app: AppRef, cfg: AppStoreTargetConfig) {
  const versionId = String(recorded(ctx, APP_STORE_VERSION)["versionId"]);
  const submitted = async (): Promise<boolean> =>
    reviewOutcome((await readVersion(s.client, versionId)).state) !== "editable";
  return ctx.effect(
    APP_STORE_SUBMIT,
    `submit ${t.vars.version} for App Review`,
    {
      idempotent: true,
      check: submitted,
      adopt: async () => ({ kind: "app-store", action: "adopted", detail: "already submitted" }),
    },
    async () => {
      if (await submitted()) return { kind: "app-store", action: "adopted", detail: "already submitted" };
      const r = await submitForReview(s.client, app.id, versionId, cfg.platform);
      return {
        kind: "app-store",
        submissionId: r.submissionId,
        action: r.action,
        detail: `review submission ${r.submissionId}`,
      };
    },
  );
}

/** Follows App Review (outside any effect: following changes nothing), then records the decision as an effect. */
async function review(ctx: StepContext, t: DeployTarget, s: AppStoreSession, cfg: AppStoreTargetConfig) {
  const versionId = String(recorded(ctx, APP_STORE_VERSION)["versionId"]);
  const noted = ctx.events.filter((e) => e.type === "Note" && e.data.kind === APP_STORE_NOTE).at(-1);
  let last = noted?.type === "Note" ? String(noted.data.data?.["state"] ?? "") : "";
  for (;;) {
    const v = await readVersion(s.client, versionId);
    const outcome = reviewOutcome(v.state);
    const phased = outcome === "approved" && cfg.phasedRelease ? await phasedRelease(s.client, versionId) : null;
    const seen = `${v.state}/${phased?.state ?? ""}`;
    if (seen !== last) {
      last = seen;
      const text = `App Store: version ${t.vars.version} ${v.state}${phased ? `, phased release ${phased.state}` : ""}`;
      ctx.progress({ kind: "info", step: `6.1:${APP_STORE_REVIEW}`, message: text });
      await noteState(ctx, text, {
        state: v.state,
        version: t.vars.version,
        versionId,
        ...(phased ? { phasedRelease: phased.state } : {}),
      });
    }
    if (outcome === "approved" || outcome === "rejected" || outcome === "removed" || outcome === "editable")
      return ctx.effect(APP_STORE_REVIEW, `App Review of ${t.vars.version}`, { idempotent: true }, async () => {
        if (outcome !== "approved")
          throw new BrtopsError(
            outcome === "rejected" ? "E_APP_STORE_REJECTED" : "E_APP_STORE_NOT_IN_REVIEW",
            outcome === "rejected"
              ? `App Review did not approve ${t.vars.version}: ${v.state}. Read the reasons in App Store Connect (App Review, Resolution Center).`
              : `App Store version ${t.vars.version} is ${v.state}: it is not in review any more.`,
            { hint: "Fix what App Review asks, then release a new build (retry), or roll back / abort the release." },
          );
        return {
          kind: "app-store",
          state: v.state,
          versionId,
          ...(phased ? { phasedReleaseId: phased.id, phasedRelease: phased.state } : {}),
          detail: `approved: ${v.state}${phased ? `, phased release ${phased.state}` : ""}`,
        };
      });
    if (await ctx.shouldStop()) throw new FollowStopped(APP_STORE_REVIEW);
    await sleep(cfg.pollSeconds * 1000, ctx.signal);
    if (ctx.signal.aborted) throw new FollowStopped(APP_STORE_REVIEW);
  }
}

/** Runs one App Store sub-step of 6.1. */
export async function runAppStoreStep(
  ctx: StepContext,
  t: DeployTarget,
  name: string,
): Promise<Record<string, unknown>> {
  const cfg = t.appStore!;
  const s = openAppStore(ctx, cfg);
  const app = await appOf(s, cfg);
  switch (name) {
    case APP_STORE_UPLOAD:
      return upload(ctx, t, s, app, cfg);
    case APP_STORE_BUILD:
      return build(ctx, t, s, app, cfg);
    case APP_STORE_VERSION:
      return version(ctx, t, s, app, cfg);
    case APP_STORE_WHATS_NEW:
      return whatsNew(ctx, t, s, cfg);
    case APP_STORE_SUBMIT:
      return submit(ctx, t, s, app, cfg);
    case APP_STORE_REVIEW:
      return review(ctx, t, s, cfg);
    default:
      throw new Error(`unknown App Store step ${name}`);
  }
}

/** The version's id on App Store Connect, recorded by 6.1 (else found by its number). */
export async function versionIdOf(
  ctx: Pick<StepContext, "state">,
  s: AppStoreSession,
  app: AppRef,
  cfg: AppStoreTargetConfig,
): Promise<string | null> {
  const id = ctx.state.steps[`6.1:${APP_STORE_VERSION}`]?.result?.["versionId"];
  if (typeof id === "string") return id;
  return (await findVersion(s.client, app.id, ctx.state.version, cfg.platform))?.id ?? null;
}
