/**
 * "GO RELEASE v1.1.0 to Staging" requests the release and grants GO RELEASE (auto-proceed) in one
 * phrase; on a release that is open already it is the grant; from an AI LEAD it records nothing.
 * The way people talk reaches the engine: "OK, ship 1.1.0 to the staging environment please".
 * Real sample projects (git with a bare origin), the built CLI.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function project(): string {
  const p = sampleProject();
  cleanups.push(p.cleanup);
  return p.root;
}
const releases = (root: string): string[] =>
  (brtops(root, AI, ["list", "--json"]).json.releases as { release: string }[]).map((r) => r.release);
const events = (root: string): string[] =>
  (brtops(root, AI, ["audit", "--json"]).json.releases[0].log as { type: string }[]).map((e) => e.type);

describe("GO RELEASE v{version} to {target}", () => {
  it("from an AI LEAD is refused before anything is recorded", () => {
    const root = project();
    const r = brtops(root, AI, ["GO RELEASE v1.1.0 to Staging", "--json"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("E_NOT_AUTHORIZED");
    expect(r.json.error.message).toContain("Only a HUM LEAD may grant GO RELEASE");
    expect(releases(root)).toEqual([]);
  });

  it("on a release the AI LEAD requested: the HUM LEAD's phrase grants GO RELEASE and the run goes on through gates without findings", () => {
    const root = project();
    expect(brtops(root, AI, ["RELEASE v1.1.0 to Staging"]).code).toBe(3);
    expect(status(root)).toMatchObject({ step: "2.10", autoProceed: null });
    const r = brtops(root, HUM, ["OK, GO RELEASE v1.1.0 to the staging environment please"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("Release 1.1.0 is open already; GO RELEASE granted");
    expect(r.stderr).toContain("auto-approved on alice@example.com's GO RELEASE grant");
    // One release, granted once, its package gate approved on the grant; GO/NO-GO waits for a person.
    expect(releases(root)).toEqual(["1.1.0"]);
    const v = status(root);
    expect(v.autoProceed.by).toBe(HUM);
    expect(v.step).toBe("5.10");
    expect(v.gate.kind).toBe("go-no-go");
    expect(events(root).filter((t) => t === "AutoProceedGranted")).toHaveLength(1);
    // Said again: the grant stands, nothing new is recorded for it.
    const again = brtops(root, HUM, ["GO RELEASE v1.1.0 to Staging"]);
    expect(again.stderr).toContain(`GO RELEASE was granted by ${HUM} before`);
    expect(events(root).filter((t) => t === "AutoProceedGranted")).toHaveLength(1);
  });

  it("with no release open: requests it and grants GO RELEASE in one phrase (the requester's own grant approves nothing alone)", () => {
    const root = project();
    const r = brtops(root, HUM, ["GO RELEASE v1.1.0 to Staging"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`Release v1.1.0 to local requested by ${HUM}; GO RELEASE granted`);
    expect(r.stderr).toContain("still wait for another HUM LEAD");
    const types = events(root);
    expect(types.indexOf("ReleaseRequested")).toBeLessThan(types.indexOf("AutoProceedGranted"));
    const v = status(root);
    expect(v).toMatchObject({ version: "1.1.0", environment: "local", step: "2.10" });
    expect(v.autoProceed.by).toBe(HUM);
    // Separation of duties: the other HUM LEAD approves; the AI LEAD's run goes on.
    expect(brtops(root, "bob@example.com", ["approve", "--step", "2.10"]).code).toBe(0);
  });

  it("reads the way people ask for a release: fillers, articles, nouns and arrows reach the engine", () => {
    const root = project();
    const r = brtops(root, AI, ["OK, I think it's time to ship 1.1.0 to the staging environment, please", "--json"]);
    expect(r.code, r.stderr).toBe(3);
    const v = status(root);
    expect(v).toMatchObject({ version: "1.1.0", environment: "local", step: "2.10" });
    const other = project();
    expect(brtops(other, AI, ["deploy v1.1.0 -> dev"]).code).toBe(3);
    expect(status(other)).toMatchObject({ version: "1.1.0", environment: "local" });
  });

  it("RELEASE rc to Staging requests the pre-release of the next minor", () => {
    const root = project();
    const dry = brtops(root, AI, ["RELEASE rc to Staging", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json).toMatchObject({ dryRun: true, version: "1.1.0-rc.1", versionType: "rc" });
    const hotfix = brtops(root, AI, ["release a hotfix to staging", "--dry-run", "--json"]);
    expect(hotfix.json).toMatchObject({ version: "1.0.1-hotfix.1", versionType: "hotfix" });
    expect(releases(root)).toEqual([]);
  });
});
