import { describe, expect, it } from "vitest";
import { BrtopsError } from "../../src/core/errors.js";
import type { AnyEvent } from "../../src/core/events.js";
import { estimateMakespan, planDag, type DagNode } from "../../src/deploy/plan-dag.js";
import { expectedDurations, median } from "../../src/deploy/plan-durations.js";

function failure(fn: () => unknown): BrtopsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BrtopsError) return e;
    throw e;
  }
  throw new Error("expected a BrtopsError");
}

const n = (name: string, needs: string[] = [], expectedMs?: number): DagNode => ({
  name,
  needs,
  ...(expectedMs === undefined ? {} : { expectedMs }),
});

describe("planDag", () => {
  it.each([
    ["a chain", [n("a"), n("b", ["a"]), n("c", ["b"])], ["a", "b", "c"], [["a"], ["b"], ["c"]]],
    ["independent steps keep config order", [n("z"), n("y"), n("x")], ["z", "y", "x"], [["z", "y", "x"]]],
    [
      "a diamond",
      [n("db"), n("cache"), n("app", ["db", "cache"]), n("smoke", ["app"])],
      ["db", "cache", "app", "smoke"],
      [["db", "cache"], ["app"], ["smoke"]],
    ],
    ["needs listed before the step they need", [n("app", ["db"]), n("db")], ["db", "app"], [["db"], ["app"]]],
    [
      "a step whose needs sit at different depths",
      [n("a"), n("b", ["a"]), n("c", ["a", "b"]), n("d")],
      ["a", "b", "c", "d"],
      [["a", "d"], ["b"], ["c"]],
    ],
    ["no steps", [], [], []],
  ])("%s", (_label, nodes, order, groups) => {
    const plan = planDag(nodes);
    expect(plan.order).toEqual(order);
    expect(plan.groups).toEqual(groups);
  });

  it("names a cycle in running order", () => {
    const e = failure(() => planDag([n("a", ["c"]), n("b", ["a"]), n("c", ["b"]), n("d")]));
    expect(e.code).toBe("E_DAG_CYCLE");
    expect(e.message).toMatch(/cycle: (a → b → c → a|b → c → a → b|c → a → b → c)/);
    expect(e.hint).toMatch(/Remove one of these needs/);
  });

  it("rejects a step that needs itself", () => {
    const e = failure(() => planDag([n("a", ["a"])]));
    expect(e.code).toBe("E_DAG_CYCLE");
    expect(e.message).toContain("a → a");
  });

  it("names an unknown need and lists the known steps", () => {
    const e = failure(() => planDag([n("db"), n("app", ["dbb"])]));
    expect(e.code).toBe("E_DAG_UNKNOWN_NEED");
    expect(e.message).toBe('Step "app" needs "dbb", which is not a step of this environment.');
    expect(e.hint).toContain("db, app");
  });

  it("rejects two steps with one name", () => {
    expect(failure(() => planDag([n("x"), n("x")])).code).toBe("E_DAG_DUPLICATE_STEP");
  });

  it("finds the critical path by expected duration", () => {
    const plan = planDag([n("db", [], 100), n("cache", [], 500), n("app", ["db", "cache"], 200), n("docs", [], 50)]);
    expect(plan.criticalPath).toEqual(["cache", "app"]);
    expect(plan.criticalPathMs).toBe(700);
  });

  it("falls back to the longest chain of steps when durations are unknown", () => {
    const plan = planDag([n("a"), n("b", ["a"]), n("c", ["b"]), n("d", [], 9999)]);
    expect(plan.criticalPath).toEqual(["a", "b", "c"]);
    expect(plan.criticalPathMs).toBeNull();
  });

  it("estimates the makespan under a concurrency limit", () => {
    const plan = planDag([n("a", [], 100), n("b", [], 100), n("c", [], 100), n("d", ["a", "b", "c"], 50)]);
    expect(estimateMakespan(plan, 3)).toBe(150);
    expect(estimateMakespan(plan, 1)).toBe(350);
    expect(estimateMakespan(plan, 2)).toBe(250);
    expect(estimateMakespan(planDag([n("a"), n("b", [], 5)]), 2)).toBeNull();
  });
});

describe("expectedDurations", () => {
  const ev = (seq: number, type: string, at: string, data: Record<string, unknown>): AnyEvent =>
    ({
      seq,
      type,
      at,
      data,
      release: "v1",
      actor: { id: "x", role: "system" },
      prev: "",
      hash: "",
    }) as unknown as AnyEvent;
  const run = (start: string, end: string, step = "6.1:migrate", adopted = false): AnyEvent[] => [
    ev(1, "StepStarted", start, { step, attempt: 1 }),
    ev(2, "StepSucceeded", end, { step, ...(adopted ? { adopted } : {}) }),
  ];

  it("takes the median of earlier runs and ignores adopted and unfinished steps", () => {
    const logs = [
      run("2025-01-01T00:00:00.000Z", "2025-01-01T00:00:01.000Z"),
      run("2025-01-02T00:00:00.000Z", "2025-01-02T00:00:03.000Z"),
      run("2025-01-03T00:00:00.000Z", "2025-01-03T00:00:02.000Z"),
      run("2025-01-04T00:00:00.000Z", "2025-01-04T00:00:09.000Z", "6.1:migrate", true),
      [ev(1, "StepStarted", "2025-01-05T00:00:00.000Z", { step: "6.1:app", attempt: 1 })],
      run("2025-01-04T00:00:00.000Z", "2025-01-04T00:00:00.500Z", "3.1"),
    ];
    expect(expectedDurations(logs)).toEqual({ migrate: 2000 });
  });

  it.each([
    [[5], 5],
    [[1, 3], 2],
    [[9, 1, 5], 5],
  ])("median(%j) = %d", (values, m) => expect(median(values)).toBe(m));
});
