/**
 * Starting a release: RELEASE v{version} to {target} (step 1.1's input), recorded as
 * ReleaseRequested. What the request means — a new release, a promotion of an approved package, or
 * another attempt — is decided by intel/plan-request from every run in the store and the tags,
 * under the environment's lock, so two requests for one environment can never both start.
 */
import { authorityRecord } from "../core/admit-event.js";
import { authorize } from "../core/authority.js";
import { buildEnvironmentCatalog, resolveEnvironment } from "../core/environments.js";
import { BrtopsError } from "../core/errors.js";
import { createGit } from "../adapters/git.js";
import { planReleaseRequest, type RequestPlan } from "../intel/plan-request.js";
import { ReleaseSession } from "./release-session.js";
import type { Project } from "./project.js";
import { readRuns } from "./read-runs.js";
import { prefetchRecordedHistory } from "./steps/history.js";

export interface ReleaseRequest {
  version: string; // a version or major | minor | patch
  environment: string;
  trigger?: string;
  actorId: string;
  /** A HUM LEAD's reason to deploy outside the configured promotion order (the hotfix path). */
  overridePromotion?: string;
}

/** Checks a request and plans it without recording anything (what `release --dry-run` shows). */
export async function planRequest(
  project: Project,
  req: ReleaseRequest,
): Promise<RequestPlan & { environment: string }> {
  authorize(project.config.leads, req.actorId, "request", "request a release");
  const environment = resolveEnvironment(req.environment, buildEnvironmentCatalog(project.config.environments));
  if (!project.config.environments[environment]) {
    const configured = Object.keys(project.config.environments);
    throw new BrtopsError(
      "E_ENVIRONMENT_NOT_CONFIGURED",
      `Environment ${environment} is not configured in brtops.config.yaml, so there is nothing to deploy to.`,
      {
        hint: configured.length
          ? `Configured environments: ${configured.join(", ")}. Or add "${environment}:" under environments.`
          : `Add "${environment}:" under environments with its deploy, health and rollback steps.`,
        details: { environment, configured },
      },
    );
  }
  // No deployment of nothing: an environment with no deploy steps and no target block is refused now.
  const env = project.config.environments[environment];
  if (
    env.deploy.length === 0 &&
    !env.github &&
    !env.npm &&
    !env.oci &&
    !env.appStore &&
    environment !== "github" &&
    environment !== "npm"
  ) {
    throw new BrtopsError(
      "E_ENVIRONMENT_EMPTY",
      `Environment ${environment} has nothing to deploy with: no deploy steps and no github, npm, oci or appStore target, so a release there would deploy nothing.`,
      {
        hint: `Add to environments.${environment} in brtops.config.yaml: deploy steps (deploy: [{name: ship, run: [./scripts/deploy.sh, "{version}"]}]), or a target block (github: {}, npm: {}, oci: {image, from} for a container image, or appStore: {bundleId} for an app).`,
        details: { environment },
      },
    );
  }
  let override: { by: string; reason: string } | undefined;
  if (req.overridePromotion !== undefined) {
    if (!req.overridePromotion.trim())
      throw new BrtopsError("E_USAGE", "An override of the promotion order needs a reason.", {
        hint: '--override-promotion "hotfix for INC-42"',
      });
    const hum = authorize(project.config.leads, req.actorId, "approve", "override the promotion order");
    override = { by: hum.id, reason: req.overridePromotion.trim() };
  }
  const [runs, tags] = await Promise.all([readRuns(project.store), createGit(project.root, project.redact).tags()]);
  const plan = planReleaseRequest({
    requested: req.version,
    environment,
    runs,
    tags,
    ...(project.config.promotion ? { promotionOrder: project.config.promotion } : {}),
    ...(override ? { override } : {}),
  });
  return { ...plan, environment };
}

export async function requestRelease(project: Project, req: ReleaseRequest): Promise<ReleaseSession> {
  const actor = authorize(project.config.leads, req.actorId, "request", "request a release");
  const environment = resolveEnvironment(req.environment, buildEnvironmentCatalog(project.config.environments));
  return project.store.exclusive(`environment-${environment}`, async () => {
    const plan = await planRequest(project, req);
    // The release's history (one git log, one diff) is read from now on, while the request is
    // recorded and phase 1 starts: step 1.4 and phase 2 find it read (steps/history.ts).
    // Never rejects (a base it cannot read fails at 1.4): started, not awaited.
    void prefetchRecordedHistory(project.root, plan.base);
    const session = await ReleaseSession.open(project.store, plan.release);
    if (session.exists) {
      // Only a run this planner did not see (a log copied in by hand) can be here.
      throw new BrtopsError(
        "E_RELEASE_EXISTS",
        `Release ${plan.release} already exists (state ${session.state.state}, step ${session.state.step}).`,
        {
          hint: `Look at it with \`brtops status --release ${plan.release}\`.`,
        },
      );
    }
    await session.append([
      {
        type: "ReleaseRequested",
        at: project.now(),
        actor,
        data: {
          version: plan.version,
          environment: plan.environment,
          ...(plan.versionType ? { versionType: plan.versionType } : {}),
          ...(req.trigger ? { trigger: req.trigger } : {}),
          previous: plan.previous,
          previousSource: plan.previousSource,
          base: plan.base,
          ...(plan.promotion ? { promotion: plan.promotion } : {}),
          attempt: plan.attempt,
          earlier: plan.earlier,
          // The authority config of this time: the fold judges every later event under it.
          authority: authorityRecord(project.config),
        },
      },
    ]);
    await project.store.anchors?.write(session.release, { seq: session.state.lastSeq, hash: session.state.lastHash });
    return session;
  });
}
