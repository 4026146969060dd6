/**
 * A log nobody can quietly rewrite (issue 12, points 1–3), through the CLI on real sample projects:
 * an event authority could not have accepted is refused even with a correctly recomputed hash; a
 * rewritten or truncated log fails against its anchor (refs/brtops/<release>); nothing acts on a
 * log that fails; a decision names the gate round it was made on.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnyEvent } from "../../src/core/events.js";
import { GENESIS, hashEvent } from "../../src/store/event-chain.js";
import { AI, HUM, HUM2, brtops, sampleProject, status } from "../support/cli.js";

const LOG = ".brtops/releases/1.1.0/events.jsonl";

function readEvents(root: string): AnyEvent[] {
  return readFileSync(join(root, LOG), "utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => {
      const v = JSON.parse(l) as AnyEvent | AnyEvent[];
      return Array.isArray(v) ? v : [v];
    });
}

/** Writes `events` with every seq, prev and hash recomputed: a chain that verifies on its own. */
function writeRecomputed(root: string, events: AnyEvent[]): void {
  let prev = GENESIS;
  const out = events.map((e, i) => {
    const { hash: _old, ...rest } = { ...e, seq: i + 1, prev };
    const hash = hashEvent(rest);
    prev = hash;
    return { ...rest, hash };
  });
  writeFileSync(join(root, LOG), out.map((e) => JSON.stringify(e)).join("\n") + "\n");
}

/** `audit verify` exits 1 naming `seq`, and status, run and approve refuse to act (exit 1, E_LOG_TAMPERED). */
function refusedEverywhere(root: string, seq: number): void {
  const audit = brtops(root, AI, ["audit", "verify", "--json"]);
  expect(audit.code).toBe(1);
  expect(audit.json.releases[0].bad.seq).toBe(seq);
  const before = readFileSync(join(root, LOG), "utf8");
  for (const [as, args] of [
    [AI, ["status"]],
    [AI, ["run"]],
    [HUM2, ["approve", "--note", "on a tampered log"]],
  ] as const) {
    const r = brtops(root, as, [...args, "--json"]);
    expect(r.code, args.join(" ")).toBe(1);
    expect(r.json.error.code, args.join(" ")).toBe("E_LOG_TAMPERED");
    expect(r.json.error.message).toContain(`event ${seq}`);
    expect(r.json.error.hint).toContain("brtops audit verify");
  }
  expect(readFileSync(join(root, LOG), "utf8")).toBe(before);
}

describe("an event authority could not have accepted, with a recomputed hash", () => {
  let root: string;
  let cleanup: () => void;
  let original: string;
  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    original = readFileSync(join(root, LOG), "utf8");
  });
  afterAll(() => cleanup());

  const forged =
    (actor: { id: string; role: string }, data: Record<string, unknown> = {}) =>
    (events: AnyEvent[]) => {
      const last = events.at(-1)!;
      return [
        ...events,
        {
          seq: last.seq + 1,
          release: last.release,
          type: "GateApproved",
          at: last.at,
          actor,
          data: { phase: 2, step: "2.10", authority: "person", final: true, ...data },
          prev: last.hash,
          hash: "",
        } as unknown as AnyEvent,
      ];
    };

  for (const [name, make] of [
    ["the AI LEAD, claiming the HUM LEAD role", forged({ id: AI, role: "hum-lead" })],
    ["an identity the config does not name", forged({ id: "mallory@example.com", role: "hum-lead" })],
  ] as const) {
    it(`an approval by ${name}: audit verify exits 1 naming it, and status, run and approve refuse`, () => {
      writeFileSync(join(root, LOG), original);
      expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
      const events = make(readEvents(root));
      writeRecomputed(root, events);
      const text = brtops(root, AI, ["audit", "verify"]);
      expect(text.stdout + text.stderr).toMatch(/could not have been accepted/);
      refusedEverywhere(root, events.length);
    });
  }

  it("a second approval by the same HUM LEAD at a SEV-0 gate is refused", () => {
    writeFileSync(join(root, LOG), original);
    const events = readEvents(root);
    // Make the open gate a two-person gate, then have alice approve it twice.
    const gate = [...events].reverse().find((e) => e.type === "GateOpened")!;
    (gate.data as { requiredApprovals: number }).requiredApprovals = 2;
    const once = forged({ id: HUM, role: "hum-lead" }, { final: false })(events);
    const twice = forged({ id: HUM, role: "hum-lead" })(once);
    writeRecomputed(root, twice);
    const audit = brtops(root, AI, ["audit", "verify", "--json"]);
    expect(audit.code).toBe(1);
    expect(audit.json.releases[0].bad.seq).toBe(twice.length);
    expect(audit.json.releases[0].bad.reason).toContain("already approved");
  });
});

