/**
 * Questions at a terminal (issue 14, point 2): a HUM LEAD running `brtops status` or `brtops run`
 * at an open gate is offered approve / reject / feedback / later, and a key press records the
 * decision as `brtops approve` would (checked in the log and `status --json` afterwards); an AI
 * LEAD, --json and CI are never asked; `user add` asks for the password without echoing it.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { verifyUser } from "../../src/server/users.js";
import { AI, CLI, HUM, HUM2, brtops, sampleProject, status } from "../support/cli.js";
import { brtopsPty } from "../support/pty.js";

const PROMPT = "your decision as HUM LEAD";
const DOWN = "\u001b[B";

/** The log's events, each line one event or the array one append wrote. */
function events(root: string, release = "1.1.0"): { type: string; actor: { id: string }; data: any }[] {
  return readFileSync(join(root, `.brtops/releases/${release}/events.jsonl`), "utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => JSON.parse(l));
}

describe("the gate prompt", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  /** A project whose release 1.1.0, requested by the AI LEAD, waits at 2.10. */
  const atGate = (): string => {
    const { root, cleanup } = sampleProject();
    cleanups.push(cleanup);
    expect(brtops(root, AI, ["RELEASE v1.1.0 to local", "--json"]).code).toBe(3);
    expect(status(root).gate.round).toBe("2.10#1");
    return root;
  };

  it("status: Enter on 'approve' records the HUM LEAD's approval of the gate shown", async () => {
    const root = atGate();
    const t = brtopsPty(root, HUM, ["status"]);
    await t.waitFor(PROMPT);
    expect(t.output()).toContain("Gate 2.10#1");
    t.type("\r");
    expect(await t.exited).toBe(0);
    expect(t.output()).toContain("Approval recorded");
    const approved = events(root).filter((e) => e.type === "GateApproved");
    expect(approved).toHaveLength(1);
    expect(approved[0]!.actor.id).toBe(HUM);
    expect(approved[0]!.data.step).toBe("2.10");
    const v = status(root);
    expect(v.decisions.at(-1)).toMatchObject({ type: "approve", by: HUM, step: "2.10" });
    expect(v.gate?.round ?? null).not.toBe("2.10#1");
  }, 180_000);

  it("status: 'reject' asks for the reason and records the rejection as `brtops reject` would", async () => {
    const root = atGate();
    const t = brtopsPty(root, HUM, ["status"]);
    await t.waitFor(PROMPT);
    t.type(`${DOWN}\r`);
    await t.waitFor("Reason for the rejection");
    t.type("the changelog misses the search feature\r");
    expect(await t.exited).toBe(0);
    const rejected = events(root).filter((e) => e.type === "GateRejected");
    expect(rejected.map((e) => [e.actor.id, e.data.step, e.data.reason])).toEqual([
      [HUM, "2.10", "the changelog misses the search feature"],
    ]);
  }, 180_000);

  it("run: feedback is recorded and the prompt comes back; 'later' leaves the gate open (exit 3)", async () => {
    const root = atGate();
    const t = brtopsPty(root, HUM, ["run"]);
    await t.waitFor(PROMPT);
    t.type(`${DOWN}${DOWN}\r`);
    await t.waitFor("Your feedback");
    t.type("Please mention the login codes\r");
    const after = t.output().length;
    await t.waitFor("Feedback F1 recorded", after);
    await t.waitFor(PROMPT, t.output().indexOf("Feedback F1 recorded"));
    t.type(`${DOWN}${DOWN}${DOWN}\r`);
    expect(await t.exited).toBe(3);
    const fb = events(root).filter((e) => e.type === "FeedbackGiven");
    expect(fb.map((e) => [e.actor.id, e.data.text])).toEqual([[HUM, "Please mention the login codes"]]);
    expect(events(root).some((e) => e.type === "GateApproved")).toBe(false);
    expect(status(root).gate.step).toBe("2.10");
  }, 180_000);

  it("run: an approval goes on running the release to its next gate", async () => {
    const root = atGate();
    const t = brtopsPty(root, HUM2, ["run"]);
    await t.waitFor(PROMPT);
    t.type("\r");
    // Approved, run on (2.11 writes the documents), and asked again at the GO/NO-GO gate.
    await t.waitFor(/Gate 5\.10#1/);
    t.type(`${DOWN}${DOWN}${DOWN}\r`);
    expect(await t.exited).toBe(3);
    expect(t.output()).toMatch(/2\.11 .*changelog\.md/);
    expect(status(root).gate.step).toBe("5.10");
  }, 180_000);

  it("never asks an AI LEAD, with --json, or in CI", async () => {
    const root = atGate();
    const ai = brtopsPty(root, AI, ["status"]);
    expect(await ai.exited).toBe(0);
    const json = brtopsPty(root, HUM, ["status", "--json"]);
    expect(await json.exited).toBe(0);
    const ci = brtopsPty(root, HUM, ["run"], { CI: "true" });
    expect(await ci.exited).toBe(3);
    for (const t of [ai, json, ci]) expect(t.output()).not.toContain(PROMPT);
    expect(events(root).some((e) => e.type === "GateApproved")).toBe(false);
  }, 180_000);
});

describe("user add", () => {
  it("asks for the password at a terminal without echoing it; piped stdin still works", async () => {
    const { root, cleanup } = sampleProject();
    try {
      const secret = "Tr0ub4dor-and-3";
      const t = brtopsPty(root, HUM, ["user", "add", "carol@example.com"]);
      await t.waitFor("Password for carol@example.com");
      t.type(`${secret}\r`);
      await t.waitFor("The same again");
      t.type(`${secret}\r`);
      expect(await t.exited).toBe(0);
      expect(t.output()).toContain("User carol@example.com added.");
      expect(t.output()).not.toContain(secret);
      expect(await verifyUser(root, "carol@example.com", secret)).toBe(true);

      // Two different entries change nothing.
      const typo = brtopsPty(root, HUM, ["user", "add", "carol@example.com"]);
      await typo.waitFor("Password for");
      typo.type("another-pass\r");
      await typo.waitFor("The same again");
      typo.type("another-pas\r");
      expect(await typo.exited).toBe(2);
      expect(typo.output()).toContain("The two passwords differ");
      expect(await verifyUser(root, "carol@example.com", secret)).toBe(true);

      const piped = spawnSync(process.execPath, [CLI, "user", "add", "dave@example.com"], {
        cwd: root,
        input: "piped-pass\n",
        encoding: "utf8",
      });
      expect(piped.status).toBe(0);
      expect(await verifyUser(root, "dave@example.com", "piped-pass")).toBe(true);
    } finally {
      cleanup();
    }
  }, 180_000);
});
