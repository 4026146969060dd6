import { describe, expect, it } from "vitest";
import { BrtopsError } from "../../src/core/errors.js";
import { actionFor, classifyDeviation, measureDeviation, type Deviation } from "../../src/core/scope-deviation.js";
import {
  compileGlob,
  createCategorizer,
  DEFAULT_SCOPE_CATEGORIES,
  matchGlob,
  type ScopeFingerprint,
} from "../../src/core/scope-fingerprint.js";

/** 100 feature files of 10 lines each, plus `extra` files the caller names. */
function approvedFp(extra: Record<string, number> = {}, withLines = true): ScopeFingerprint {
  const files: Record<string, string> = {};
  const lines: Record<string, number> = {};
  for (let i = 0; i < 100; i++) {
    files[`src/feature/f${String(i).padStart(3, "0")}.ts`] = `h${i}`;
    lines[`src/feature/f${String(i).padStart(3, "0")}.ts`] = 10;
  }
  for (const [p, n] of Object.entries(extra)) {
    files[p] = `h-${p}`;
    lines[p] = n;
  }
  return {
    commit: "a".repeat(40),
    files,
    ...(withLines ? { lines } : {}),
    artifacts: { "app.tgz": "s1" },
    features: ["login", "search"],
    config: "c1",
  };
}

function modify(fp: ScopeFingerprint, paths: string[], edits: Partial<ScopeFingerprint> = {}): ScopeFingerprint {
  const files = { ...fp.files };
  for (const p of paths) files[p] = `${files[p] ?? "new"}-changed`;
  return { ...fp, commit: "b".repeat(40), files, ...edits };
}

const featureFiles = (n: number, from = 0): string[] =>
  Array.from({ length: n }, (_, i) => `src/feature/f${String(from + i).padStart(3, "0")}.ts`);

