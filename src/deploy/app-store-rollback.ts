/**
 * Rolling back an App Store release, as the HUM LEAD chose with the rollback decision
 * (RollbackRequested `appStore`): `pause` pauses the phased release (users who have the update
 * keep it; nobody else gets it), `remove-from-sale` makes the app unavailable in every territory
 * (Apple cannot take one version back). Without a choice, a running phased release is paused and
 * nothing is removed from sale. A version that never reached users (rejected, still in review) has
 * nothing to pull: the rollback says so.
 */
import { BrtopsError } from "../core/errors.js";
import type { StepContext } from "../engine/step-types.js";
import {
  phasedRelease,
  readVersion,
  removeFromSale,
  setPhasedReleaseState,
} from "../adapters/app-store/app-store-api.js";
import { reviewOutcome } from "../adapters/app-store/app-store-states.js";
import { appOf, openAppStore } from "./app-store-session.js";
import type { DeployTarget } from "./deploy-target.js";
import { versionIdOf } from "./execute-app-store.js";

export type AppStoreRollbackChoice = "pause" | "remove-from-sale";

/** The choice recorded with the latest rollback decision, if any. */
export function rollbackChoice(ctx: Pick<StepContext, "events">): AppStoreRollbackChoice | null {
  const e = ctx.events.filter((x) => x.type === "RollbackRequested").at(-1);
  return e?.type === "RollbackRequested" ? (e.data.appStore ?? null) : null;
}

/** The App Store part of a rollback. Result: `{choice, action, detail, …}`. */
export async function rollbackAppStore(ctx: StepContext, t: DeployTarget): Promise<Record<string, unknown>> {
  const cfg = t.appStore!;
  const s = openAppStore(ctx, cfg);
  const app = await appOf(s, cfg);
  const versionId = await versionIdOf(ctx, s, app, cfg);
  const chosen = rollbackChoice(ctx);
  if (!versionId)
    return { choice: chosen, action: "none", detail: `no App Store version ${t.vars.version}: nothing to pull` };
  const v = await readVersion(s.client, versionId);
  const outcome = reviewOutcome(v.state);
  if (outcome !== "approved")
    return {
      choice: chosen,
      action: "none",
      state: v.state,
      detail: `version ${t.vars.version} is ${v.state}: it never reached users, nothing to pull`,
    };
  if (chosen === "remove-from-sale") {
    const r = await removeFromSale(s.client, app.id);
    return {
      choice: chosen,
      action: "removed-from-sale",
      territories: r.territories,
      detail: `${app.bundleId || app.id} removed from sale in ${r.territories.length} territor${r.territories.length === 1 ? "y" : "ies"}`,
    };
  }
  const phased = await phasedRelease(s.client, versionId);
  if (phased && (phased.state === "ACTIVE" || phased.state === "PAUSED")) {
    const after = phased.state === "PAUSED" ? phased : await setPhasedReleaseState(s.client, phased.id, "PAUSED");
    return {
      choice: chosen ?? "pause",
      action: "phased-release-paused",
      phasedRelease: after.state,
      detail: `phased release of ${t.vars.version} ${after.state}`,
    };
  }
  throw new BrtopsError(
    "E_APP_STORE_ROLLBACK",
    `Version ${t.vars.version} is on sale and its phased release is ${phased?.state ?? "absent"}: pausing cannot take it back.`,
    {
      hint: "Roll back choosing remove-from-sale (the app leaves the store until a fixed version is released), or release a fixed version.",
    },
  );
}
