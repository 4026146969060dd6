/**
 * The App Store Connect client and calls against the local API (test/support/fake-app-store.ts),
 * which checks each token's ES256 signature against the key's public half: the token's header and
 * claims, Apple's error answers as stable codes (401 NOT_AUTHORIZED, 404 NOT_FOUND, 409
 * ENTITY_ERROR), adoption of what is already there, and bad keys refused before any request.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  attachBuild,
  ensurePhasedRelease,
  ensureVersion,
  findApp,
  findBuild,
  removeFromSale,
  setPhasedReleaseState,
} from "../../src/adapters/app-store/app-store-api.js";
import { createAppStoreClient } from "../../src/adapters/app-store/app-store-client.js";
import { resolveAppStoreKey } from "../../src/adapters/app-store/app-store-credentials.js";
import { appStoreToken, parseP8 } from "../../src/adapters/app-store/app-store-jwt.js";
import { createRedactor } from "../../src/core/redact.js";
import { makeKey, startFakeAppStore, type FakeAppStore, type FakeKey } from "../support/fake-app-store.js";

const NAMES = {
  keyIdEnv: "ASC_KEY_ID",
  issuerIdEnv: "ASC_ISSUER_ID",
  keyEnv: "ASC_PRIVATE_KEY",
  keyPathEnv: "ASC_KEY_PATH",
};
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(
  signWith?: FakeKey,
): Promise<{ asc: FakeAppStore; key: FakeKey; client: ReturnType<typeof createAppStoreClient> }> {
  const key = makeKey();
  const asc = await startFakeAppStore({ key, bundleId: "com.acme.widget" });
  closers.push(() => asc.close());
  const k = signWith ?? key;
  const client = createAppStoreClient({
    apiBase: asc.url,
    key: { keyId: key.keyId, issuerId: key.issuerId, privateKey: parseP8(k.p8, "test") },
    redact: createRedactor([k.p8]),
  });
  return { asc, key, client };
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
};

describe("App Store Connect client", () => {
  it("signs an ES256 token with kid, iss, aud appstoreconnect-v1 and at most 20 minutes of life", () => {
    const key = makeKey();
    const t = appStoreToken(
      { keyId: key.keyId, issuerId: key.issuerId, privateKey: parseP8(key.p8, "t") },
      1_000_000,
      3600,
    );
    const [h, p] = t
      .split(".")
      .slice(0, 2)
      .map((x) => JSON.parse(Buffer.from(x, "base64url").toString("utf8")));
    expect(h).toEqual({ alg: "ES256", kid: key.keyId, typ: "JWT" });
    expect(p).toEqual({ iss: key.issuerId, iat: 1_000_000, exp: 1_000_000 + 1200, aud: "appstoreconnect-v1" });
    expect(Buffer.from(t.split(".")[2]!, "base64url")).toHaveLength(64); // r‖s, not DER
  });

  it("finds the app and the build; the fake accepts the signed token", async () => {
    const { asc, client } = await setup();
    expect(await findApp(client, { bundleId: "com.acme.widget" })).toMatchObject({ id: "1234567890" });
    expect(await findApp(client, { appId: "1234567890" })).toMatchObject({ bundleId: "com.acme.widget" });
    expect(await findBuild(client, "1234567890", "1.1.0")).toBeNull();
    asc.upload("1.1.0", "42");
    expect(await findBuild(client, "1234567890", "1.1.0", "42")).toMatchObject({
      number: "42",
      processingState: "PROCESSING",
    });
    expect(await findBuild(client, "1234567890", "1.1.0", "42")).toMatchObject({ processingState: "VALID" });
    expect(asc.requests.every((r) => r.status === 200)).toBe(true);
  });

  it("a token signed by another key: 401 NOT_AUTHORIZED → E_APP_STORE_AUTH, the key never in the message", async () => {
    const other = makeKey();
    const { asc, client } = await setup(other);
    let err: any;
    try {
      await findApp(client, { bundleId: "com.acme.widget" });
    } catch (e) {
      err = e;
    }
    expect(err.code).toBe("E_APP_STORE_AUTH");
    expect(err.message).toContain("NOT_AUTHORIZED");
    expect(err.message).not.toContain(other.p8.split("\n")[1]);
    expect(asc.requests.map((r) => r.status)).toEqual([401]);
  });

  it("404 and 409 answers: an unknown app, a duplicate version adopted, a build not VALID refused, a phased release that cannot move", async () => {
    const { asc, client } = await setup();
    expect(await codeOf(findApp(client, { appId: "999" }))).toBe("E_APP_STORE_APP_NOT_FOUND");
    expect(asc.requests.at(-1)!.status).toBe(404);
    expect(await codeOf(client.request("GET", "/v1/nothing"))).toBe("E_APP_STORE_NOT_FOUND");

    const v = await ensureVersion(client, "1234567890", "1.1.0", "IOS");
    expect(v.action).toBe("created");
    // A second create answers 409 ENTITY_ERROR: the call looks again and adopts the version.
    expect(
      await codeOf(
        client.request("POST", "/v1/appStoreVersions", {
          data: {
            type: "appStoreVersions",
            attributes: { platform: "IOS", versionString: "1.1.0" },
            relationships: { app: { data: { type: "apps", id: "1234567890" } } },
          },
        }),
      ),
    ).toBe("E_APP_STORE_CONFLICT");
    expect(await ensureVersion(client, "1234567890", "1.1.0", "IOS")).toMatchObject({ id: v.id, action: "adopted" });
    expect(asc.versions).toHaveLength(1);

    asc.upload("1.1.0");
    expect(await codeOf(attachBuild(client, v.id, asc.builds[0]!.id))).toBe("E_APP_STORE_CONFLICT");
    const ph = await ensurePhasedRelease(client, v.id);
    expect(await ensurePhasedRelease(client, v.id)).toMatchObject({ id: ph.id });
    expect(await codeOf(setPhasedReleaseState(client, ph.id, "PAUSED"))).toBe("E_APP_STORE_CONFLICT");
  });

  it("removal from sale makes every available territory unavailable", async () => {
    const { asc, client } = await setup();
    expect(await removeFromSale(client, "1234567890")).toEqual({ territories: ["USA", "DEU"] });
    expect(asc.territories.every((t) => !t.available)).toBe(true);
    expect(await removeFromSale(client, "1234567890")).toEqual({ territories: [] });
  });

  it("refuses plain HTTP to a host that is not loopback, and keys that are missing or not P-256", () => {
    const key = makeKey();
    const k = { keyId: "K", issuerId: "I", privateKey: parseP8(key.p8, "t") };
    expect(() => createAppStoreClient({ apiBase: "http://api.example.com", key: k, redact: (s) => s })).toThrow(
      /not HTTPS/,
    );
    expect(() => resolveAppStoreKey({ ASC_KEY_ID: "K" }, NAMES, "/")).toThrow(
      /ASC_ISSUER_ID, ASC_PRIVATE_KEY \(or ASC_KEY_PATH\) are not set/,
    );
    let err: any;
    try {
      resolveAppStoreKey({ ASC_KEY_ID: "K", ASC_ISSUER_ID: "I", ASC_PRIVATE_KEY: "not a key at all" }, NAMES, "/");
    } catch (e) {
      err = e;
    }
    expect(err.code).toBe("E_APP_STORE_KEY");
    expect(err.message).not.toContain("not a key at all");
    expect(resolveAppStoreKey({ ASC_KEY_ID: "K", ASC_ISSUER_ID: "I", ASC_PRIVATE_KEY: key.p8 }, NAMES, "/").keyId).toBe(
      "K",
    );
  });
});
