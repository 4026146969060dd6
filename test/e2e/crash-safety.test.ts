/**
 * Crash safety with real processes: a SIGKILL while a deploy step runs (recovery adopts the effect
 * through the step's check instead of deploying twice) and a torn append (half a line on disk,
 * ignored by the next run). After both the chain verifies and the release still certifies.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, CLI, HUM, brtops, sampleProject, status, intactEvents } from "../support/cli.js";
import { startRunner } from "../support/runner-process.js";
import { alive, deployedPid, slowDeployProject, certify, toGoApproved } from "../support/slow-deploy.js";

const LOG = ".brtops/releases/1.1.0/events.jsonl";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("crash safety", () => {
  let cleanup: (() => void) | undefined;
  // A runner a failed test left behind (it and its step run in their own process groups).
  let leftover: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await leftover?.();
    leftover = undefined;
    cleanup?.();
  });

  it("SIGKILL during a deploy step: the rerun adopts the effect via the check, the deploy runs once", async () => {
    // The step stays busy long after its effect: the test kills the runner (and the step) well before it ends.
    const p = slowDeployProject(60);
    cleanup = p.cleanup;
    const root = p.root;

    toGoApproved(root);
    const runner = startRunner(root);
    leftover = runner.kill;
    const startedShip = () =>
      existsSync(join(root, LOG)) &&
      intactEvents(root).some((e) => e.type === "StepStarted" && JSON.stringify(e).includes("6.1:ship"));
    // Generous deadlines: on a loaded CI machine the runner and the step are slow to start.
    for (const t0 = Date.now(); Date.now() - t0 < 120_000 && !startedShip();) await sleep(50);
    expect(startedShip()).toBe(true);
    // The script publishes its pid only once its effect (service/version) is on disk: kill brtops
    // (and its group) after the effect, never half-way through it (then the rerun would rightly deploy again).
    const scriptPid = await deployedPid(root);
    expect(readFileSync(join(root, "service/version"), "utf8").trim()).toBe("1.1.0");
    await runner.kill();
    expect(await runner.exited).toBe("SIGKILL");
    // The script runs in its own process group: stop it too (its effect is already on disk).
    try {
      process.kill(-scriptPid, "SIGKILL");
    } catch {
      try {
        process.kill(scriptPid, "SIGKILL");
      } catch {
        /* finished */
      }
    }
    for (const t0 = Date.now(); Date.now() - t0 < 30_000 && alive(scriptPid);) await sleep(50);
    expect(intactEvents(root).some((e) => e.type === "StepSucceeded" && JSON.stringify(e).includes("6.1:ship"))).toBe(
      false,
    );

    const again = brtops(root, AI, ["run", "--json"]);
    expect(again.code, again.stdout + again.stderr).toBe(3);
    expect(readFileSync(join(root, "deploy-count"), "utf8").trim().split("\n")).toHaveLength(1);
    const adopted = intactEvents(root).filter((e) => e.type === "StepSucceeded" && e.data?.adopted === true);
    expect(adopted.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(adopted)).toContain("ship");
    certify(root);
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
  }, 180_000);

  it("a torn append (killed mid-write) is ignored: the rerun continues and the chain verifies", () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(brtops(root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
    const before = intactEvents(root).length;

    const r = execFileSyncStatus(root, ["run", "--as", AI], { BRTOPS_FAULT: "torn-append:StepSucceeded" });
    expect(r.signal).toBe("SIGKILL");
    const text = readFileSync(join(root, LOG), "utf8");
    expect(text.endsWith("\n")).toBe(false);
    expect(intactEvents(root).length).toBeGreaterThanOrEqual(before);

    const again = brtops(root, AI, ["run", "--json"]);
    expect(again.code).toBe(3);
    expect(again.json.step).toBe("5.10");
    expect(readFileSync(join(root, LOG), "utf8").endsWith("\n")).toBe(true);
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
    expect(brtops(root, HUM, ["approve", "--step", "5.10"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    certify(root);
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
  }, 180_000);
});

function execFileSyncStatus(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): { status: number | null; signal: string | null } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, BRTOPS_ACTOR: "", ...env },
  });
  return { status: r.status, signal: r.signal };
}
