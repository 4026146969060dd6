/**
 * The App Store Connect calls a release makes, each with the documented JSON:API request shape:
 * the app by bundle id, the build of a version, the App Store version (create, or find the one
 * already there), its localizations ("What's New"), the build relationship, the review
 * submission, the phased release, and the app's territory availability (removal from sale).
 * Every "ensure" first looks, so that a call repeated after a crash adopts what is there.
 */
import { BrtopsError, isBrtopsError } from "../../core/errors.js";
import type { AppStoreClient, Resource } from "./app-store-client.js";

export interface AppRef {
  id: string;
  bundleId: string;
  name: string;
}
export interface BuildRef {
  id: string;
  number: string;
  processingState: string;
  uploadedDate: string | null;
}
export interface VersionRef {
  id: string;
  versionString: string;
  state: string;
  buildId: string | null;
}
export interface PhasedReleaseRef {
  id: string;
  state: string;
  currentDayNumber: number | null;
}

const q = encodeURIComponent;
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const list = (r: { data?: unknown } | null): Resource[] => (Array.isArray(r?.data) ? (r.data as Resource[]) : []);
const one = (r: { data?: unknown } | null): Resource | null =>
  r?.data && !Array.isArray(r.data) ? (r.data as Resource) : null;

const appOf = (r: Resource): AppRef => ({
  id: r.id,
  bundleId: str(r.attributes?.["bundleId"]),
  name: str(r.attributes?.["name"]),
});
const versionOf = (r: Resource): VersionRef => ({
  id: r.id,
  versionString: str(r.attributes?.["versionString"]),
  state: str(r.attributes?.["appVersionState"]) || str(r.attributes?.["appStoreState"]),
  buildId: r.relationships?.["build"]?.data?.id ?? null,
});
const phasedOf = (r: Resource): PhasedReleaseRef => ({
  id: r.id,
  state: str(r.attributes?.["phasedReleaseState"]),
  currentDayNumber: typeof r.attributes?.["currentDayNumber"] === "number" ? r.attributes["currentDayNumber"] : null,
});

/** The app, by its Apple ID or bundle id. E_APP_STORE_APP_NOT_FOUND when App Store Connect has none. */
export async function findApp(
  c: AppStoreClient,
  o: { appId?: string | undefined; bundleId?: string | undefined },
): Promise<AppRef> {
  if (o.appId) {
    try {
      const r = one(await c.request("GET", `/v1/apps/${q(o.appId)}`));
      if (r) return appOf(r);
    } catch (e) {
      if (!(isBrtopsError(e) && e.code === "E_APP_STORE_NOT_FOUND")) throw e;
    }
  } else {
    // The filter may match more than the exact id: the exact bundle id is picked.
    const r = list(await c.request("GET", `/v1/apps?filter[bundleId]=${q(o.bundleId!)}&limit=200`)).find(
      (a) => a.attributes?.["bundleId"] === o.bundleId,
    );
    if (r) return appOf(r);
  }
  throw new BrtopsError(
    "E_APP_STORE_APP_NOT_FOUND",
    `App Store Connect has no app ${o.appId ? `with Apple ID ${o.appId}` : `with bundle id ${o.bundleId}`} that this API key can see.`,
    { hint: "Check appStore.bundleId (or appId) in brtops.config.yaml, and that the key's team owns the app." },
  );
}

/** The newest build of `version` (CFBundleShortVersionString), or of its build number; null when none is uploaded yet. */
export async function findBuild(
  c: AppStoreClient,
  appId: string,
  version: string,
  buildNumber?: string,
): Promise<BuildRef | null> {
  const filter = `filter[app]=${q(appId)}&filter[preReleaseVersion.version]=${q(version)}${buildNumber ? `&filter[version]=${q(buildNumber)}` : ""}`;
  const r = list(await c.request("GET", `/v1/builds?${filter}&sort=-uploadedDate&limit=1`))[0];
  return r
    ? {
        id: r.id,
        number: str(r.attributes?.["version"]),
        processingState: str(r.attributes?.["processingState"]),
        uploadedDate: str(r.attributes?.["uploadedDate"]) || null,
      }
    : null;
}

