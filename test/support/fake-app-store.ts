/**
 * A local App Store Connect API for tests: the documented JSON:API request and response shapes
 * of the calls brtops makes, its error bodies (`{"errors": [{"status", "code", "title",
 * "detail"}]}`: 401 NOT_AUTHORIZED, 404 NOT_FOUND, 409 ENTITY_ERROR…), and every request's bearer
 * JWT checked as Apple checks it: ES256 signature against the key's public half, `kid`, `iss`,
 * `aud: appstoreconnect-v1`, at most 20 minutes of life, not expired. App Review is the test's to
 * play: `approve(version)` / `reject(version)`; an upload arrives by `upload()` or POST /fake/upload.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";

export interface FakeKey {
  keyId: string;
  issuerId: string;
  /** The .p8 text (PKCS#8 PEM) brtops signs with. */
  p8: string;
  publicKey: KeyObject;
}

/** A new App Store Connect API key (an EC P-256 pair, as App Store Connect makes them). */
export function makeKey(keyId = "ABC123DEFG", issuerId = "57246542-96fe-1a63-e053-0824d011072a"): FakeKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { keyId, issuerId, p8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicKey };
}

interface Version {
  id: string;
  appId: string;
  versionString: string;
  platform: string;
  state: string;
  buildId: string | null;
}
interface Build {
  id: string;
  appId: string;
  number: string;
  marketingVersion: string;
  processingState: string;
  readsUntilValid: number;
}

export interface FakeAppStore {
  url: string;
  requests: { method: string; path: string; status: number; body: unknown }[];
  versions: Version[];
  builds: Build[];
  localizations: { id: string; versionId: string; locale: string; whatsNew: string }[];
  phased: { id: string; versionId: string; state: string }[];
  submissions: { id: string; appId: string; platform: string; state: string; items: string[] }[];
  territories: { id: string; territory: string; available: boolean }[];
  upload(marketingVersion: string, number?: string): void;
  approve(versionString: string): void;
  reject(versionString: string): void;
  version(versionString: string): Version | undefined;
  close(): Promise<void>;
}

const ERR = {
  401: {
    status: "401",
    code: "NOT_AUTHORIZED",
    title: "Authentication credentials are missing or invalid.",
    detail:
      "Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens",
  },
  404: {
    status: "404",
    code: "NOT_FOUND",
    title: "The specified resource does not exist",
    detail: "The path provided does not match a defined resource type.",
  },
};

const b64json = (s: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
};

/** Why a bearer token is refused, or null when Apple would take it. */
function tokenProblem(auth: string | undefined, key: FakeKey): string | null {
  const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(auth ?? "");
  if (!m) return "no bearer token";
  const header = b64json(m[1]!);
  const payload = b64json(m[2]!);
  if (!header || !payload) return "not a JWT";
  if (header["alg"] !== "ES256" || header["kid"] !== key.keyId || header["typ"] !== "JWT") return "bad header";
  const ok = verify(
    "sha256",
    Buffer.from(`${m[1]}.${m[2]}`),
    { key: key.publicKey, dsaEncoding: "ieee-p1363" },
    Buffer.from(m[3]!, "base64url"),
  );
  if (!ok) return "bad signature";
  const now = Math.floor(Date.now() / 1000);
  const iat = Number(payload["iat"] ?? now);
  const exp = Number(payload["exp"]);
  if (payload["aud"] !== "appstoreconnect-v1" || payload["iss"] !== key.issuerId) return "bad claims";
  if (!Number.isFinite(exp) || exp <= now || exp - iat > 20 * 60) return "expired or too long-lived";
  return null;
}