describe("measureDeviation", () => {
  const base = approvedFp();
  const rows: {
    name: string;
    current: ScopeFingerprint;
    approved?: ScopeFingerprint;
    opts?: Parameters<typeof measureDeviation>[2];
    percent: number;
    cls: Deviation["class"];
    action: Deviation["action"];
  }[] = [
    { name: "no change at all", current: base, percent: 0, cls: "NONE", action: "continue" },
    {
      name: "commit moved, same content",
      current: { ...base, commit: "b".repeat(40) },
      percent: 0,
      cls: "MINOR",
      action: "continue",
    },
    {
      name: "1 of 100 equal files",
      current: modify(base, featureFiles(1)),
      percent: 1,
      cls: "MINOR",
      action: "continue",
    },
    {
      name: "4 of 100 equal files",
      current: modify(base, featureFiles(4)),
      percent: 4,
      cls: "MINOR",
      action: "continue",
    },
    {
      name: "exactly 5 of 100 is MODERATE",
      current: modify(base, featureFiles(5)),
      percent: 5,
      cls: "MODERATE",
      action: "approve-deviation",
    },
    {
      name: "10 of 100 equal files",
      current: modify(base, featureFiles(10)),
      percent: 10,
      cls: "MODERATE",
      action: "approve-deviation",
    },
    {
      name: "exactly 15 of 100 is MODERATE",
      current: modify(base, featureFiles(15)),
      percent: 15,
      cls: "MODERATE",
      action: "approve-deviation",
    },
    { name: "16 of 100 is MAJOR", current: modify(base, featureFiles(16)), percent: 16, cls: "MAJOR", action: "hold" },
    {
      name: "30 of 100 equal files",
      current: modify(base, featureFiles(30)),
      percent: 30,
      cls: "MAJOR",
      action: "hold",
    },
    {
      name: "file-count mode without line counts",
      approved: approvedFp({}, false),
      current: modify(approvedFp({}, false), featureFiles(10)),
      percent: 10,
      cls: "MODERATE",
      action: "approve-deviation",
    },
    {
      name: "a feature added",
      current: { ...base, features: ["login", "search", "payments"] },
      percent: 5,
      cls: "MODERATE",
      action: "approve-deviation",
    },
    {
      name: "config changed",
      current: { ...base, config: "c2" },
      percent: 5,
      cls: "MODERATE",
      action: "approve-deviation",
    },
    {
      name: "an artifact rebuilt differently",
      current: { ...base, artifacts: { "app.tgz": "s2" } },
      percent: 2,
      cls: "MINOR",
      action: "continue",
    },
    {
      name: "custom thresholds: 4 % is MODERATE at minor 3",
      current: modify(base, featureFiles(4)),
      opts: { thresholds: { minor: 3, major: 8 } },
      percent: 4,
      cls: "MODERATE",
      action: "approve-deviation",
    },
    {
      name: "custom thresholds: 10 % is MAJOR at major 8",
      current: modify(base, featureFiles(10)),
      opts: { thresholds: { minor: 3, major: 8 } },
      percent: 10,
      cls: "MAJOR",
      action: "hold",
    },
    {
      name: "everything changed is capped at 100",
      current: modify(base, featureFiles(100), { config: "c9", features: [] }),
      percent: 100,
      cls: "MAJOR",
      action: "hold",
    },
  ];
  it.each(rows)("$name → $percent% $cls $action", ({ approved, current, opts, percent, cls, action }) => {
    const d = measureDeviation(approved ?? base, current, opts);
    expect(d.percent).toBe(percent);
    expect(d.class).toBe(cls);
    expect(d.action).toBe(action);
  });

  it("weighs an infrastructure file three times a feature file of the same size", () => {
    const approved = approvedFp({ "infra/main.tf": 10 });
    const feature = measureDeviation(approved, modify(approved, featureFiles(2)));
    const infra = measureDeviation(approved, modify(approved, ["infra/main.tf", featureFiles(1)[0]!]));
    // 101 files of 10 lines: 2 feature files = 1.98 %; 1 infra (×3) + 1 feature = 3.96 %.
    expect(feature.percent).toBe(1.98);
    expect(infra.percent).toBe(3.96);
    expect(infra.byCategory.infrastructure).toEqual({ percent: 2.97, changed: ["infra/main.tf"] });
    expect(infra.changes.files.find((f) => f.path === "infra/main.tf")).toEqual({
      path: "infra/main.tf",
      change: "modified",
      category: "infrastructure",
      lines: 10,
    });
  });

  it("turns two infrastructure files into a MODERATE deviation where two feature files stay MINOR", () => {
    const approved = approvedFp({ Dockerfile: 10, ".github/workflows/ci.yml": 10 });
    expect(measureDeviation(approved, modify(approved, featureFiles(2))).class).toBe("MINOR");
    const d = measureDeviation(approved, modify(approved, ["Dockerfile", ".github/workflows/ci.yml"]));
    expect(d.class).toBe("MODERATE");
    expect(d.byCategory.infrastructure.changed).toEqual([".github/workflows/ci.yml", "Dockerfile"]);
  });

  it("weighs files by line count: one large file outweighs many small ones", () => {
    const approved = approvedFp({ "src/feature/big.ts": 1000 }); // 100×10 + 1000 = 2000 lines
    const d = measureDeviation(approved, modify(approved, ["src/feature/big.ts"]));
    expect(d.percent).toBe(50);
    expect(d.class).toBe("MAJOR");
  });

  it("counts added and removed files at their own size and reports each change", () => {
    const approved = approvedFp();
    const files = { ...approved.files };
    delete files["src/feature/f000.ts"];
    files["src/feature/new.ts"] = "n1";
    const current: ScopeFingerprint = { ...approved, files, lines: { ...approved.lines, "src/feature/new.ts": 30 } };
    const d = measureDeviation(approved, current);
    expect(d.percent).toBe(4); // (10 removed + 30 added) / 1000
    expect(d.changes.files).toEqual([
      { path: "src/feature/f000.ts", change: "removed", category: "feature", lines: 10 },
      { path: "src/feature/new.ts", change: "added", category: "feature", lines: 30 },
    ]);
  });

  it("records feature, config and artifact changes in their categories", () => {
    const d = measureDeviation(base, {
      ...base,
      features: ["login", "payments"],
      config: "c2",
      artifacts: { "app.tgz": "s1", "cli.tgz": "s3" },
    });
    expect(d.changes.features).toEqual({ added: ["payments"], removed: ["search"] });
    expect(d.changes.configChanged).toBe(true);
    expect(d.changes.commitChanged).toBe(false);
    expect(d.changes.artifacts).toEqual([{ name: "cli.tgz", change: "added" }]);
    expect(d.byCategory.feature).toEqual({ percent: 10, changed: ["feature:+payments", "feature:-search"] });
    expect(d.byCategory.infrastructure).toEqual({ percent: 7, changed: ["artifact:cli.tgz", "config"] });
    expect(d.percent).toBe(17);
    expect(d.class).toBe("MAJOR");
    expect(d.summary).toContain("MAJOR scope deviation: 17% system impact");
    expect(d.summary).toContain("on hold");
  });

  it("uses custom categories and weights", () => {
    const approved = approvedFp({ "db/schema.sql": 10 });
    const categories = { ...DEFAULT_SCOPE_CATEGORIES, infrastructure: ["db/**"] };
    const d = measureDeviation(approved, modify(approved, ["db/schema.sql"]), {
      categories,
      weights: { infrastructure: 10 },
    });
    expect(d.changes.files[0]?.category).toBe("infrastructure");
    expect(d.percent).toBe(9.9); // 10 × 10 / 1010 lines
  });

  it("says what changed and what happens next in the summary", () => {
    expect(measureDeviation(base, base).summary).toBe(
      `No deviation from the approved scope (commit ${"a".repeat(12)}).`,
    );
    const s = measureDeviation(base, modify(base, featureFiles(10))).summary;
    expect(s).toBe(
      `MODERATE scope deviation: 10% system impact (feature 10%): 10 files modified; commit ${"a".repeat(12)} → ${"b".repeat(12)}. The HUM LEAD must approve this deviation before the release goes on.`,
    );
  });

  it("treats paths named like Object's own members as ordinary files", () => {
    const approved = approvedFp();
    const current = { ...approved, files: { ...approved.files, constructor: "x", toString: "y" } };
    const d = measureDeviation(approved, current);
    expect(d.changes.files.map((f) => [f.path, f.change])).toEqual([
      ["constructor", "added"],
      ["toString", "added"],
    ]);
    expect(d.percent).toBe(2); // two files of the mean size (10 lines) over 1000 lines
  });

  it("measures against the current size when nothing was approved yet", () => {
    const empty: ScopeFingerprint = { commit: "a", files: {}, lines: {}, artifacts: {}, features: [], config: "c" };
    const d = measureDeviation(empty, { ...empty, files: { "src/a.ts": "1" }, lines: { "src/a.ts": 5 } });
    expect(d.percent).toBe(100);
  });

  it.each([
    [{ minor: 20, major: 10 }],
    [{ minor: -1, major: 10 }],
    [{ minor: 5, major: Number.NaN }],
    [{ minor: 5, major: 150 }],
  ])("rejects thresholds %j with E_SCOPE_THRESHOLDS_INVALID", (thresholds) => {
    expect(() => measureDeviation(base, base, { thresholds })).toThrow(
      expect.objectContaining({ code: "E_SCOPE_THRESHOLDS_INVALID" }),
    );
  });

  it("rejects a negative weight with E_SCOPE_WEIGHTS_INVALID", () => {
    expect(() => measureDeviation(base, base, { weights: { feature: -1 } })).toThrow(BrtopsError);
    expect(() => measureDeviation(base, base, { weights: { feature: -1 } })).toThrow(/weight of feature/);
  });

  it("classifies and acts at the boundaries", () => {
    expect(classifyDeviation(4.99, true)).toBe("MINOR");
    expect(classifyDeviation(5, true)).toBe("MODERATE");
    expect(classifyDeviation(15, true)).toBe("MODERATE");
    expect(classifyDeviation(15.01, true)).toBe("MAJOR");
    expect(classifyDeviation(50, false)).toBe("NONE");
    expect(actionFor("MAJOR")).toBe("hold");
  });
});

