/**
 * Orchestration overhead of the deploy DAG runner: 500 no-op steps (each waits a fixed few ms) in
 * a layered DAG with a known critical path, every step recording StepStarted and StepSucceeded
 * durably through the real FileStore (group commit, fsync on) in a temp dir. Reports the makespan
 * as a ratio to the critical path; the goal is ≤ 1.05 × critical path + 2 ms per step.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { draft, type Actor } from "../src/core/events.js";
import { createBatchAppender } from "../src/deploy/batch-appender.js";
import { planDag, type DagNode } from "../src/deploy/plan-dag.js";
import { median } from "../src/deploy/plan-durations.js";
import { runDag } from "../src/deploy/run-dag.js";
import { FileStore } from "../src/store/store-file.js";

const STEPS = 500;
const WIDTH = 20; // steps per layer = the concurrency limit, so the critical path is reachable
const LAYERS = STEPS / WIDTH;
const STEP_MS = 5;
const RUNS = 3;
const actor: Actor = { id: "bench", role: "system" };

/** Each step of layer i needs two steps of layer i-1: a known critical path of LAYERS × STEP_MS. */
function dagNodes(): DagNode[] {
  const nodes: DagNode[] = [];
  for (let l = 0; l < LAYERS; l++) {
    for (let w = 0; w < WIDTH; w++) {
      const needs = l === 0 ? [] : [`s${l - 1}-${w}`, `s${l - 1}-${(w + 7) % WIDTH}`];
      nodes.push({ name: `s${l}-${w}`, needs, expectedMs: STEP_MS });
    }
  }
  return nodes;
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function once(durable: boolean): Promise<{ makespanMs: number; batches: number; appends: number }> {
  const dir = mkdtempSync(join(tmpdir(), "brtops-deploy-bench-"));
  const store = new FileStore(dir);
  const log = createBatchAppender(store, "v1.0.0", 0);
  let appends = 0;
  const record = async (type: "StepStarted" | "StepSucceeded", step: string): Promise<void> => {
    if (!durable) return;
    appends += 1;
    const at = new Date().toISOString();
    await log.append([type === "StepStarted" ? draft("StepStarted", at, actor, { step: `6.1:${step}`, attempt: 1, effect: true }) : draft("StepSucceeded", at, actor, { step: `6.1:${step}` })]);
  };
  const plan = planDag(dagNodes());
  const t0 = performance.now();
  const r = await runDag(plan, {
    concurrency: WIDTH,
    runStep: async (name) => {
      await record("StepStarted", name);
      await wait(STEP_MS);
      await record("StepSucceeded", name);
    },
  });
  const makespanMs = performance.now() - t0;
  if (r.completed.length !== STEPS) throw new Error(`bench: ${r.completed.length} of ${STEPS} steps completed`);
  if (durable && (await store.read("v1.0.0")).events.length !== 2 * STEPS) throw new Error("bench: events missing from the log");
  rmSync(dir, { recursive: true, force: true });
  return { makespanMs, batches: log.batches(), appends };
}

/** Runs the benchmark, prints and returns the figures (medians of 3 runs). */
export async function benchDeploy(): Promise<Record<string, number>> {
  const plan = planDag(dagNodes());
  const criticalPathMs = plan.criticalPathMs!;
  await once(true); // warm-up: JIT, file system caches
  const durable = [];
  const memory = [];
  for (let i = 0; i < RUNS; i++) {
    durable.push(await once(true));
    memory.push(await once(false));
  }
  const makespanMs = median(durable.map((d) => d.makespanMs));
  const memoryMakespanMs = median(memory.map((d) => d.makespanMs));
  const allowedMs = 1.05 * criticalPathMs + 2 * STEPS;
  const figures: Record<string, number> = {
    steps: STEPS,
    criticalPathSteps: plan.criticalPath.length,
    criticalPathMs,
    makespanMs: Math.round(makespanMs),
    ratioToCriticalPath: Number((makespanMs / criticalPathMs).toFixed(3)),
    overheadPerStepMs: Number(((makespanMs - criticalPathMs) / STEPS).toFixed(3)),
    allowedMs: Math.round(allowedMs),
    withinTarget: makespanMs <= allowedMs ? 1 : 0,
    appends: durable[0]!.appends,
    fsyncBatches: median(durable.map((d) => d.batches)),
    inMemoryMakespanMs: Math.round(memoryMakespanMs),
    inMemoryRatio: Number((memoryMakespanMs / criticalPathMs).toFixed(3)),
  };
  console.log("deploy DAG orchestration (500 steps, durable appends through FileStore):");
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
  return figures;
}
