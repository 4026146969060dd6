import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderOrchestrationPlanDoc } from "../../src/core/render/render-orchestration-plan.js";
import { renderPostDeploymentDoc } from "../../src/core/render/render-post-deployment.js";
import { renderRollbackProceduresDoc } from "../../src/core/render/render-rollback-procedures.js";
import { createRedactor } from "../../src/core/redact.js";
import { executeDeployment } from "../../src/deploy/execute-deploy.js";
import { assessDeployment, detectIssues, monitorDeployment } from "../../src/deploy/execute-health.js";
import {
  validateBusiness,
  validateOperations,
  validatePerformance,
  validateUserExperience,
} from "../../src/deploy/execute-validation.js";
import { checkInfraReadiness } from "../../src/deploy/infra-readiness.js";
import { planCommunication, planOrchestration, planRollbackProcedure } from "../../src/deploy/orchestration.js";
import { runAction } from "../../src/deploy/run-action.js";
import { createTestService, type TestService } from "../support/service.js";
import { createHarness, finishStep, type Harness } from "./step-harness.js";

let svc: TestService;
let root: string;
let h: Harness;

beforeAll(async () => {
  svc = await createTestService();
  root = mkdtempSync(join(tmpdir(), "brtops-docs-"));
  await runAction(
    "deploy",
    { run: svc.deployArgv("1.0.0") },
    { root: svc.dir, vars: { version: "1.0.0", previous: null, environment: "production" }, redact: createRedactor() },
  );
  const health = {
    name: "api",
    http: { url: svc.healthUrl, bodyMatch: "{version}" },
    interval: 0.01,
    failuresBeforeUnhealthy: 2,
  };
  h = await createHarness({
    root,
    version: "1.1.0",
    previous: "1.0.0",
    environment: "production",
    config: {
      leads: { hum: ["hum@example.com"], emergency: ["oncall@example.com"] },
      environments: {
        production: {
          concurrency: 2,
          onFailure: "rollback",
          deploy: [
            { name: "migrate", run: svc.recordArgv("migrate"), undo: { run: svc.recordArgv("undo-migrate") } },
            { name: "assets", run: svc.recordArgv("assets") },
            {
              name: "app",
              run: svc.deployArgv("{version}"),
              needs: ["migrate", "assets"],
              undo: { run: svc.stopArgv() },
            },
          ],
          rollback: [{ name: "redeploy-previous", run: svc.deployArgv("{previous}") }],
          health: [health],
          performance: [{ ...health, name: "api-latency", samples: 3, p95Ms: 5000 }],
          business: [{ name: "orders", run: [process.execPath, "-e", "process.exit(0)"] }],
        },
      },
      validation: { smoke: [{ name: "home-page", run: [process.execPath, "-e", "process.exit(0)"] }] },
    },
  });
  for (const [step, fn] of [
    ["4.1", checkInfraReadiness],
    ["4.2", planRollbackProcedure],
    ["4.3", planOrchestration],
    ["4.4", planCommunication],
  ] as const)
    await finishStep(h, step, await fn(h.ctx(step)));
  for (const [step, fn] of [
    ["6.1", executeDeployment],
    ["6.2", monitorDeployment],
    ["6.3", assessDeployment],
    ["6.4", detectIssues],
    ["7.1", validateOperations],
    ["7.2", validatePerformance],
    ["7.3", validateUserExperience],
    ["7.4", validateBusiness],
  ] as const)
    await finishStep(h, step, await fn(h.ctx(step)));
});
afterAll(async () => {
  await svc.dispose();
  rmSync(root, { recursive: true, force: true });
});

const docCtx = () => ({ state: h.state(), events: h.events() });

describe("deployment documents, rendered from the log", () => {
  it("orchestration plan: readiness, order, groups, critical path, health checks, communication", () => {
    const doc = renderOrchestrationPlanDoc(docCtx());
    expect(doc).toContain("# Deployment Orchestration Plan — v1.1.0");
    expect(doc).toMatch(/\| 1 \| migrate \| run \|/);
    // The command as it runs: {version} shown with its value.
    expect(doc).toMatch(/\| 3 \| app \| run \| `\S+ \S+deploy\.mjs \S+ 1\.1\.0` \| migrate, assets \|/);
    expect(doc).toContain("1. migrate, assets\n2. app");
    expect(doc).toContain("migrate → app");
    expect(doc).toMatch(
      /\| api \| `GET http:\/\/127\.0\.0\.1:\d+\/health body ~ \/\{version\}\/` \| 0\.01 s \| 10 s \| 2 failures in a row \| no \|/,
    );
    expect(doc).toContain("- **Emergency escalation**: oncall@example.com");
    expect(doc).toContain("roll back automatically");
  });

  it("rollback procedures: undo in reverse order, then the rollback steps, and how the service is validated", () => {
    const doc = renderRollbackProceduresDoc(docCtx());
    expect(doc).toMatch(
      /\| 1 \| undo:app \| undo \| app \|[\s\S]*\| 2 \| undo:migrate \| undo \| migrate \|[\s\S]*\| 3 \| redeploy-previous \| rollback step \| — \|/,
    );
    expect(doc).toContain("**Not reversed by any undo**: assets");
    expect(doc).toContain("- **Restores**: v1.0.0");
    expect(doc).toContain("the health checks api run against the restored version");
    expect(doc).toContain("## Rollbacks run in this release\n\nNone.");
  });

  it("post-deployment validation: timeline of sub-steps, health figures, phase 7 results", () => {
    const doc = renderPostDeploymentDoc(docCtx());
    for (const s of ["6.1:migrate", "6.1:assets", "6.1:app"])
      expect(doc).toMatch(new RegExp(`\\| ${s.replace(".", "\\.")} \\| .* \\| SUCCEEDED \\|`));
    expect(doc).toMatch(/\| api \| healthy \| \d+ \| 0 \| \d+ ms \| \d+ ms \| \d+ ms \| HTTP 200 in \d+ ms \|/);
    expect(doc).toContain("## Performance at production scale (7.2)");
    expect(doc).toMatch(/\| api-latency \| ✅ pass \| 3 \|/);
    expect(doc).toContain("| home-page | ✅ pass |");
    expect(doc).toContain("| orders | ✅ pass |");
    expect(doc).toContain("Not certified yet");
  });

  it("is pure: the same log renders the same text, and nothing comes from outside the log", () => {
    const a = docCtx();
    const texts = [renderOrchestrationPlanDoc(a), renderRollbackProceduresDoc(a), renderPostDeploymentDoc(a)];
    expect([
      renderOrchestrationPlanDoc(docCtx()),
      renderRollbackProceduresDoc(docCtx()),
      renderPostDeploymentDoc(docCtx()),
    ]).toEqual(texts);
    const empty = { state: { ...a.state, steps: {} }, events: a.events.slice(0, 1) };
    expect(renderOrchestrationPlanDoc(empty)).toContain("Not assessed: step 4.1 did not run");
    expect(renderPostDeploymentDoc(empty)).toContain("No deployment step ran.");
  });
});