/** The App Store version `versionString` of the app on `platform`, or null. */
export async function findVersion(
  c: AppStoreClient,
  appId: string,
  versionString: string,
  platform: string,
): Promise<VersionRef | null> {
  const r = list(
    await c.request(
      "GET",
      `/v1/apps/${q(appId)}/appStoreVersions?filter[versionString]=${q(versionString)}&filter[platform]=${q(platform)}&include=build`,
    ),
  ).find((v) => v.attributes?.["versionString"] === versionString);
  return r ? versionOf(r) : null;
}

export async function readVersion(c: AppStoreClient, versionId: string): Promise<VersionRef> {
  const r = one(await c.request("GET", `/v1/appStoreVersions/${q(versionId)}?include=build`));
  if (!r) throw new BrtopsError("E_APP_STORE", `App Store Connect sent no version ${versionId}.`);
  return versionOf(r);
}

/**
 * The version, created when it is not there (POST /v1/appStoreVersions). A 409 (another
 * process made it meanwhile, or the app has an editable version of another number) is answered by
 * looking again; the one found is adopted.
 */
export async function ensureVersion(
  c: AppStoreClient,
  appId: string,
  versionString: string,
  platform: string,
): Promise<VersionRef & { action: "created" | "adopted" }> {
  const found = await findVersion(c, appId, versionString, platform);
  if (found) return { ...found, action: "adopted" };
  try {
    const r = one(
      await c.request("POST", "/v1/appStoreVersions", {
        data: {
          type: "appStoreVersions",
          attributes: { platform, versionString, releaseType: "AFTER_APPROVAL" },
          relationships: { app: { data: { type: "apps", id: appId } } },
        },
      }),
    );
    if (!r) throw new BrtopsError("E_APP_STORE", "App Store Connect created the version but sent nothing back.");
    return { ...versionOf(r), action: "created" };
  } catch (e) {
    if (!(isBrtopsError(e) && e.code === "E_APP_STORE_CONFLICT")) throw e;
    const again = await findVersion(c, appId, versionString, platform);
    if (again) return { ...again, action: "adopted" };
    throw e;
  }
}

/** PATCH /v1/appStoreVersions/{id}/relationships/build: the version's build. */
export async function attachBuild(c: AppStoreClient, versionId: string, buildId: string): Promise<void> {
  await c.request("PATCH", `/v1/appStoreVersions/${q(versionId)}/relationships/build`, {
    data: { type: "builds", id: buildId },
  });
}

/** The version's localizations by locale: id and whatsNew. */
export async function localizations(
  c: AppStoreClient,
  versionId: string,
): Promise<Map<string, { id: string; whatsNew: string }>> {
  const out = new Map<string, { id: string; whatsNew: string }>();
  for (const r of list(
    await c.request("GET", `/v1/appStoreVersions/${q(versionId)}/appStoreVersionLocalizations?limit=200`),
  ))
    out.set(str(r.attributes?.["locale"]), { id: r.id, whatsNew: str(r.attributes?.["whatsNew"]) });
  return out;
}

/** Sets "What's New" of one locale (PATCH the localization, or POST it when the locale has none). */
export async function setWhatsNew(
  c: AppStoreClient,
  versionId: string,
  locale: string,
  whatsNew: string,
  existing: { id: string; whatsNew: string } | undefined,
): Promise<"unchanged" | "updated" | "created"> {
  if (existing?.whatsNew === whatsNew) return "unchanged";
  if (existing) {
    await c.request("PATCH", `/v1/appStoreVersionLocalizations/${q(existing.id)}`, {
      data: { type: "appStoreVersionLocalizations", id: existing.id, attributes: { whatsNew } },
    });
    return "updated";
  }
  await c.request("POST", "/v1/appStoreVersionLocalizations", {
    data: {
      type: "appStoreVersionLocalizations",
      attributes: { locale, whatsNew },
      relationships: { appStoreVersion: { data: { type: "appStoreVersions", id: versionId } } },
    },
  });
  return "created";
}

/** The version's phased release, or null when it has none. */
export async function phasedRelease(c: AppStoreClient, versionId: string): Promise<PhasedReleaseRef | null> {
  try {
    const r = one(await c.request("GET", `/v1/appStoreVersions/${q(versionId)}/appStoreVersionPhasedRelease`));
    return r ? phasedOf(r) : null;
  } catch (e) {
    if (isBrtopsError(e) && e.code === "E_APP_STORE_NOT_FOUND") return null;
    throw e;
  }
}

