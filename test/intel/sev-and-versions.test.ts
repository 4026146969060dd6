import { describe, expect, it } from "vitest";
import { assessSev, type SevInput } from "../../src/intel/assess-sev.js";
import { INTEL_DEFAULTS } from "../../src/config/schema-intel.js";
import { compareVersions, parseTagVersion, releasesFromTags } from "../../src/intel/version-order.js";
import { changelogBase, resolveVersionType, validateRequestedVersion } from "../../src/intel/version-validate.js";
import { actualBump, bumpFindings, inferBump } from "../../src/intel/version-bump.js";
import { BrtopsError } from "../../src/core/errors.js";

const settings = INTEL_DEFAULTS.sev;
const sev = (input: Omit<SevInput, "settings">) => assessSev({ ...input, settings });

describe("assessSev", () => {
  it.each([
    ["no feature SEV, nothing else: default SEV-3", { features: [] }, 3, ["default"]],
    [
      "inherits the most severe feature",
      {
        features: [
          { name: "a", sev: 2 },
          { name: "b", sev: 4 },
        ],
      },
      2,
      ["feature SEV"],
    ],
    [
      "breaking change in a feature: SEV-1",
      { features: [{ name: "a", sev: 3, breakingChanges: [{}] }] },
      1,
      ["feature SEV", "breaking changes"],
    ],
    ["breaking commit: SEV-1", { features: [], breakingCommits: ["abc feat!: x"] }, 1, ["default", "breaking changes"]],
    [
      "infrastructure path: SEV-1",
      { features: [{ name: "a", sev: 4 }], changedPaths: ["deploy/k8s.yaml"] },
      1,
      ["feature SEV", "infrastructure changes"],
    ],
    [
      "security path alone: SEV-1",
      { features: [], changedPaths: ["src/auth/login.ts"] },
      1,
      ["default", "security-relevant changes"],
    ],
    [
      "security with breaking: SEV-0",
      { features: [], changedPaths: ["src/auth/login.ts"], breakingCommits: ["x"] },
      0,
      ["default", "breaking changes", "security-relevant changes"],
    ],
    [
      "package.json alone is not infrastructure",
      { features: [], changedPaths: ["package.json", "package-lock.json"] },
      3,
      ["default"],
    ],
    [
      "five features raise one level",
      { features: [1, 2, 3, 4, 5].map((i) => ({ name: `f${i}`, sev: 3 as const })) },
      2,
      ["feature SEV", "feature count"],
    ],
    [
      "count alone never goes beyond SEV-1",
      { features: [1, 2, 3, 4, 5].map((i) => ({ name: `f${i}`, sev: 1 as const })) },
      1,
      ["feature SEV"],
    ],
    [
      "a SEV-0 feature stays SEV-0 with factors",
      { features: [{ name: "a", sev: 0 }], breakingCommits: ["x"] },
      0,
      ["feature SEV", "breaking changes"],
    ],
  ] as const)("%s", (_label, input, expected, factors) => {
    const r = sev(input);
    expect(r.sev).toBe(expected);
    expect(r.factors.map((f) => f.factor)).toEqual(factors);
  });

  it("says what each factor did", () => {
    const r = sev({
      features: [{ name: "auth", sev: 2 }],
      changedPaths: ["infra/main.tf"],
      breakingCommits: ["abc1234 feat!: drop v1"],
    });
    expect(r.factors).toEqual([
      { factor: "feature SEV", effect: "inherits SEV-2 from auth", sev: 2 },
      {
        factor: "breaking changes",
        effect: "breaking changes (abc1234 feat!: drop v1): raises SEV-2 to SEV-1",
        sev: 1,
      },
      {
        factor: "infrastructure changes",
        effect: "infrastructure changes (infra/main.tf): requires SEV-1 or higher, already SEV-1",
        sev: 1,
      },
    ]);
  });
});

