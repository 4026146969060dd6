/**
 * Many processes deciding the same gate at once: the store's expected-last-seq check lets exactly
 * one approval through; every other process gets a conflict (exit 5) and the log stays verifiable.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, HUM2, brtops, brtopsAsync, sampleProject, status } from "../support/cli.js";

function countType(root: string, type: string): number {
  const text = readFileSync(join(root, ".brtops/releases/1.1.0/events.jsonl"), "utf8");
  let n = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const parsed = JSON.parse(line);
    for (const e of Array.isArray(parsed) ? parsed : [parsed]) if (e.type === type) n++;
  }
  return n;
}

function toGate(root: string): void {
  const r = brtops(root, AI, ["release", "1.1.0", "--to", "staging", "--json"]);
  expect(r.code).toBe(3);
  expect(r.json.step).toBe("2.10");
}

describe("concurrent approvals of one gate", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it("20 simultaneous approvals by the same HUM LEAD: exactly one wins, 19 conflict (exit 5)", async () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    toGate(p.root);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => brtopsAsync(p.root, HUM, ["approve", "--step", "2.10", "--json"])),
    );
    const codes = results.map((r) => r.code).sort((a, b) => a - b);
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.filter((c) => c === 5)).toHaveLength(19);
    for (const r of results) {
      expect(r.stderr).not.toMatch(/\n\s{4}at /);
      if (r.code === 5) expect(r.stdout + r.stderr).toMatch(/"code":"E_[A-Z_]+"/);
    }
    expect(countType(p.root, "GateApproved")).toBe(1);
    expect(status(p.root).step).not.toBe("2.10");
    expect(brtops(p.root, AI, ["audit", "verify"]).code).toBe(0);
  }, 120_000);

  it("two different HUM LEADs racing: one approval recorded", async () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    toGate(p.root);
    const [a, b] = await Promise.all([
      brtopsAsync(p.root, HUM, ["approve", "--step", "2.10", "--json"]),
      brtopsAsync(p.root, HUM2, ["approve", "--step", "2.10", "--json"]),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 5]);
    expect(countType(p.root, "GateApproved")).toBe(1);
    expect(brtops(p.root, AI, ["audit", "verify"]).code).toBe(0);
  }, 60_000);
});