/** A phased release for the version (it starts INACTIVE and becomes ACTIVE when the version is released). */
export async function ensurePhasedRelease(c: AppStoreClient, versionId: string): Promise<PhasedReleaseRef> {
  const there = await phasedRelease(c, versionId);
  if (there) return there;
  const r = one(
    await c.request("POST", "/v1/appStoreVersionPhasedReleases", {
      data: {
        type: "appStoreVersionPhasedReleases",
        attributes: { phasedReleaseState: "INACTIVE" },
        relationships: { appStoreVersion: { data: { type: "appStoreVersions", id: versionId } } },
      },
    }),
  );
  if (!r) throw new BrtopsError("E_APP_STORE", "App Store Connect created the phased release but sent nothing back.");
  return phasedOf(r);
}

/** PATCH the phased release's state: PAUSED, ACTIVE (resume) or COMPLETE (release to everyone). */
export async function setPhasedReleaseState(
  c: AppStoreClient,
  phasedId: string,
  state: "PAUSED" | "ACTIVE" | "COMPLETE",
): Promise<PhasedReleaseRef> {
  const r = one(
    await c.request("PATCH", `/v1/appStoreVersionPhasedReleases/${q(phasedId)}`, {
      data: { type: "appStoreVersionPhasedReleases", id: phasedId, attributes: { phasedReleaseState: state } },
    }),
  );
  return r ? phasedOf(r) : { id: phasedId, state, currentDayNumber: null };
}

/**
 * Submits the version for review: a review submission of the app (an open one is reused), the
 * version as its item (unless it is already), then `submitted: true`.
 */
export async function submitForReview(
  c: AppStoreClient,
  appId: string,
  versionId: string,
  platform: string,
): Promise<{ submissionId: string; action: "submitted" | "adopted" }> {
  const open = list(
    await c.request(
      "GET",
      `/v1/reviewSubmissions?filter[app]=${q(appId)}&filter[platform]=${q(platform)}&filter[state]=READY_FOR_REVIEW,WAITING_FOR_REVIEW,IN_REVIEW`,
    ),
  );
  let sub = open[0] ?? null;
  if (sub && str(sub.attributes?.["state"]) !== "READY_FOR_REVIEW") return { submissionId: sub.id, action: "adopted" };
  if (!sub) {
    sub = one(
      await c.request("POST", "/v1/reviewSubmissions", {
        data: {
          type: "reviewSubmissions",
          attributes: { platform },
          relationships: { app: { data: { type: "apps", id: appId } } },
        },
      }),
    );
    if (!sub)
      throw new BrtopsError("E_APP_STORE", "App Store Connect created the review submission but sent nothing back.");
  }
  const items = list(await c.request("GET", `/v1/reviewSubmissions/${q(sub.id)}/items`));
  if (!items.some((i) => i.relationships?.["appStoreVersion"]?.data?.id === versionId)) {
    await c.request("POST", "/v1/reviewSubmissionItems", {
      data: {
        type: "reviewSubmissionItems",
        relationships: {
          reviewSubmission: { data: { type: "reviewSubmissions", id: sub.id } },
          appStoreVersion: { data: { type: "appStoreVersions", id: versionId } },
        },
      },
    });
  }
  await c.request("PATCH", `/v1/reviewSubmissions/${q(sub.id)}`, {
    data: { type: "reviewSubmissions", id: sub.id, attributes: { submitted: true } },
  });
  return { submissionId: sub.id, action: "submitted" };
}

/**
 * Removes the app from sale: every territory where it is available is made unavailable (Apple
 * has no removal of one version: the app's availability is what users can download).
 */
export async function removeFromSale(c: AppStoreClient, appId: string): Promise<{ territories: string[] }> {
  const availability = one(await c.request("GET", `/v1/apps/${q(appId)}/appAvailabilityV2`));
  if (!availability) throw new BrtopsError("E_APP_STORE", `App Store Connect sent no availability for app ${appId}.`);
  const territories = list(
    await c.request("GET", `/v2/appAvailabilities/${q(availability.id)}/territoryAvailabilities?limit=200`),
  );
  const changed: string[] = [];
  for (const t of territories) {
    if (t.attributes?.["available"] !== true) continue;
    await c.request("PATCH", `/v1/territoryAvailabilities/${q(t.id)}`, {
      data: { type: "territoryAvailabilities", id: t.id, attributes: { available: false } },
    });
    changed.push(t.relationships?.["territory"]?.data?.id ?? t.id);
  }
  return { territories: changed };
}
