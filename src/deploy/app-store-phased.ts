/**
 * RELEASE PAUSE / RESUME of an App Store release whose phased release runs: the phased release is
 * paused (PAUSED) or resumed (ACTIVE) on App Store Connect, by a person with the authority to
 * pause or resume, and recorded (Note kind "app-store", after App Store Connect confirmed it, with
 * who asked). It also applies after certification: the phased release outlives the run (7 days).
 */
import { authorize } from "../core/authority.js";
import { BrtopsError } from "../core/errors.js";
import { isTerminal } from "../core/fold.js";
import type { ReleaseState } from "../core/release-state.js";
import type { Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import { phasedRelease, setPhasedReleaseState } from "../adapters/app-store/app-store-api.js";
import { APP_STORE_VERSION } from "./app-store-plan.js";
import { openAppStore } from "./app-store-session.js";
import { APP_STORE_NOTE } from "./execute-app-store.js";

/** True when the release deployed an App Store version with a phased release (6.1 recorded it). */
export function hasPhasedRelease(project: Pick<Project, "config">, s: ReleaseState): boolean {
  return (
    project.config.environments[s.environment]?.appStore !== undefined &&
    typeof s.steps[`6.1:${APP_STORE_VERSION}`]?.result?.["phasedReleaseId"] === "string"
  );
}

/**
 * Pauses (`PAUSED`) or resumes (`ACTIVE`) the phased release. Returns null when there is none to
 * act on while the run itself is still open (the run's own pause/resume is then all there is);
 * on a finished run a phased release that cannot move is an error saying why.
 */
export async function setPhasedRelease(
  project: Project,
  session: ReleaseSession,
  input: { actorId: string; note?: string; dryRun?: boolean },
  want: "PAUSED" | "ACTIVE",
): Promise<{ state: string; changed: boolean } | null> {
  await session.refresh();
  const s = session.state;
  const verb = want === "PAUSED" ? "pause" : "resume";
  const actor = authorize(project.config.leads, input.actorId, verb, `${verb} the App Store phased release`);
  if (!hasPhasedRelease(project, s)) return null;
  const cfg = project.config.environments[s.environment]!.appStore!;
  const { client } = openAppStore(project, cfg);
  const versionId = String(s.steps[`6.1:${APP_STORE_VERSION}`]!.result!["versionId"]);
  const now = await phasedRelease(client, versionId);
  const movable = now && (now.state === "ACTIVE" || now.state === "PAUSED");
  if (!now || !movable) {
    if (!isTerminal(s)) return null; // not released yet: nothing of Apple's to pause
    throw new BrtopsError(
      "E_INVALID_STATE",
      `The phased release of ${s.version} on the App Store is ${now?.state ?? "gone"}: there is nothing to ${verb}.`,
      {
        hint:
          now?.state === "COMPLETE"
            ? "Every user has the update; roll back to remove it from sale."
            : "See App Store Connect.",
      },
    );
  }
  if (input.dryRun) return { state: now.state, changed: now.state !== want };
  const after = now.state === want ? now : await setPhasedReleaseState(client, now.id, want);
  const text = `App Store: phased release of ${s.version} ${after.state} (${verb} by ${actor.id}${input.note ? `: ${input.note}` : ""})`;
  await session.append([
    project.redact.deep({
      type: "Note",
      at: project.now(),
      actor,
      data: {
        kind: APP_STORE_NOTE,
        text,
        data: {
          state: s.appStore?.state ?? "READY_FOR_SALE",
          version: s.version,
          versionId,
          phasedRelease: after.state,
        },
      },
    }),
  ]);
  return { state: after.state, changed: now.state !== want };
}
