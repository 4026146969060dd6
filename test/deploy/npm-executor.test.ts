import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeDeployment } from "../../src/deploy/execute-deploy.js";
import { rollbackDeployment } from "../../src/deploy/execute-rollback.js";
import { startVerdaccio, type Verdaccio } from "../support/verdaccio.js";
import { createHarness, finishStep } from "./step-harness.js";

let reg: Verdaccio;
let token: string;
let root: string;
beforeAll(async () => {
  reg = await startVerdaccio();
  token = await reg.addUser("ci", "ci-password-1");
  root = mkdtempSync(join(tmpdir(), "brtops-npm-exec-"));
});
afterAll(async () => {
  await reg.stop();
  rmSync(root, { recursive: true, force: true });
});

function project(version: string): void {
  mkdirSync(join(root, "pkg"), { recursive: true });
  writeFileSync(join(root, "pkg", "package.json"), JSON.stringify({ name: "@acme/widget", version, main: "index.js" }));
  writeFileSync(join(root, "pkg", "index.js"), `module.exports = ${JSON.stringify(version)};\n`);
}

describe("npm target inside 6.1 and its rollback", () => {
  it("publishes as recorded sub-steps, then rolls back: latest back to N, N+1 deprecated", async () => {
    const env = { ...process.env, NPM_TOKEN: token };
    const config = {
      leads: { hum: ["hum@example.com"] },
      environments: { npm: { npm: { registry: reg.url, package: "pkg" } } },
    };
    project("1.0.0");
    const v1 = await createHarness({ root, config, version: "1.0.0", previous: null, environment: "npm", env });
    const first = await executeDeployment(v1.ctx("6.1"));
    expect(first.failure).toBeUndefined();
    expect(first.result!["completed"]).toEqual(["npm-publish", "npm-verify"]);

    project("1.1.0");
    const v2 = await createHarness({ root, config, version: "1.1.0", previous: "1.0.0", environment: "npm", env });
    const out = await executeDeployment(v2.ctx("6.1"));
    expect(out.failure).toBeUndefined();
    expect((await reg.packument("@acme/widget"))!["dist-tags"]).toEqual({ latest: "1.1.0" });
    const publish = v2
      .events()
      .find((e) => e.type === "StepSucceeded" && (e.data as { step: string }).step === "6.1:npm-publish");
    expect((publish!.data as { result: Record<string, unknown> }).result).toMatchObject({
      name: "@acme/widget",
      version: "1.1.0",
      tag: "latest",
      action: "published",
    });
    await finishStep(v2, "6.1", out);

    const rb = await rollbackDeployment(v2.ctx("6.11"));
    expect(rb).toEqual({ steps: ["npm"], to: "1.0.0" });
    const doc = (await reg.packument("@acme/widget"))!;
    expect(doc["dist-tags"]).toEqual({ latest: "1.0.0" });
    expect(doc.versions["1.1.0"]!.deprecated).toBe("Rolled back by brtops; use 1.0.0.");
    for (const h of [v1, v2]) expect(JSON.stringify(h.events())).not.toContain(token);
  });

  it("publishes a prerelease under its channel's dist-tag and never moves latest (beta by its id, rc through npm.channels)", async () => {
    const env = { ...process.env, NPM_TOKEN: token };
    // tag: latest is configured, yet a prerelease never takes it.
    const config = {
      leads: { hum: ["hum@example.com"] },
      environments: { npm: { npm: { registry: reg.url, package: "pkg", tag: "latest", channels: { rc: "next" } } } },
    };
    const before = (await reg.packument("@acme/widget"))!["dist-tags"]["latest"];
    expect(before).toBeDefined();
    project("3.0.0-beta");
    const beta = await createHarness({
      root,
      config,
      version: "3.0.0-beta",
      previous: before!,
      environment: "npm",
      env,
      releaseId: "3.0.0-beta",
    });
    const out = await executeDeployment(beta.ctx("6.1"));
    expect(out.failure).toBeUndefined();
    const publish = beta
      .events()
      .find((e) => e.type === "StepSucceeded" && (e.data as { step: string }).step === "6.1:npm-publish");
    expect((publish!.data as { result: Record<string, unknown> }).result).toMatchObject({
      version: "3.0.0-beta",
      tag: "beta",
      action: "published",
    });
    expect((await reg.packument("@acme/widget"))!["dist-tags"]).toMatchObject({ latest: before, beta: "3.0.0-beta" });

    project("3.0.0-rc.1");
    const rc = await createHarness({
      root,
      config,
      version: "3.0.0-rc.1",
      previous: before!,
      environment: "npm",
      env,
      releaseId: "3.0.0-rc.1",
    });
    expect((await executeDeployment(rc.ctx("6.1"))).failure).toBeUndefined();
    const tags = (await reg.packument("@acme/widget"))!["dist-tags"];
    expect(tags).toMatchObject({ latest: before, beta: "3.0.0-beta", next: "3.0.0-rc.1" });
    expect(tags["rc"]).toBeUndefined();
  });
});
