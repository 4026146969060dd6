/**
 * "GO RELEASE v2.1.0 to Staging": a HUM LEAD requests the release and grants GO RELEASE
 * (auto-proceed) in one phrase. The release that is already open for that version there gets the
 * grant; otherwise it is requested first. Every face that reads the phrase calls this.
 */
import { authorize } from "../core/authority.js";
import { resolveEnvironment, buildEnvironmentCatalog } from "../core/environments.js";
import { isTerminal } from "../core/fold.js";
import { normalizeVersion } from "../core/version-syntax.js";
import { grantAutoProceed } from "./decisions.js";
import { listReleases, type Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";
import { requestRelease, type ReleaseRequest } from "./request-release.js";

export interface GoReleaseOutcome {
  session: ReleaseSession;
  /** false: the release was open already and only got the grant. */
  requested: boolean;
  /** false: GO RELEASE was granted on it before. */
  granted: boolean;
}

/**
 * Requests (or finds open) the release and grants GO RELEASE on it. Authority is checked before
 * anything is recorded: only a HUM LEAD may grant, so an AI LEAD's "GO RELEASE …" records nothing.
 * @example await goRelease(project, {version: "2.1.0", environment: "staging", actorId: "alice@example.com"})
 */
export async function goRelease(project: Project, req: ReleaseRequest, note?: string): Promise<GoReleaseOutcome> {
  authorize(project.config.leads, req.actorId, "grant-auto-proceed", "grant GO RELEASE auto-proceed");
  const open = await openRelease(project, req);
  const session = open ?? (await requestRelease(project, req));
  if (session.state.autoProceed) return { session, requested: !open, granted: false };
  await grantAutoProceed(project, session, { actorId: req.actorId, ...(note ? { note } : {}) });
  return { session, requested: !open, granted: true };
}

/** The release of that version open on that environment (a version type never names one). */
async function openRelease(project: Project, req: ReleaseRequest): Promise<ReleaseSession | null> {
  const version = normalizeVersion(req.version);
  if (version === null) return null;
  const environment = resolveEnvironment(req.environment, buildEnvironmentCatalog(project.config.environments));
  const same = (await listReleases(project.store)).filter(
    (r) =>
      r.session.state.environment === environment &&
      normalizeVersion(r.session.state.version) === version &&
      !isTerminal(r.session.state),
  );
  return same[0]?.session ?? null;
}
