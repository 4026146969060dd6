/**
 * Runs a planned DAG: each step starts as soon as all its needs have succeeded, up to
 * `concurrency` at once. A failure or a stop request (pause, abort) stops the starting of new
 * steps; the running ones finish — the "next safe checkpoint" of the spec.
 */
import type { DagPlan } from "./plan-dag.js";

export interface DagRunOptions {
  /** Most steps running at once (at least 1). */
  concurrency: number;
  /** Runs one step; a rejection marks it failed. */
  runStep(name: string): Promise<unknown>;
  /** Asked before starting steps: true stops starting new ones (running ones finish). */
  shouldStop?: () => boolean | Promise<boolean>;
  /** Steps already done in an earlier pass: they count as succeeded and are not run. */
  done?: Iterable<string>;
  /** Keep starting independent steps after a failure (default false: stop starting). */
  continueOnFailure?: boolean;
  onEvent?(e: { type: "start" | "ok" | "fail"; step: string; error?: unknown }): void;
}

export interface DagRunResult {
  /** Steps that succeeded in this run, in the order they finished (earlier passes' steps excluded). */
  completed: string[];
  failed: { step: string; error: unknown }[];
  /** Steps never started (stopped, after a failure, or needing a failed step), in plan order. */
  notStarted: string[];
  /** True when shouldStop() ended the run early. */
  stopped: boolean;
}

/** Runs the plan. Example: `await runDag(planDag(steps), {concurrency: 4, runStep: (n) => deploy(n)})` → `{completed: ["db", "app"], failed: [], notStarted: [], stopped: false}`. */
export async function runDag(plan: DagPlan, options: DagRunOptions): Promise<DagRunResult> {
  const limit = Math.max(1, Math.floor(options.concurrency));
  const doneBefore = new Set<string>(options.done ?? []);
  const succeeded = new Set<string>(doneBefore);
  const waiting = new Map<string, number>();
  for (const n of plan.order)
    if (!succeeded.has(n)) waiting.set(n, plan.needs[n]!.filter((d) => !succeeded.has(d)).length);
  const position = new Map(plan.order.map((n, i) => [n, i]));
  let ready = plan.order.filter((n) => waiting.get(n) === 0);
  const completed: string[] = [];
  const failed: { step: string; error: unknown }[] = [];
  const started = new Set<string>();
  let running = 0;
  let stopped = false;
  let wake: (() => void) | null = null;

  const finish = (name: string, error: unknown, ok: boolean): void => {
    running -= 1;
    if (ok) {
      completed.push(name);
      succeeded.add(name);
      options.onEvent?.({ type: "ok", step: name });
      const released: string[] = [];
      for (const d of plan.dependents[name]!) {
        if (!waiting.has(d)) continue;
        const left = waiting.get(d)! - 1;
        waiting.set(d, left);
        if (left === 0) released.push(d);
      }
      if (released.length > 0) ready = [...ready, ...released].sort((a, b) => position.get(a)! - position.get(b)!);
    } else {
      failed.push({ step: name, error });
      options.onEvent?.({ type: "fail", step: name, error });
    }
    const w = wake;
    wake = null;
    w?.();
  };

  for (;;) {
    const blocked = stopped || (failed.length > 0 && !options.continueOnFailure);
    if (!blocked && ready.length > 0 && running < limit) {
      if (options.shouldStop && (await options.shouldStop())) {
        stopped = true;
        continue;
      }
      while (ready.length > 0 && running < limit) {
        const name = ready.shift()!;
        started.add(name);
        running += 1;
        options.onEvent?.({ type: "start", step: name });
        let p: Promise<unknown>;
        try {
          p = Promise.resolve(options.runStep(name));
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(
          () => finish(name, undefined, true),
          (e: unknown) => finish(name, e, false),
        );
      }
      continue;
    }
    if (running === 0) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  const notStarted = plan.order.filter((n) => !started.has(n) && !doneBefore.has(n));
  return { completed, failed, notStarted, stopped };
}