describe("versions from tags", () => {
  it.each([
    ["v1.1.000", { semver: "1.1.0", written: "1.1.000", padded: true, prerelease: false }],
    ["1.0.004", { semver: "1.0.4", written: "1.0.004", padded: true, prerelease: false }],
    ["v1.1.004-rc", { semver: "1.1.4-rc", written: "1.1.004-rc", padded: true, prerelease: true }],
    ["V2.0.0-rc.01", { semver: "2.0.0-rc.1", written: "2.0.0-rc.01", padded: false, prerelease: true }],
    ["v3.0.0+build.5", { semver: "3.0.0", written: "3.0.0", padded: false, prerelease: false }],
  ])("%s", (tag, expected) => {
    expect(parseTagVersion(tag)).toEqual({ tag, ...expected });
  });

  it.each(["latest", "release-2024", "pkg@1.0.0", "v1.2", "1.2.3.4", "vv1.0.0", "v1.0.0-", ""])("ignores %j", (tag) => {
    expect(parseTagVersion(tag)).toBeNull();
  });

  it("orders the framework's own mixed tags and merges spellings of one release", () => {
    const tags = [
      "v1.1.1",
      "v1.0.004",
      "v1.1.000",
      "v1.1.004-rc",
      "latest",
      "v1.0.000",
      "v1.1.0",
      "v1.1.002",
      "1.1.004-rc.2",
      "v1.1.004-rc.10",
    ];
    const rel = releasesFromTags(tags);
    expect(rel.map((r) => [r.version, r.tag, r.tags])).toEqual([
      ["1.0.0", "v1.0.000", ["v1.0.000"]],
      ["1.0.4", "v1.0.004", ["v1.0.004"]],
      ["1.1.0", "v1.1.000", ["v1.1.0", "v1.1.000"]],
      ["1.1.1", "v1.1.1", ["v1.1.1"]],
      ["1.1.2", "v1.1.002", ["v1.1.002"]],
      ["1.1.4-rc", "v1.1.004-rc", ["v1.1.004-rc"]],
      ["1.1.4-rc.2", "1.1.004-rc.2", ["1.1.004-rc.2"]],
      ["1.1.4-rc.10", "v1.1.004-rc.10", ["v1.1.004-rc.10"]],
    ]);
    expect(compareVersions("1.1.000", "v1.1.0")).toBe(0);
    expect(compareVersions("1.1.004-rc", "1.1.4")).toBe(-1);
  });
});

describe("validateRequestedVersion", () => {
  const tags = ["v1.0.000", "v1.0.004", "v1.1.0", "v1.1.000", "v1.1.002", "v1.1.004-rc", "nightly"];

  it("accepts a version above the previous release and names the changelog base", () => {
    const r = validateRequestedVersion("v1.1.004", tags);
    expect(r.version).toBe("1.1.004");
    expect(r.semver).toBe("1.1.4");
    expect(r.previous?.tag).toBe("v1.1.004-rc");
    // A final release's changes count from the last final release, not from its release candidate.
    expect(r.changelogBase?.tag).toBe("v1.1.002");
    expect(validateRequestedVersion("1.1.004-rc.2", tags).changelogBase?.tag).toBe("v1.1.004-rc");
    expect(validateRequestedVersion("2.0.0", []).previous).toBeNull();
  });

  it.each([
    [
      "1.1.4-rc",
      "E_VERSION_NOT_ABOVE_PREVIOUS",
      /v1\.1\.4-rc is not above the previous release v1\.1\.004-rc: it is the previous release itself/,
    ],
    [
      "v1.1.003",
      "E_VERSION_NOT_ABOVE_PREVIOUS",
      /v1\.1\.003 is not above the previous release v1\.1\.004-rc: it is below/,
    ],
    ["0.9.0", "E_VERSION_NOT_ABOVE_PREVIOUS", /previous release v1\.1\.004-rc/],
    [
      "1.1.0",
      "E_VERSION_ALREADY_RELEASED",
      /v1\.1\.0 was already released as v1\.1\.000 \(also tagged v1\.1\.0\); the previous release is v1\.1\.004-rc/,
    ],
    ["1.0.4", "E_VERSION_ALREADY_RELEASED", /already released as v1\.0\.004/],
    ["banana", "E_VERSION_INVALID", /not a release version/],
  ])("refuses %s with %s", (requested, code, message) => {
    let err: unknown;
    try {
      validateRequestedVersion(requested, tags);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BrtopsError);
    expect((err as BrtopsError).code).toBe(code);
    expect((err as BrtopsError).message).toMatch(message);
  });

  it("refuses the previous version in its other spelling", () => {
    expect(() => validateRequestedVersion("1.1.0", ["v1.1.000"])).toThrow(
      expect.objectContaining({ code: "E_VERSION_NOT_ABOVE_PREVIOUS", message: expect.stringContaining("v1.1.000") }),
    );
    expect(() => validateRequestedVersion("1.1.000", ["v1.1.0"])).toThrow(
      expect.objectContaining({ code: "E_VERSION_NOT_ABOVE_PREVIOUS" }),
    );
  });

  it("changelogBase without a final release below falls back to the pre-release", () => {
    const rel = releasesFromTags(["v1.0.0-beta"]);
    expect(changelogBase(rel, "1.0.0")?.tag).toBe("v1.0.0-beta");
    expect(changelogBase(rel, "0.9.0")).toBeNull();
  });
});