/** Starts the fake on loopback. Example: `const asc = await startFakeAppStore({key, bundleId: "com.acme.widget"})`. */
export async function startFakeAppStore(o: {
  key: FakeKey;
  bundleId: string;
  appId?: string;
  /** GETs of a PROCESSING build before it is VALID (default 1). */
  readsUntilValid?: number;
}): Promise<FakeAppStore> {
  const appId = o.appId ?? "1234567890";
  let seq = 0;
  const id = (p: string): string => `${p}-${(++seq).toString().padStart(4, "0")}`;
  const fake: Omit<FakeAppStore, "url" | "close"> = {
    requests: [],
    versions: [],
    builds: [],
    localizations: [],
    phased: [],
    submissions: [],
    territories: [
      { id: "ta-USA", territory: "USA", available: true },
      { id: "ta-DEU", territory: "DEU", available: true },
    ],
    upload(marketingVersion, number = String(fake.builds.length + 1)) {
      fake.builds.push({
        id: id("build"),
        appId,
        number,
        marketingVersion,
        processingState: "PROCESSING",
        readsUntilValid: o.readsUntilValid ?? 1,
      });
    },
    approve(v) {
      const ver = fake.version(v)!;
      ver.state = "READY_FOR_SALE";
      for (const p of fake.phased) if (p.versionId === ver.id) p.state = "ACTIVE";
      for (const s of fake.submissions) if (s.items.includes(ver.id)) s.state = "COMPLETE";
    },
    reject(v) {
      const ver = fake.version(v)!;
      ver.state = "REJECTED";
      for (const s of fake.submissions) if (s.items.includes(ver.id)) s.state = "UNRESOLVED_ISSUES";
    },
    version: (v) => fake.versions.find((x) => x.versionString === v),
  };

  const versionRes = (v: Version) => ({
    type: "appStoreVersions",
    id: v.id,
    attributes: {
      platform: v.platform,
      versionString: v.versionString,
      appStoreState: v.state,
      appVersionState: v.state === "READY_FOR_SALE" ? "READY_FOR_DISTRIBUTION" : v.state,
      releaseType: "AFTER_APPROVAL",
    },
    relationships: { build: { data: v.buildId ? { type: "builds", id: v.buildId } : null } },
  });
  const buildRes = (b: Build) => ({
    type: "builds",
    id: b.id,
    attributes: { version: b.number, processingState: b.processingState, uploadedDate: "2026-12-01T10:00:00Z" },
  });
  const locRes = (l: FakeAppStore["localizations"][number]) => ({
    type: "appStoreVersionLocalizations",
    id: l.id,
    attributes: { locale: l.locale, whatsNew: l.whatsNew || null },
  });
  const phasedRes = (p: FakeAppStore["phased"][number]) => ({
    type: "appStoreVersionPhasedReleases",
    id: p.id,
    attributes: { phasedReleaseState: p.state, currentDayNumber: p.state === "INACTIVE" ? null : 1 },
  });
  const subRes = (s: FakeAppStore["submissions"][number]) => ({
    type: "reviewSubmissions",
    id: s.id,
    attributes: { platform: s.platform, state: s.state },
  });
  const entityError = (detail: string, code = "ENTITY_ERROR.ATTRIBUTE.INVALID") => ({
    status: 409,
    body: {
      errors: [
        { status: "409", code, title: "The provided entity includes an attribute with an invalid value", detail },
      ],
    },
  });

  function route(method: string, url: URL, body: any): { status: number; body?: unknown } {
    const p = url.pathname;
    const f = (k: string) => url.searchParams.get(`filter[${k}]`);
    let m: RegExpExecArray | null;
    if (method === "POST" && p === "/fake/upload") {
      fake.upload(String(body.version), body.build ? String(body.build) : undefined);
      return { status: 201, body: {} };
    }
    if (method === "GET" && p === "/v1/apps") {
      const bundle = f("bundleId");
      const apps =
        bundle && o.bundleId.startsWith(bundle)
          ? [{ type: "apps", id: appId, attributes: { bundleId: o.bundleId, name: "Widget" } }]
          : [];
      return { status: 200, body: { data: apps, links: { self: url.href } } };
    }
    if (method === "GET" && (m = /^\/v1\/apps\/([^/]+)$/.exec(p)))
      return m[1] === appId
        ? {
            status: 200,
            body: { data: { type: "apps", id: appId, attributes: { bundleId: o.bundleId, name: "Widget" } } },
          }
        : {
            status: 404,
            body: { errors: [{ ...ERR[404], detail: `There is no resource of type 'apps' with id '${m[1]}'` }] },
          };
    if (method === "GET" && p === "/v1/builds") {
      const found = fake.builds
        .filter(
          (b) =>
            b.appId === f("app") &&
            b.marketingVersion === f("preReleaseVersion.version") &&
            (!f("version") || b.number === f("version")),
        )
        .reverse();
      for (const b of found)
        if (b.processingState === "PROCESSING" && --b.readsUntilValid < 0) b.processingState = "VALID";
      return { status: 200, body: { data: found.slice(0, 1).map(buildRes) } };
    }
    if (method === "GET" && (m = /^\/v1\/apps\/([^/]+)\/appStoreVersions$/.exec(p)))
      return {
        status: 200,
        body: {
          data: fake.versions
            .filter(
              (v) =>
                v.appId === m![1] &&
                (!f("versionString") || v.versionString === f("versionString")) &&
                (!f("platform") || v.platform === f("platform")),
            )
            .map(versionRes),
        },
      };
    if (method === "POST" && p === "/v1/appStoreVersions") {
      const a = body?.data?.attributes ?? {};
      if (
        body?.data?.type !== "appStoreVersions" ||
        !a.versionString ||
        !a.platform ||
        body.data.relationships?.app?.data?.id !== appId
      )
        return entityError("The request entity is not a valid appStoreVersions create request.", "ENTITY_ERROR");
      if (fake.versions.some((v) => v.versionString === a.versionString && v.platform === a.platform))
        return entityError(
          `The version number '${a.versionString}' has already been used.`,
          "ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE",
        );
      if (fake.versions.some((v) => v.platform === a.platform && v.state === "PREPARE_FOR_SUBMISSION"))
        return entityError(
          "You cannot create a new version of the App in the current state.",
          "ENTITY_ERROR.RELATIONSHIP.INVALID",
        );
      const v: Version = {
        id: id("ver"),
        appId,
        versionString: a.versionString,
        platform: a.platform,
        state: "PREPARE_FOR_SUBMISSION",
        buildId: null,
      };
      fake.versions.push(v);
      // Apple makes the primary locale's localization with the version.
      fake.localizations.push({ id: id("loc"), versionId: v.id, locale: "en-US", whatsNew: "" });
      return { status: 201, body: { data: versionRes(v) } };
    }
    if ((m = /^\/v1\/appStoreVersions\/([^/]+)(\/.*)?$/.exec(p))) {
      const v = fake.versions.find((x) => x.id === m![1]);
      if (!v) return { status: 404, body: { errors: [ERR[404]] } };
      const sub = m[2] ?? "";
      if (method === "GET" && sub === "") return { status: 200, body: { data: versionRes(v) } };
      if (method === "PATCH" && sub === "/relationships/build") {
        if (body?.data?.type !== "builds")
          return entityError("The relationship 'build' expects type 'builds'.", "ENTITY_ERROR.RELATIONSHIP.INVALID");
        const b = fake.builds.find((x) => x.id === body.data.id);
        if (!b || b.processingState !== "VALID")
          return entityError("The build is not valid for this version.", "ENTITY_ERROR.RELATIONSHIP.INVALID");
        if (v.state !== "PREPARE_FOR_SUBMISSION")
          return entityError(`The version is ${v.state}.`, "ENTITY_ERROR.RELATIONSHIP.INVALID");
        v.buildId = b.id;
        return { status: 204 };
      }
      if (method === "GET" && sub === "/appStoreVersionLocalizations")
        return { status: 200, body: { data: fake.localizations.filter((l) => l.versionId === v.id).map(locRes) } };
      if (method === "GET" && sub === "/appStoreVersionPhasedRelease") {
        const ph = fake.phased.find((x) => x.versionId === v.id);
        return { status: 200, body: { data: ph ? phasedRes(ph) : null } };
      }
    }
    if (method === "POST" && p === "/v1/appStoreVersionLocalizations") {
      const a = body?.data?.attributes ?? {};
      const vid = body?.data?.relationships?.appStoreVersion?.data?.id;
      if (!fake.versions.some((v) => v.id === vid))
        return entityError("The appStoreVersion does not exist.", "ENTITY_ERROR.RELATIONSHIP.INVALID");
      if (typeof a.whatsNew === "string" && a.whatsNew.length > 4000)
        return entityError("whatsNew is too long (at most 4000 characters).");
      if (fake.localizations.some((l) => l.versionId === vid && l.locale === a.locale))
        return entityError(`The locale ${a.locale} already exists.`, "ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE");
      const l = { id: id("loc"), versionId: vid, locale: String(a.locale), whatsNew: String(a.whatsNew ?? "") };
      fake.localizations.push(l);
      return { status: 201, body: { data: locRes(l) } };
    }
    if (method === "PATCH" && (m = /^\/v1\/appStoreVersionLocalizations\/([^/]+)$/.exec(p))) {
      const l = fake.localizations.find((x) => x.id === m![1]);
      if (!l) return { status: 404, body: { errors: [ERR[404]] } };
      if (body?.data?.id !== l.id) return entityError("The id in the body does not match the path.", "ENTITY_ERROR");
      const w = body.data.attributes?.whatsNew;
      if (typeof w === "string" && w.length > 4000)
        return entityError("whatsNew is too long (at most 4000 characters).");
      l.whatsNew = String(w ?? l.whatsNew);
      return { status: 200, body: { data: locRes(l) } };
    }
    if (method === "POST" && p === "/v1/appStoreVersionPhasedReleases") {
      const vid = body?.data?.relationships?.appStoreVersion?.data?.id;
      if (fake.phased.some((x) => x.versionId === vid))
        return entityError("The version already has a phased release.", "ENTITY_ERROR.RELATIONSHIP.INVALID");
      const ph = {
        id: id("phased"),
        versionId: vid,
        state: String(body?.data?.attributes?.phasedReleaseState ?? "INACTIVE"),
      };
      fake.phased.push(ph);
      return { status: 201, body: { data: phasedRes(ph) } };
    }
    if (method === "PATCH" && (m = /^\/v1\/appStoreVersionPhasedReleases\/([^/]+)$/.exec(p))) {
      const ph = fake.phased.find((x) => x.id === m![1]);
      if (!ph) return { status: 404, body: { errors: [ERR[404]] } };
      const want = String(body?.data?.attributes?.phasedReleaseState);
      const allowed =
        (ph.state === "ACTIVE" && ["PAUSED", "COMPLETE"].includes(want)) ||
        (ph.state === "PAUSED" && ["ACTIVE", "COMPLETE"].includes(want)) ||
        ph.state === want;
      if (!allowed)
        return entityError(
          `A phased release that is ${ph.state} cannot become ${want}.`,
          "ENTITY_ERROR.ATTRIBUTE.INVALID",
        );
      ph.state = want;
      return { status: 200, body: { data: phasedRes(ph) } };
    }
    if (method === "GET" && p === "/v1/reviewSubmissions") {
      const states = (f("state") ?? "").split(",").filter(Boolean);
      return {
        status: 200,
        body: {
          data: fake.submissions
            .filter((s) => s.appId === f("app") && (!states.length || states.includes(s.state)))
            .map(subRes),
        },
      };
    }
    if (method === "POST" && p === "/v1/reviewSubmissions") {
      const s = {
        id: id("sub"),
        appId: body?.data?.relationships?.app?.data?.id,
        platform: body?.data?.attributes?.platform,
        state: "READY_FOR_REVIEW",
        items: [] as string[],
      };
      fake.submissions.push(s);
      return { status: 201, body: { data: subRes(s) } };
    }
    if (method === "GET" && (m = /^\/v1\/reviewSubmissions\/([^/]+)\/items$/.exec(p))) {
      const s = fake.submissions.find((x) => x.id === m![1]);
      return {
        status: 200,
        body: {
          data: (s?.items ?? []).map((v, i) => ({
            type: "reviewSubmissionItems",
            id: `${s!.id}-item-${i}`,
            relationships: { appStoreVersion: { data: { type: "appStoreVersions", id: v } } },
          })),
        },
      };
    }
    if (method === "POST" && p === "/v1/reviewSubmissionItems") {
      const s = fake.submissions.find((x) => x.id === body?.data?.relationships?.reviewSubmission?.data?.id);
      const vid = body?.data?.relationships?.appStoreVersion?.data?.id;
      if (!s || !fake.versions.some((v) => v.id === vid))
        return entityError("Unknown submission or version.", "ENTITY_ERROR.RELATIONSHIP.INVALID");
      s.items.push(vid);
      return {
        status: 201,
        body: { data: { type: "reviewSubmissionItems", id: `${s.id}-item-${s.items.length - 1}` } },
      };
    }
    if (method === "PATCH" && (m = /^\/v1\/reviewSubmissions\/([^/]+)$/.exec(p))) {
      const s = fake.submissions.find((x) => x.id === m![1]);
      if (!s) return { status: 404, body: { errors: [ERR[404]] } };
      if (body?.data?.attributes?.submitted === true) {
        for (const vid of s.items) {
          const v = fake.versions.find((x) => x.id === vid)!;
          // What App Store Connect checks before it takes a submission: a build and every "What's New".
          if (!v.buildId) return entityError("The version has no build.", "ENTITY_ERROR.ATTRIBUTE.REQUIRED");
          const empty = fake.localizations.filter((l) => l.versionId === vid && !l.whatsNew);
          if (empty.length)
            return entityError(
              `whatsNew is required for ${empty.map((l) => l.locale).join(", ")}.`,
              "ENTITY_ERROR.ATTRIBUTE.REQUIRED",
            );
        }
        s.state = "WAITING_FOR_REVIEW";
        for (const vid of s.items) fake.versions.find((x) => x.id === vid)!.state = "WAITING_FOR_REVIEW";
      }
      return { status: 200, body: { data: subRes(s) } };
    }
    if (method === "GET" && p === `/v1/apps/${appId}/appAvailabilityV2`)
      return {
        status: 200,
        body: {
          data: { type: "appAvailabilities", id: `avail-${appId}`, attributes: { availableInNewTerritories: true } },
        },
      };
    if (method === "GET" && p === `/v2/appAvailabilities/avail-${appId}/territoryAvailabilities`)
      return {
        status: 200,
        body: {
          data: fake.territories.map((t) => ({
            type: "territoryAvailabilities",
            id: t.id,
            attributes: { available: t.available },
            relationships: { territory: { data: { type: "territories", id: t.territory } } },
          })),
        },
      };
    if (method === "PATCH" && (m = /^\/v1\/territoryAvailabilities\/([^/]+)$/.exec(p))) {
      const t = fake.territories.find((x) => x.id === m![1]);
      if (!t) return { status: 404, body: { errors: [ERR[404]] } };
      t.available = body?.data?.attributes?.available === true;
      return {
        status: 200,
        body: { data: { type: "territoryAvailabilities", id: t.id, attributes: { available: t.available } } },
      };
    }
    return { status: 404, body: { errors: [ERR[404]] } };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      let body: unknown = undefined;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      let out: { status: number; body?: unknown };
      if (!url.pathname.startsWith("/fake/") && tokenProblem(req.headers.authorization, o.key))
        out = { status: 401, body: { errors: [ERR[401]] } };
      else out = route(req.method ?? "GET", url, body);
      fake.requests.push({
        method: req.method ?? "GET",
        path: `${url.pathname}${url.search}`,
        status: out.status,
        body,
      });
      res.writeHead(out.status, out.body !== undefined ? { "content-type": "application/json" } : {});
      res.end(out.body !== undefined ? JSON.stringify(out.body) : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    ...fake,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        // A runner's keep-alive connections would hold close() open.
        server.closeAllConnections();
      }),
  };
}
