/** Composing a version's documents from its runs, as tables: runs and their renderings in, files out. */
import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/events.js";
import { composeDocuments, orderRuns, runHeading, type RunDocuments } from "../../src/core/render/compose-runs.js";

const AI: Actor = { id: "agent@x", role: "ai-lead" };
const PKG = { commit: "abcdef0123456789abcdef0123456789abcdef01", artifacts: [{ name: "app.tgz", sha256: "00" }] };

function run(release: string, o: Partial<RunDocuments> = {}): RunDocuments {
  return {
    release,
    version: "1.1.0",
    environment: "staging",
    attempt: 1,
    requestedAt: "2026-01-01T00:00:00.000Z",
    requestedBy: AI,
    promotion: null,
    earlier: [],
    documents: {},
    ...o,
  };
}

const first = run("1.1.0", {
  documents: { "changelog.md": "# Changelog staging\n", "post-deployment-validation.md": "# PDV staging\n" },
});
const production = run("1.1.0@production", {
  environment: "production",
  requestedAt: "2026-01-02T00:00:00.000Z",
  promotion: { from: "1.1.0", environment: "staging", package: PKG },
  documents: { "post-deployment-validation.md": "# PDV production\n" },
});

describe("composeDocuments", () => {
  it("leaves a version with one run exactly as its rendering", () => {
    expect(composeDocuments([first])).toEqual([
      { name: "changelog.md", text: "# Changelog staging\n", runs: ["1.1.0"] },
      { name: "post-deployment-validation.md", text: "# PDV staging\n", runs: ["1.1.0"] },
    ]);
  });

  it("adds a later run's section after the earlier one's, under a heading naming run, environment, attempt and promotion source", () => {
    const out = composeDocuments([production, first]);
    expect(out.find((d) => d.name === "changelog.md")).toEqual({
      name: "changelog.md",
      text: "# Changelog staging\n",
      runs: ["1.1.0"],
    });
    expect(out.find((d) => d.name === "post-deployment-validation.md")).toEqual({
      name: "post-deployment-validation.md",
      runs: ["1.1.0", "1.1.0@production"],
      text:
        "# PDV staging\n" +
        "\n---\n\n" +
        "## Run 1.1.0@production — production, attempt 1 (promotion of 1.1.0 from staging)\n\n" +
        "Requested by agent@x (ai-lead) at 2026-01-02T00:00:00.000Z. Deploys the package approved in run 1.1.0 (commit `abcdef012345`, 1 artifact).\n\n" +
        "# PDV production\n",
    });
  });

  it("names every earlier attempt and how it stood; a promotion override is recorded", () => {
    const third = run("1.1.0@production~3", {
      environment: "production",
      attempt: 3,
      promotion: {
        from: "1.1.0",
        environment: null,
        package: PKG,
        override: { by: "alice@x", reason: "hotfix | now" },
      },
      earlier: [
        { release: "1.1.0@production", state: "rolled-back" },
        { release: "1.1.0@production~2", state: null },
      ],
    });
    expect(runHeading(third)).toBe(
      "## Run 1.1.0@production~3 — production, attempt 3 (promotion of 1.1.0; earlier attempts 1.1.0@production ended rolled back, 1.1.0@production~2 (its log is not in this store))\n\n" +
        "Requested by agent@x (ai-lead) at 2026-01-01T00:00:00.000Z. Deploys the package approved in run 1.1.0 (commit `abcdef012345`, 1 artifact). Promotion order overridden by alice@x: hotfix \\| now.\n",
    );
    expect(
      runHeading(run("1.1.0@staging~2", { attempt: 2, earlier: [{ release: "1.1.0", state: "aborted" }] })),
    ).toMatch(/^## Run 1\.1\.0@staging~2 — staging, attempt 2 \(earlier attempt 1\.1\.0 ended aborted\)\n/);
  });

  it("gives the first section a heading (and no separator) when the version's first run did not write that document", () => {
    const attempt1 = run("1.1.0", { documents: { "changelog.md": "A\n" } });
    const attempt2 = run("1.1.0@staging~2", {
      attempt: 2,
      requestedAt: "2026-01-03T00:00:00.000Z",
      earlier: [{ release: "1.1.0", state: "aborted" }],
      documents: { "changelog.md": "B\n", "release-notes.md": "N\n" },
    });
    const [cl, rn] = composeDocuments([attempt2, attempt1]);
    expect(cl!.text).toBe(`A\n\n---\n\n${runHeading(attempt2)}\nB\n`);
    expect(rn!.text).toBe(`${runHeading(attempt2)}\nN\n`);
    expect(composeDocuments([attempt2, attempt1], ["release-notes.md"]).map((d) => d.name)).toEqual([
      "release-notes.md",
    ]);
  });

  it("orders runs as they were requested, the version's first run first", () => {
    const a = run("1.1.0@production", { requestedAt: "2026-01-02T00:00:00.000Z" });
    const b = run("1.1.0@qa", { requestedAt: "2026-01-01T12:00:00.000Z" });
    const c = run("1.1.0", { requestedAt: "2026-01-03T00:00:00.000Z" });
    expect(orderRuns([a, b, c]).map((r) => r.release)).toEqual(["1.1.0", "1.1.0@qa", "1.1.0@production"]);
  });
});