describe("resolveVersionType", () => {
  it.each([
    ["patch", "v1.1.004", "1.1.005"],
    ["minor", "v1.1.004", "1.2.000"],
    ["major", "v1.1.004", "2.0.000"],
    ["minor", "v1.1.0", "1.2.0"],
    ["patch", "v1.1.004-rc", "1.1.004"],
    ["minor", "1.09.000", "1.10.000"],
    ["major", null, "1.0.0"],
    ["minor", null, "0.1.0"],
    ["patch", null, "0.0.1"],
  ] as const)("%s after %s → %s", (type, previous, next) => {
    expect(resolveVersionType(type, previous)).toBe(next);
  });
});

describe("bump the changes call for", () => {
  const f = (breaking = 0, feats = 0, fixes = 0) => ({
    name: "auth",
    notes: {
      breakingChanges: Array(breaking).fill({ text: "x" }),
      newFeatures: Array(feats).fill({ text: "y" }),
      enhancements: [],
      bugFixes: Array(fixes).fill({ text: "z" }),
    },
  });
  it.each([
    [[{ type: "fix", breaking: false }], [], "patch"],
    [
      [
        { type: "perf", breaking: false },
        { type: "feat", breaking: false },
      ],
      [],
      "minor",
    ],
    [[{ type: "chore", breaking: true }], [], "major"],
    [[], [f(1)], "major"],
    [[], [f(0, 1)], "minor"],
    [[], [f(0, 0, 1)], "patch"],
    [[{ type: "docs", breaking: false }], [], null],
  ] as const)("%j + %j → %s", (changes, features, bump) => {
    expect(inferBump(changes, features).bump).toBe(bump);
  });

  it("finds a breaking change in a minor release, and other mismatches", () => {
    const need = inferBump([{ type: "feat", breaking: true }], []);
    expect(bumpFindings(need, { tag: "v1.1.000", version: "1.1.0" }, "1.2.0", "1.2.000")).toEqual([
      {
        severity: "critical",
        code: "VERSION_BREAKING_IN_MINOR",
        message: "v1.2.000 is a minor release after v1.1.000, but the changes call for major: 1 breaking commit(s).",
        source: "2.1",
      },
    ]);
    expect(bumpFindings(need, { tag: "v0.3.0", version: "0.3.0" }, "0.4.0")).toEqual([]);
    expect(
      bumpFindings(inferBump([{ type: "feat", breaking: false }], []), { tag: "v1.0.0", version: "1.0.0" }, "1.0.1")[0],
    ).toMatchObject({ severity: "warning", code: "VERSION_FEATURE_IN_PATCH" });
    expect(
      bumpFindings(inferBump([{ type: "fix", breaking: false }], []), { tag: "v1.0.0", version: "1.0.0" }, "2.0.0")[0],
    ).toMatchObject({ severity: "info", code: "VERSION_BUMP_LARGER" });
    expect(bumpFindings(inferBump([], []), { tag: "v1.0.0", version: "1.0.0" }, "1.0.1")[0]).toMatchObject({
      code: "VERSION_NO_CHANGES",
    });
    expect(actualBump("1.1.2", "1.2.0-rc.1")).toBe("minor");
  });
});