describe("glob matcher", () => {
  const rows: [glob: string, path: string, expected: boolean][] = [
    ["src/**", "src/a.ts", true],
    ["src/**", "src/a/b/c.ts", true],
    ["src/**", "srcx/a.ts", false],
    ["src/**", "lib/src/a.ts", false],
    ["**/Dockerfile", "Dockerfile", true],
    ["**/Dockerfile", "svc/api/Dockerfile", true],
    ["**/Dockerfile", "svc/Dockerfile.dev", false],
    ["**/*.tf", "main.tf", true],
    ["**/*.tf", "infra/net/main.tf", true],
    ["**/*.tf", "infra/main.tfvars", false],
    ["*.ts", "a.ts", true],
    ["*.ts", "src/a.ts", false],
    ["src/*/index.ts", "src/x/index.ts", true],
    ["src/*/index.ts", "src/x/y/index.ts", false],
    ["a/**/b", "a/b", true],
    ["a/**/b", "a/x/y/b", true],
    ["a/**/b", "a/x/y/bc", false],
    ["file?.md", "file1.md", true],
    ["file?.md", "file12.md", false],
    ["file?.md", "file/.md", false],
    ["**/*.{yml,yaml}", "ci/x.yaml", true],
    ["**/*.{yml,yaml}", "ci/x.yml", true],
    ["**/*.{yml,yaml}", "ci/x.json", false],
    ["{src,lib}/**/*.ts", "lib/a/b.ts", true],
    ["{src,lib}/**/*.ts", "app/a.ts", false],
    ["{a,b{c,d}}.txt", "bd.txt", true],
    ["{a,b{c,d}}.txt", "b.txt", false],
    [".github/**", ".github/workflows/ci.yml", true],
    ["scripts/deploy*", "scripts/deploy-prod.sh", true],
    ["scripts/deploy*", "scripts/sub/deploy.sh", false],
    ["a.b", "axb", false],
    ["a+(b)", "a+(b)", true],
    ["\\*.md", "*.md", true],
    ["\\*.md", "x.md", false],
    ["src/**", "./src/a.ts", true],
    ["src/**", "src\\win\\a.ts", true],
  ];
  it.each(rows)("%s vs %s → %s", (glob, path, expected) => {
    expect(matchGlob(glob, path)).toBe(expected);
  });

  it.each(["{a,b", "a\\"])("rejects the malformed glob %s with E_GLOB_INVALID", (glob) => {
    expect(() => compileGlob(glob)).toThrow(expect.objectContaining({ code: "E_GLOB_INVALID" }));
  });

  it("sorts paths into the first matching category, in the order infrastructure, integration, business, feature", () => {
    const cat = createCategorizer();
    expect(cat("infra/k8s/app.yaml")).toBe("infrastructure");
    expect(cat("src/api/Dockerfile")).toBe("infrastructure"); // infrastructure is tried before integration
    expect(cat("src/api/routes.ts")).toBe("integration");
    expect(cat("src/integrations/stripe.ts")).toBe("integration");
    expect(cat("docs/01_application/vision.md")).toBe("business");
    expect(cat("docs/02_features/login/README.md")).toBe("feature");
    expect(cat("src/login/form.ts")).toBe("feature");
    expect(cat("README.md")).toBe("feature"); // unmatched paths are ordinary feature change
    expect(cat("package.json")).toBe("infrastructure");
  });
});
