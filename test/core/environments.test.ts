import { describe, expect, it } from "vitest";
import {
  BUILTIN_ENVIRONMENTS,
  buildEnvironmentCatalog,
  editDistance,
  normalizeEnvironmentName,
  previewText,
  resolveEnvironment,
} from "../../src/core/environments.js";
import type { EnvironmentCatalog } from "../../src/core/environments.js";
import { BrtopsError } from "../../src/core/errors.js";

function failure(fn: () => unknown): BrtopsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BrtopsError) return e;
    throw e;
  }
  throw new Error("expected a BrtopsError");
}

describe("built-in environments", () => {
  it("are the spec's targets with their aliases, frozen", () => {
    expect(Object.keys(BUILTIN_ENVIRONMENTS)).toEqual([
      "production",
      "staging",
      "testing",
      "github",
      "npm",
      "docker-hub",
      "app-store",
    ]);
    expect(BUILTIN_ENVIRONMENTS["staging"]).toEqual(["Staging", "Stage", "UAT"]);
    expect(Object.isFrozen(BUILTIN_ENVIRONMENTS)).toBe(true);
    expect(Object.isFrozen(BUILTIN_ENVIRONMENTS["production"])).toBe(true);
  });

  const catalog = buildEnvironmentCatalog();
  it.each([
    ["Production", "production"],
    ["prod", "production"],
    ["LIVE", "production"],
    ["Staging", "staging"],
    ["stage", "staging"],
    ["uat", "staging"],
    ["Testing", "testing"],
    ["qa", "testing"],
    ["Beta", "testing"],
    ["GitHub", "github"],
    ["Git Hub", "github"],
    ["NPM", "npm"],
    ["Docker Hub", "docker-hub"],
    ["docker-hub", "docker-hub"],
    ["Docker_Hub", "docker-hub"],
    ["dockerhub", "docker-hub"],
    [" docker \t hub ", "docker-hub"],
    ["App Store", "app-store"],
    ["appstore", "app-store"],
    ["APP_STORE", "app-store"],
    ["Ｐｒｏｄ", "production"],
  ])("%j → %s", (name, canonical) => {
    expect(resolveEnvironment(name, catalog)).toBe(canonical);
  });
});

describe("normalizeEnvironmentName", () => {
  it.each([
    ["Docker-Hub", "dockerhub"],
    ["docker hub", "dockerhub"],
    ["EU_West 1", "euwest1"],
    ["  ", ""],
  ])("%j → %j", (name, key) => {
    expect(normalizeEnvironmentName(name)).toBe(key);
  });
});

describe("buildEnvironmentCatalog with a project's environments", () => {
  const catalog = buildEnvironmentCatalog({
    "eu-west": { aliases: ["Europe", "EU West 1"] },
    production: { aliases: ["prd"] },
    beta: {},
    canary: { aliases: ["Live Canary"] },
  });

  it("adds configured environments after the built-ins", () => {
    expect(catalog.canonical).toEqual([
      "production",
      "staging",
      "testing",
      "github",
      "npm",
      "docker-hub",
      "app-store",
      "eu-west",
      "beta",
      "canary",
    ]);
    expect(catalog.byAlias.get("europe")).toBe("eu-west");
    expect(catalog.byAlias.get("euwest1")).toBe("eu-west");
    expect(catalog.byAlias.get("livecanary")).toBe("canary");
  });

  it("merges aliases into a built-in of the same name", () => {
    expect(resolveEnvironment("prd", catalog)).toBe("production");
    expect(resolveEnvironment("Live", catalog)).toBe("production");
    expect(catalog.aliasesOf?.get("production")).toEqual(["prd", "Prod", "Live"]);
  });

  it("lets a configured name take a built-in alias", () => {
    expect(resolveEnvironment("beta", catalog)).toBe("beta");
    expect(resolveEnvironment("QA", catalog)).toBe("testing");
    expect(catalog.aliasesOf?.get("testing")).toEqual(["QA"]);
  });

  it("drops a built-in the project took every name of", () => {
    const taken = buildEnvironmentCatalog({ "npm-public": { aliases: ["npm"] } });
    expect(taken.canonical).not.toContain("npm");
    expect(resolveEnvironment("NPM", taken)).toBe("npm-public");
  });

  it("accepts nothing configured", () => {
    expect(buildEnvironmentCatalog({}).canonical).toEqual(Object.keys(BUILTIN_ENVIRONMENTS));
    expect(buildEnvironmentCatalog(undefined).canonical).toEqual(Object.keys(BUILTIN_ENVIRONMENTS));
  });

  it("refuses two configured environments answering to the same name", () => {
    const e = failure(() =>
      buildEnvironmentCatalog({ "eu-west": { aliases: ["Europe"] }, "eu-central": { aliases: ["europe"] } }),
    );
    expect(e.code).toBe("E_CONFIG_INVALID");
    expect(e.message).toContain(`"eu-west" and "eu-central" both answer to "europe"`);
    expect(e.details).toEqual({ alias: "europe", environments: ["eu-west", "eu-central"] });
    const byName = failure(() => buildEnvironmentCatalog({ mirror: {}, backup: { aliases: ["Mir-ror"] } }));
    expect(byName.code).toBe("E_CONFIG_INVALID");
  });

  it("refuses an alias with no letters or digits", () => {
    const e = failure(() => buildEnvironmentCatalog({ edge: { aliases: [" - "] } }));
    expect(e.code).toBe("E_CONFIG_INVALID");
    expect(e.details).toEqual({ environment: "edge" });
  });
});