describe("a log rewritten or cut short, against its anchor", () => {
  let root: string;
  let cleanup: () => void;
  let approved: string;
  let approvalSeq: number;
  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(brtops(root, HUM, ["approve", "--step", "2.10", "--note", "package ok"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    approved = readFileSync(join(root, LOG), "utf8");
    approvalSeq = readEvents(root).find((e) => e.type === "GateApproved")!.seq;
  });
  afterAll(() => cleanup());

  it("records the head at every decision: in the decision and as refs/brtops/<release>", () => {
    const events = readEvents(root);
    const approval = events.find((e) => e.type === "GateApproved")!;
    expect((approval.data as { head?: unknown }).head).toEqual({
      seq: approval.seq - 1,
      hash: events[approval.seq - 2]!.hash,
    });
    expect((approval.data as { round?: { id: string } }).round?.id).toBe("2.10#1");
    const anchor = execFileSync("git", ["cat-file", "blob", "refs/brtops/1.1.0"], { cwd: root, encoding: "utf8" });
    expect(anchor).toBe(`${approval.seq} ${approval.hash}\n`);
    const audit = brtops(root, AI, ["audit", "verify", "--json"]);
    expect(audit.code).toBe(0);
    expect(audit.json.releases[0].anchor).toEqual({ seq: approval.seq, hash: approval.hash });
  });

  it("a past approver rewritten, every hash recomputed: audit verify exits 1, and nothing acts on it", () => {
    writeFileSync(join(root, LOG), approved);
    const events = readEvents(root).map((e) =>
      e.type === "GateApproved" ? { ...e, actor: { id: HUM2, role: "hum-lead" as const } } : e,
    );
    writeRecomputed(root, events);
    refusedEverywhere(root, approvalSeq);
  });

  it("the tail cut off (the approval and what followed): audit verify exits 1, and nothing acts on it", () => {
    writeFileSync(join(root, LOG), approved);
    writeRecomputed(
      root,
      readEvents(root).filter((e) => e.seq < approvalSeq),
    );
    refusedEverywhere(root, approvalSeq);
  });

  it("the intact log verifies and acts again", () => {
    writeFileSync(join(root, LOG), approved);
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
    expect(brtops(root, AI, ["status"]).code).toBe(0);
  });
});

describe("decisions bound to the round they were made on", () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ root, cleanup } = sampleProject({ extra: `signoffs: {stakeholders: [${HUM2}]}\n` }));
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
  });
  afterAll(() => cleanup());

  it("after a rejection the gate is round 2: a round-1 approval exits 5 showing the current round", () => {
    expect(status(root).gate.round).toBe("2.10#1");
    expect(brtops(root, HUM, ["reject", "--step", "2.10", "--reason", "rebuild it"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    const s = status(root);
    expect(s.gate.round).toBe("2.10#2");
    expect(s.gate.roundHash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.next[0]).toContain("--step 2.10#2");
    const stale = brtops(root, HUM, ["approve", "--step", "2.10", "--note", "what I saw in round 1", "--json"]);
    expect(stale.code).toBe(5);
    expect(stale.json.error.code).toBe("E_STEP_MISMATCH");
    expect(stale.json.error.message).toContain("2.10#2");
    expect(brtops(root, HUM, ["approve", "--step", "2.10#2", "--note", "round 2 reviewed"]).code).toBe(0);
    const approval = readEvents(root)
      .reverse()
      .find((e) => e.type === "GateApproved")!;
    expect((approval.data as { round?: { id: string; hash: string } }).round).toEqual({
      id: "2.10#2",
      hash: s.gate.roundHash,
    });
  });

  it("a stakeholder's refusal after 5.2 reported refreshes 5.2 and opens the GO gate as a new round", () => {
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    for (const step of ["3.10", "4.10"]) {
      if (status(root).step !== step) continue;
      expect(
        brtops(root, HUM, [
          "approve",
          "--step",
          step,
          "--waive",
          "the sample has no performance, security or UAT checks",
        ]).code,
      ).toBe(0);
      expect(brtops(root, AI, ["run"]).code).toBe(3);
    }
    const before = status(root);
    expect(before.gate.kind).toBe("go-no-go");
    const round1 = before.gate.round as string;
    expect(brtops(root, HUM2, ["signoff", "--reject", "not ready for staging"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    const after = status(root);
    expect(after.gate.kind).toBe("go-no-go");
    expect(after.gate.round).not.toBe(round1);
    expect(after.gate.round).toBe(`5.10#${Number(round1.split("#")[1]) + 1}`);
    expect(JSON.stringify(after.steps.find((x: { step: string }) => x.step === "5.2"))).toContain(HUM2);
    const go = brtops(root, HUM, [
      "approve",
      "--step",
      round1,
      "--waive",
      "no performance or security checks",
      "--json",
    ]);
    expect(go.code).toBe(5);
    expect(go.json.error.code).toBe("E_STEP_MISMATCH");
  });
});
