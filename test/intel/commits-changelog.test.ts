import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommit } from "../../src/intel/conventional-commit.js";
import { readCommits } from "../../src/intel/read-commits.js";
import { analyzeRelease, type ReleaseAnalysis } from "../../src/intel/read-release-analysis.js";
import { renderChangelog } from "../../src/intel/render-changelog-md.js";
import { renderReleaseNotes } from "../../src/intel/render-release-notes-md.js";
import { readFeatureReport } from "../../src/intel/read-feature-report.js";
import { createIntelRepo, type IntelRepo } from "./intel-git.js";

const commit = (message: string, parents = ["p"]) =>
  parseCommit({ sha: "a".repeat(40), parents, author: "Ann", date: "2025-01-01T00:00:00Z", message });

describe("parseCommit", () => {
  it.each([
    ["feat(api): add x", { type: "feat", scope: "api", description: "add x", breaking: false }],
    ["FIX: y", { type: "fix", scope: null, description: "y", breaking: false }],
    [
      "feat(ui)!: new layout",
      { type: "feat", scope: "ui", description: "new layout", breaking: true, breakingNotes: ["new layout"] },
    ],
    [
      "refactor: a\n\nbody\n\nBREAKING CHANGE: createApp takes options\n  and more\nRefs: #1",
      { type: "refactor", breaking: true, breakingNotes: ["createApp takes options and more"] },
    ],
    ["perf(db): b\n\nBREAKING-CHANGE: reindex", { type: "perf", breaking: true, breakingNotes: ["reindex"] }],
    ["Update stuff", { type: null, description: "Update stuff", breaking: false }],
    ["feat: x\n\nSome body text: not a type", { type: "feat" }],
  ])("%j", (message, expected) => {
    const p = commit(message);
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]).toMatchObject(expected);
  });

  it("splits squash bodies into their conventional lines", () => {
    const p = commit(
      "Release batch (#42)\n\n* feat(search): fuzzy matching\n\n* fix(search): crash on emoji\n* docs: readme\n* Note: not a change",
    );
    expect(p.changes.map((c) => [c.type, c.scope, c.description, c.squashed])).toEqual([
      ["feat", "search", "fuzzy matching", true],
      ["fix", "search", "crash on emoji", true],
      ["docs", null, "readme", true],
    ]);
    const q = commit("feat(search): batch (#43)\n\n* feat(search): batch (#43)\n* fix: other");
    expect(q.changes.map((c) => c.description)).toEqual(["batch (#43)", "other"]);
  });

  it("recognises reverts and merges", () => {
    expect(commit('Revert "feat: x"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.').reverts).toEqual(
      { sha: "0123456789abcdef0123456789abcdef01234567", header: "feat: x" },
    );
    expect(commit("revert: feat: x\n\nThis reverts commit abcdef1.").reverts).toEqual({
      sha: "abcdef1",
      header: "feat: x",
    });
    const m = commit("Merge pull request #5 from org/fix-x\n\nfix: x", ["a", "b"]);
    expect(m.merge).toBe(true);
    expect(m.changes).toEqual([]);
  });
});