describe("resolveEnvironment errors", () => {
  const catalog = buildEnvironmentCatalog({ "eu-west": { aliases: ["Europe"] } });

  it.each([
    ["stagin", "staging"],
    ["Stagging", "staging"],
    ["prodution", "production"],
    ["prdo", "production"],
    ["docker", "docker-hub"],
    ["app", "app-store"],
    ["Eurpoe", "eu-west"],
    ["githib", "github"],
  ])("%j suggests %s", (name, closest) => {
    const e = failure(() => resolveEnvironment(name, catalog));
    expect(e.code).toBe("E_ENVIRONMENT_UNKNOWN");
    expect(e.details?.["closest"]).toBe(closest);
    expect(e.message).toContain(`Did you mean ${closest}?`);
  });

  it.each(["Mars", "x", "kubernetes", "../../etc/passwd", "a".repeat(10_000)])("%j suggests nothing", (name) => {
    const e = failure(() => resolveEnvironment(name, catalog));
    expect(e.details).not.toHaveProperty("closest");
    expect(e.message).not.toContain("Did you mean");
  });

  it("lists every known environment with its aliases", () => {
    const e = failure(() => resolveEnvironment("Mars", catalog));
    expect(e.message).toBe(
      'Unknown environment "Mars". Known environments: production (Prod, Live), staging (Stage, UAT), testing (QA, Beta), github, npm, docker-hub (Docker Hub, dockerhub), app-store (App Store, appstore), eu-west (Europe).',
    );
    expect(e.hint).toContain("environments:");
    expect(e.details?.["known"]).toEqual([...catalog.canonical]);
    expect(e.details?.["aliases"]).toMatchObject({ "eu-west": ["Europe"], staging: ["Stage", "UAT"] });
  });

  it("says when no environment was named", () => {
    const e = failure(() => resolveEnvironment("  ", catalog));
    expect(e.code).toBe("E_ENVIRONMENT_UNKNOWN");
    expect(e.message).toMatch(/^No environment was named\. Known environments: production/);
  });

  it("quotes only a short, cleaned preview of what was typed", () => {
    const e = failure(() => resolveEnvironment("\u001b[2J" + "z".repeat(5000), catalog));
    expect(e.message).not.toContain("\u001b");
    expect(e.message.length).toBeLessThan(400);
  });

  it("works on a hand-made catalog without written aliases", () => {
    const handMade: EnvironmentCatalog = {
      canonical: ["edge"],
      byAlias: new Map([
        ["edge", "edge"],
        ["cdn", "edge"],
      ]),
    };
    expect(resolveEnvironment("CDN", handMade)).toBe("edge");
    const e = failure(() => resolveEnvironment("cnd", handMade));
    expect(e.message).toContain("Did you mean edge? Known environments: edge (cdn).");
  });
});

describe("text helpers", () => {
  it.each([
    ["", "", 0],
    ["prod", "prod", 0],
    ["prdo", "prod", 1],
    ["stagin", "staging", 1],
    ["kitten", "sitting", 3],
    ["", "abc", 3],
  ])("editDistance(%j, %j) = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it("previewText cuts long text and replaces control characters", () => {
    expect(previewText("a\u001b[31m")).toBe("a?[31m");
    expect(previewText("\u202eevil")).toBe("?evil");
    expect(previewText("x".repeat(100), 10)).toBe("xxxxxxxxx…");
    expect(previewText("short")).toBe("short");
  });
});
