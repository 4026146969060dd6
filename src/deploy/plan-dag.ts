/**
 * Plans a DAG of steps without running anything: topological order, parallel groups, the critical
 * path and the expected duration. Pure (no I/O, no clock): the runner and the renderers share it.
 */
import { BrtopsError } from "../core/errors.js";

export interface DagNode {
  name: string;
  needs?: readonly string[] | undefined;
  /** Expected milliseconds (from earlier runs); unknown when absent. */
  expectedMs?: number | undefined;
}

export interface DagPlan {
  /** Step names in a topological order (config order among steps that are ready together). */
  order: string[];
  /** Groups that may run in parallel: group i holds the steps whose longest chain of needs has i links. */
  groups: string[][];
  needs: Record<string, string[]>;
  dependents: Record<string, string[]>;
  expectedMs: Record<string, number | null>;
  /** The longest chain by expected duration (by step count when a duration is unknown). */
  criticalPath: string[];
  /** Sum of the critical path's expected durations; null when one of them is unknown. */
  criticalPathMs: number | null;
}

/** Plans the DAG; throws E_DAG_DUPLICATE_STEP, E_DAG_UNKNOWN_NEED or E_DAG_CYCLE. Example: `planDag([{name: "db"}, {name: "app", needs: ["db"]}]).groups` → `[["db"], ["app"]]`. */
export function planDag(nodes: readonly DagNode[]): DagPlan {
  const names = nodes.map((n) => n.name);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n))
      throw new BrtopsError("E_DAG_DUPLICATE_STEP", `Two deploy steps are named "${n}".`, {
        hint: "Give every step of an environment a unique name: needs refer to steps by name.",
        details: { step: n },
      });
    seen.add(n);
  }
  const needs: Record<string, string[]> = {};
  const dependents: Record<string, string[]> = {};
  for (const n of names) dependents[n] = [];
  for (const node of nodes) {
    const list = [...new Set(node.needs ?? [])];
    for (const need of list) {
      if (!seen.has(need)) {
        throw new BrtopsError(
          "E_DAG_UNKNOWN_NEED",
          `Step "${node.name}" needs "${need}", which is not a step of this environment.`,
          {
            hint: `Known steps: ${names.join(", ")}. Fix the name in needs.`,
            details: { step: node.name, need, known: names },
          },
        );
      }
      dependents[need]!.push(node.name);
    }
    needs[node.name] = list;
  }
  // Kahn's algorithm, picking ready steps in config order so the plan is stable.
  const indegree = new Map(names.map((n) => [n, needs[n]!.length]));
  const level = new Map<string, number>();
  const order: string[] = [];
  const position = new Map(names.map((n, i) => [n, i]));
  const ready = names.filter((n) => indegree.get(n) === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const n = ready.shift()!;
    order.push(n);
    level.set(n, Math.max(0, ...needs[n]!.map((d) => level.get(d)! + 1)));
    for (const d of dependents[n]!) {
      const left = indegree.get(d)! - 1;
      indegree.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (order.length !== names.length) {
    const placed = new Set(order);
    const cycle = findCycle(
      names.filter((n) => !placed.has(n)),
      needs,
    );
    throw new BrtopsError("E_DAG_CYCLE", `The deploy steps' needs form a cycle: ${cycle.join(" → ")}.`, {
      hint: "Remove one of these needs so that the steps can run in some order.",
      details: { cycle },
    });
  }
  const groups: string[][] = [];
  for (const n of order) (groups[level.get(n)!] ??= []).push(n);
  const expectedMs: Record<string, number | null> = {};
  for (const node of nodes) expectedMs[node.name] = node.expectedMs ?? null;
  const { path, ms } = criticalPath(order, needs, expectedMs);
  return { order, groups, needs, dependents, expectedMs, criticalPath: path, criticalPathMs: ms };
}

function findCycle(candidates: string[], needs: Record<string, string[]>): string[] {
  const inCandidates = new Set(candidates);
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, "open");
    stack.push(n);
    for (const d of needs[n]!) {
      if (!inCandidates.has(d)) continue;
      if (state.get(d) === "open") return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(n, "done");
    return null;
  };
  for (const c of candidates) {
    if (state.has(c)) continue;
    const found = visit(c);
    // Needs point backwards (step → what it waits for); show the cycle in running order.
    if (found) return found.reverse();
  }
  return candidates;
}

function criticalPath(
  order: string[],
  needs: Record<string, string[]>,
  expected: Record<string, number | null>,
): { path: string[]; ms: number | null } {
  const allKnown = order.every((n) => expected[n] !== null);
  // With any duration unknown, milliseconds cannot be compared: the path is the longest chain of steps.
  const weight = (n: string): number => (allKnown ? expected[n]! : 1);
  const finish = new Map<string, number>();
  const via = new Map<string, string | null>();
  for (const n of order) {
    let best = 0;
    let from: string | null = null;
    for (const d of needs[n]!) {
      if (finish.get(d)! > best) {
        best = finish.get(d)!;
        from = d;
      }
    }
    finish.set(n, best + weight(n));
    via.set(n, from);
  }
  let end: string | null = null;
  for (const n of order) if (end === null || finish.get(n)! > finish.get(end)!) end = n;
  const path: string[] = [];
  for (let n = end; n !== null; n = via.get(n) ?? null) path.unshift(n);
  return { path, ms: allKnown ? (end === null ? 0 : finish.get(end)!) : null };
}

/**
 * Expected wall time with at most `concurrency` steps at once (list scheduling, longest remaining
 * chain first); null when a duration is unknown. Example: `estimateMakespan(plan, 2)` → `1200`.
 */
export function estimateMakespan(plan: DagPlan, concurrency: number): number | null {
  if (plan.order.some((n) => plan.expectedMs[n] === null)) return null;
  const dur = (n: string): number => plan.expectedMs[n]!;
  const tail = new Map<string, number>();
  for (const n of [...plan.order].reverse())
    tail.set(n, dur(n) + Math.max(0, ...plan.dependents[n]!.map((d) => tail.get(d)!)));
  const waiting = new Map(plan.order.map((n) => [n, plan.needs[n]!.length]));
  let ready = plan.order.filter((n) => waiting.get(n) === 0);
  const running: { name: string; end: number }[] = [];
  let now = 0;
  let done = 0;
  while (done < plan.order.length) {
    ready.sort((a, b) => tail.get(b)! - tail.get(a)!);
    while (running.length < Math.max(1, concurrency) && ready.length > 0) {
      const n = ready.shift()!;
      running.push({ name: n, end: now + dur(n) });
    }
    running.sort((a, b) => a.end - b.end);
    const next = running.shift()!;
    now = next.end;
    done += 1;
    const released: string[] = [];
    for (const d of plan.dependents[next.name]!) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) released.push(d);
    }
    ready = [...ready, ...released];
  }
  return now;
}