describe("a real history since the previous release", () => {
  let repo: IntelRepo;
  let analysis: ReleaseAnalysis;
  const sha: Record<string, string> = {};

  beforeAll(async () => {
    repo = createIntelRepo();
    sha.old = repo.commit("feat: legacy export");
    repo.commit("chore: release 1.0.000");
    repo.git("tag", "-a", "v1.0.000", "-m", "v1.0.000");
    repo.git("tag", "not-a-version");
    sha.api = repo.commit("feat(api): add search endpoint", undefined, "Alice");
    repo.commit("fix: handle empty query", undefined, "Bob");
    repo.commit("feat(ui)!: new layout", undefined, "Alice");
    repo.commit(
      "refactor(core): split module\n\nBREAKING CHANGE: createApp now takes an options object\nwith the old arguments as fields",
      undefined,
      "Carol",
    );
    repo.commit("perf(db): faster index\n\nBREAKING-CHANGE: run `reindex` after upgrading", undefined, "Bob");
    sha.tmp = repo.commit("feat: temporary experiment");
    repo.git("revert", "--no-edit", sha.tmp);
    sha.flaky = repo.commit("feat: flaky thing back");
    repo.git("revert", "--no-edit", sha.flaky);
    repo.git("revert", "--no-edit", "HEAD");
    repo.git("revert", "--no-edit", sha.old);
    repo.git("checkout", "-q", "-b", "topic");
    repo.commit("fix(auth): token refresh", undefined, "Dave");
    repo.git("checkout", "-q", "main");
    repo.commit("docs: usage");
    repo.git("merge", "--no-ff", "-q", "-m", "Merge branch 'topic'", "topic");
    repo.commit(
      "Release batch (#42)\n\n* feat(search): fuzzy matching\n* fix(search): crash on emoji\n* docs: readme",
      undefined,
      "Erin",
    );
    repo.commit("Update stuff");
    const features = (
      await readFeatureReport(
        join(import.meta.dirname, "../fixtures/features/variants"),
        {},
        { excluded: ["contradictory"] },
      )
    ).features;
    analysis = await analyzeRelease(repo.dir, {
      requested: "minor",
      date: "2025-08-27",
      environment: "production",
      features: features.filter((f) => f.name === "auth-template" || f.name === "search-heading"),
    });
  });
  afterAll(() => repo.dispose());

  it("resolves the version type keeping the zero padding, and finds the breaking change in a minor release", () => {
    expect(analysis.version).toBe("1.1.000");
    expect(analysis.resolvedFrom).toBe("minor");
    expect(analysis.previous?.tag).toBe("v1.0.000");
    expect(analysis.bump.bump).toBe("major");
    expect(analysis.findings).toEqual([
      expect.objectContaining({ severity: "critical", code: "VERSION_BREAKING_IN_MINOR" }),
    ]);
    expect(analysis.findings[0]!.message).toMatch(
      /v1\.1\.000 is a minor release after v1\.0\.000, but the changes call for major: 3 breaking commit\(s\); feature auth-template: 1 breaking change/,
    );
    expect(analysis.tagsIgnored).toEqual(["not-a-version"]);
  });

  it("counts commits and merges, drops reverted pairs, keeps a re-instated change", () => {
    const cl = analysis.changelog;
    expect(cl.counts).toMatchObject({ commits: 16, merges: 1, reverted: 2, breaking: 3 });
    const all = cl.groups.flatMap((g) => g.scopes.flatMap((s) => s.entries.map((e) => e.description)));
    expect(all).not.toContain("temporary experiment");
    expect(all).toContain("flaky thing back");
    expect(cl.reverted.map((r) => r.description).sort()).toEqual([
      'Revert "feat: flaky thing back"',
      "feat: temporary experiment",
    ]);
  });

  it("renders a Keep a Changelog document: breaking and migration first, grouped by type and scope", () => {
    const md = renderChangelog(analysis.changelog);
    const order = [
      "## [1.1.000] - 2025-08-27",
      "### ⚠ BREAKING CHANGES",
      "### Migration",
      "### Added",
      "### Fixed",
      "### Performance",
      "### Changed",
      "### Reverted",
      "### Documentation",
      "### Other changes",
      "### Reverted within this release",
    ];
    const at = order.map((h) => md.indexOf(h));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(md).toContain("Changes since **v1.0.000** (`v1.0.000..HEAD`)");
    const short = analysis.changelog.groups.find((g) => g.key === "added")!.scopes.find((s) => s.scope === "api")!
      .entries[0]!.commit;
    expect(sha.api!.startsWith(short)).toBe(true);
    expect(md).toContain(`- **api:** add search endpoint (\`${short}\`, Alice)`);
    expect(md).toMatch(/- \*\*ui:\*\* new layout \(`[0-9a-f]{7,}`, Alice\)/);
    expect(md).toContain("  - createApp now takes an options object with the old arguments as fields");
    expect(md).toContain("  - run `reindex` after upgrading");
    expect(md).toContain("- Send the X-CSRF-Token header on /login (auth-template)");
    expect(md).toMatch(/- \*\*auth:\*\* token refresh \(`[0-9a-f]+`, Dave\)/);
    expect(md).toMatch(/- \*\*search:\*\* fuzzy matching \(`[0-9a-f]+`, Erin\)/);
    expect(md).toMatch(/### Reverted\n\n- feat: legacy export/);
    expect(md).toMatch(/- Update stuff/);
    expect(md).not.toContain("Merge branch");
    // Unscoped entries come before scoped ones within a type.
    const added = md.slice(md.indexOf("### Added"), md.indexOf("### Fixed"));
    expect(added.indexOf("flaky thing back")).toBeLessThan(added.indexOf("**api:**"));
  });

  it("renders user-facing release notes from the features' documents and the commits", () => {
    const md = renderReleaseNotes(analysis.releaseNotes);
    expect(md).toMatch(/^# Release Notes — v1\.1\.000/);
    expect(md).toContain("**Previous Version**: v1.0.000");
    expect(md).toContain("### auth-template\n\n- Sign in with GitHub\n- Remember this device for 30 days");
    expect(md).toContain("### search-heading\n\n- Full-text search across projects");
    expect(md).toContain("_Rollout: blue-green._");
    const breaking = md.slice(md.indexOf("## Breaking Changes"), md.indexOf("## Migration"));
    expect(breaking).toContain("- The /login endpoint now requires a CSRF token (auth-template)");
    expect(breaking).toContain(
      "core: split module — createApp now takes an options object with the old arguments as fields",
    );
    expect(breaking).toContain("ui: new layout");
    expect(md.slice(md.indexOf("## Migration"), md.indexOf("## Known Issues"))).toContain(
      "- Send the X-CSRF-Token header on /login (auth-template)",
    );
    expect(md.slice(md.indexOf("## Known Issues"))).toContain(
      "- Safari private mode forgets the device — Sign in again (auth-template)",
    );
    expect(md).toContain("- search: fuzzy matching");
  });

  it("renders from the JSON-serialised model alone", () => {
    const roundTrip = JSON.parse(JSON.stringify({ c: analysis.changelog, r: analysis.releaseNotes })) as {
      c: typeof analysis.changelog;
      r: typeof analysis.releaseNotes;
    };
    expect(renderChangelog(roundTrip.c)).toBe(renderChangelog(analysis.changelog));
    expect(renderReleaseNotes(roundTrip.r)).toBe(renderReleaseNotes(analysis.releaseNotes));
  });

  it("refuses a version at the previous release and names it", async () => {
    await expect(analyzeRelease(repo.dir, { requested: "1.0.0", date: "2025-08-27" })).rejects.toMatchObject({
      code: "E_VERSION_NOT_ABOVE_PREVIOUS",
      message: expect.stringContaining("v1.0.000"),
    });
  });

  it("reads a whole history when there is no previous release, and an empty repository", async () => {
    const r = await readCommits(repo.dir, { from: null });
    expect(r.commits).toBe(18);
    const empty = createIntelRepo();
    try {
      expect((await readCommits(empty.dir, { from: null })).commits).toBe(0);
      await expect(readCommits(empty.dir, { from: "v9.9.9" })).rejects.toMatchObject({ code: "E_GIT" });
    } finally {
      empty.dispose();
    }
  });
});
