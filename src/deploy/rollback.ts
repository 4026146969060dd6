/**
 * Rollback: the undo actions of the completed deploy steps in reverse completion order, then the
 * environment's rollback steps (e.g. redeploy `{previous}`) in DAG order. Planning is pure;
 * `runRollback` runs the plan one item at a time and goes on after a failed item, so that as much
 * as possible is restored, and says which items failed.
 */
import type { DeployStep, StepAction } from "../config/schema-environment.js";
import { planDag } from "./plan-dag.js";

export interface RollbackItem {
  /** "undo:<step>" or the rollback step's name. */
  name: string;
  kind: "undo" | "rollback";
  /** For an undo: the deploy step it reverses. */
  of?: string;
  action: StepAction;
}

export interface RollbackPlan {
  items: RollbackItem[];
  /** Completed deploy steps that have no undo (left as they are; the rollback steps must cover them). */
  withoutUndo: string[];
}

/** Plans the rollback. Example: `planRollback(env.deploy, ["db", "app"], env.rollback).items.map((i) => i.name)` → `["undo:app", "undo:db", "redeploy-previous"]`. */
export function planRollback(
  deploy: readonly DeployStep[],
  completed: readonly string[],
  rollback: readonly DeployStep[],
): RollbackPlan {
  const byName = new Map(deploy.map((s) => [s.name, s]));
  const items: RollbackItem[] = [];
  const withoutUndo: string[] = [];
  for (const name of [...completed].reverse()) {
    const step = byName.get(name);
    if (!step) continue;
    if (step.undo) items.push({ name: `undo:${name}`, kind: "undo", of: name, action: step.undo });
    else withoutUndo.push(name);
  }
  const order = planDag(rollback.map((s) => ({ name: s.name, needs: s.needs }))).order;
  const rb = new Map(rollback.map((s) => [s.name, s]));
  for (const name of order) items.push({ name, kind: "rollback", action: rb.get(name)! });
  return { items, withoutUndo };
}

export interface RollbackItemResult {
  name: string;
  kind: "undo" | "rollback";
  of?: string;
  ok: boolean;
  detail: string;
  durationMs: number;
}

export interface RollbackResult {
  ok: boolean;
  results: RollbackItemResult[];
}

/** Runs the plan's items in order with `run` (which returns ok and a detail, or throws). */
export async function runRollback(
  plan: RollbackPlan,
  run: (item: RollbackItem) => Promise<{ ok: boolean; detail: string; durationMs?: number }>,
  options: { stopOnFailure?: boolean } = {},
): Promise<RollbackResult> {
  const results: RollbackItemResult[] = [];
  for (const item of plan.items) {
    const t0 = Date.now();
    let r: { ok: boolean; detail: string; durationMs?: number };
    try {
      r = await run(item);
    } catch (e) {
      r = { ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
    results.push({
      name: item.name,
      kind: item.kind,
      ...(item.of ? { of: item.of } : {}),
      ok: r.ok,
      detail: r.detail,
      durationMs: r.durationMs ?? Date.now() - t0,
    });
    if (!r.ok && options.stopOnFailure) break;
  }
  return { ok: results.length === plan.items.length && results.every((r) => r.ok), results };
}
