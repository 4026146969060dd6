/** Starting a release: RELEASE v{version} to {target} (step 1.1's input), recorded as ReleaseRequested. */
import { authorize } from "../core/authority.js";
import { buildEnvironmentCatalog, resolveEnvironment } from "../core/environments.js";
import { BrtopsError } from "../core/errors.js";
import { parseVersionOrThrow } from "../core/version-syntax.js";
import { previousRelease, resolveVersionType, validateRequestedVersion } from "../intel/version-validate.js";
import { createGit } from "../adapters/git.js";
import { ReleaseSession } from "./release-session.js";
import type { Project } from "./project.js";

export interface ReleaseRequest {
  version: string; // a version or major | minor | patch
  environment: string;
  trigger?: string;
  actorId: string;
}

const TYPES = new Set(["major", "minor", "patch"]);

export async function requestRelease(project: Project, req: ReleaseRequest): Promise<ReleaseSession> {
  const actor = authorize(project.config.leads, req.actorId, "request", "request a release");
  const environment = resolveEnvironment(req.environment, buildEnvironmentCatalog(project.config.environments));
  if (!project.config.environments[environment]) {
    const configured = Object.keys(project.config.environments);
    throw new BrtopsError("E_ENVIRONMENT_NOT_CONFIGURED", `Environment ${environment} is not configured in brtops.config.yaml, so there is nothing to deploy to.`, {
      hint: configured.length ? `Configured environments: ${configured.join(", ")}. Or add "${environment}:" under environments.` : `Add "${environment}:" under environments with its deploy, health and rollback steps.`,
      details: { environment, configured },
    });
  }
  const tags = await createGit(project.root, project.redact).tags();
  const typed = req.version.trim().toLowerCase();
  let versionType: "major" | "minor" | "patch" | undefined;
  let version: string;
  if (TYPES.has(typed)) {
    versionType = typed as "major" | "minor" | "patch";
    version = resolveVersionType(versionType, previousRelease(tags)?.written ?? null);
  } else {
    version = parseVersionOrThrow(req.version);
  }
  // Refuses a version at or below the previous release, or one already released (exit 2).
  const check = validateRequestedVersion(version, tags);
  const session = await ReleaseSession.open(project.store, check.version);
  if (session.exists) {
    throw new BrtopsError("E_RELEASE_EXISTS", `Release ${check.version} already exists (state ${session.state.state}, step ${session.state.step}).`, {
      hint: `Continue it with \`brtops run --release ${check.version}\`, or look at it with \`brtops status --release ${check.version}\`.`,
    });
  }
  await session.append([
    {
      type: "ReleaseRequested",
      at: project.now(),
      actor,
      data: { version: check.version, environment, ...(versionType ? { versionType } : {}), ...(req.trigger ? { trigger: req.trigger } : {}), previous: check.previous?.written ?? null },
    },
  ]);
  return session;
}
