import { describe, expect, it } from "vitest";
import { earlyReleaseRequest } from "../../src/cli/early-release.js";

describe("the early guess at a release request (cli/entry)", () => {
  it("takes a plain `release <version>` with its options", () => {
    expect(earlyReleaseRequest(["release", "minor", "--to", "testing", "--json"])).toEqual({ requested: "minor" });
    expect(earlyReleaseRequest(["release", "1.2.0"])).toEqual({ requested: "1.2.0" });
  });

  it("leaves everything else to the parser", () => {
    for (const argv of [
      [],
      ["status"],
      ["RELEASE v2.1.0 to Staging"],
      ["--json", "release", "minor"],
      ["release"],
      ["release", "--to", "testing"],
      ["release", ""],
      ["release", "minor", "--help"],
      ["release", "minor", "-h"],
      ["release", "minor", "--dry-run"],
      ["release", "minor", "--cwd", "/elsewhere"],
      ["release", "minor", "--cwd=/elsewhere"],
      ["release", "minor", "-C", "/elsewhere"],
    ])
      expect(earlyReleaseRequest(argv), argv.join(" ")).toBeNull();
  });
});
