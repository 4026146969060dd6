/**
 * The spec's Authority Matrix through the CLI, end to end: SEV-0's two-person and requester rules,
 * Emergency Authority (an emergency contact rolls back a failing deployment, is refused at a gate,
 * the HUM LEADs hear of it; an incident nobody decides is escalated to the emergency contacts),
 * COLLAB decisions (an AI LEAD's proposal accepted by a HUM LEAD, both named) and self-approval.
 */
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  AI,
  CLI,
  HUM,
  HUM2,
  brtops,
  brtopsAsync,
  sampleProject,
  loggedEvents,
  approveGates,
  hasCritical,
} from "../support/cli.js";
import { startReceiver, type Receiver, type Received } from "../notify/http-receiver.js";

const CAROL = "carol@example.com";
const ONCALL = "oncall@example.com";
const git = (root: string, ...args: string[]): string =>
  execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function project(o: Parameters<typeof sampleProject>[0] = {}) {
  const p = sampleProject(o);
  cleanups.push(p.cleanup);
  return p.root;
}

const statusOf = (root: string) => brtops(root, AI, ["status", "--json"]).json;

/** 1.1.0 deploys but is never healthy: the deployment fails after it deployed (one failed probe decides). */
function failingHealth(root: string): void {
  writeFileSync(join(root, "scripts/health.sh"), '#!/bin/sh\ntest "$(cat service/version)" != "1.1.0"\n');
  const config = join(root, "brtops.config.yaml");
  const fast = readFileSync(config, "utf8").replace(
    "- {name: up, run: [./scripts/health.sh]}",
    "- {name: up, run: [./scripts/health.sh], interval: 0.1, failuresBeforeUnhealthy: 1}",
  );
  expect(fast).toContain("failuresBeforeUnhealthy: 1");
  writeFileSync(config, fast);
  git(root, "commit", "-qam", "test: 1.1.0 is never healthy");
}

/**
 * The CLI asynchronously, its --json parsed: a webhook receiver in this process must keep
 * answering while the CLI notifies it (spawnSync would block it until the delivery times out).
 */
async function cli(
  root: string,
  as: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  const r = await brtopsAsync(root, as, args);
  let json: any;
  try {
    json = args.includes("--json") ? JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "") : undefined;
  } catch {
    json = undefined;
  }
  return { ...r, json };
}
const statusAsync = async (root: string) => (await cli(root, AI, ["status", "--json"])).json;

/** Approves every gate (as a HUM LEAD) until the deployment's incident opens: one status per round. */
async function toIncident(root: string): Promise<any> {
  let s = await statusAsync(root);
  for (let i = 0; i < 8 && !s.incident; i++) {
    const g = s.gate;
    expect(g, JSON.stringify(s)).not.toBeNull();
    const a = await cli(root, HUM, [
      "approve",
      "--step",
      g.step,
      "--note",
      "ok",
      ...(hasCritical(g) ? ["--waive", "accepted in this test"] : []),
    ]);
    expect(a.code, a.stderr).toBe(0);
    await cli(root, AI, ["run"]);
    s = await statusAsync(root);
  }
  expect(s.incident, JSON.stringify(s)).not.toBeNull();
  expect(s.phase).toBeGreaterThanOrEqual(6);
  return s;
}

/**
 * A webhook receiver answering 204 whose deliveries can be awaited by kind: the promise settles
 * when the delivery arrives (or at once if it already did), however long a loaded machine takes.
 */
async function webhook(): Promise<Receiver & { delivered: (kind: string) => Promise<{ kind: string; body: any }> }> {
  const waiting: { kind: string; resolve: (k: { kind: string; body: any }) => void }[] = [];
  const r = await startReceiver((_n, req) => {
    const k = kindOf(req);
    for (const w of waiting.filter((x) => x.kind === k.kind)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(k);
    }
    return { status: 204 };
  });
  cleanups.push(() => r.close());
  return Object.assign(r, {
    delivered: (kind: string) =>
      new Promise<{ kind: string; body: any }>((resolve) => {
        const had = kinds(r).find((k) => k.kind === kind);
        if (had) resolve(had);
        else waiting.push({ kind, resolve });
      }),
  });
}

const hook = (r: Receiver, extra = "") =>
  `notifications:\n  channels:\n    - {type: webhook, name: ops, url: "${r.url}"}\n  retry: {attempts: 2, baseMs: 10, maxMs: 20}\n${extra}`;
const kindOf = (q: Received) => ({
  kind: String(q.headers["x-brtops-event"] ?? JSON.parse(q.body).kind),
  body: JSON.parse(q.body),
});
const kinds = (r: Receiver) => r.requests.map(kindOf);

/** Each CLI call is a process (about 20 in each test): on a loaded machine they take many times longer; every wait is on a fact. */
const LOADED = 360_000;

describe("SEV-0: two different HUM LEADs, neither the requester", () => {
  it("after a HUM LEAD's SEV-0 override one approval is not enough, the same person twice and the requester are refused, two others pass", () => {
    const root = project({ hum: [HUM, HUM2, CAROL] });
    // carol, a HUM LEAD, requests the release; alice raises it to SEV-0 at the open gate.
    expect(brtops(root, CAROL, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(brtops(root, HUM, ["sev", "SEV-0", "--reason", "payments path changed"]).code).toBe(0);
    let s = statusOf(root);
    expect(s.sev).toBe("SEV-0");
    const step = s.gate.step;
    expect(s.gate.requiredApprovals).toBe(2);
    const waive = hasCritical(s.gate) ? ["--waive", "accepted in this test"] : [];

    const first = brtops(root, HUM, ["approve", "--step", step, ...waive]);
    expect(first.code, first.stderr).toBe(0);
    s = statusOf(root);
    expect(s.gate?.step).toBe(step); // one approval is not enough
    expect(s.gate.approvals.map((a: any) => a.by)).toEqual([HUM]);

    const twice = brtops(root, HUM, ["approve", "--step", step, ...waive, "--json"]);
    expect(twice.code).toBe(2);
    expect(twice.json.error.message).toContain("already approved");

    const requester = brtops(root, CAROL, ["approve", "--step", step, ...waive, "--json"]);
    expect(requester.code).toBe(4);
    expect(requester.json.error.details.rule).toBe("requester");
    expect(statusOf(root).gate.approvals).toHaveLength(1);

    const second = brtops(root, HUM2, ["approve", "--step", step, ...waive]);
    expect(second.code, second.stderr).toBe(0);
    s = statusOf(root);
    expect(s.gate?.step ?? null).not.toBe(step);
    const approvals = loggedEvents(root).filter((e) => e.type === "GateApproved" && e.data.step === step);
    expect(approvals.map((e) => [e.actor.id, e.data.final])).toEqual([
      [HUM, false],
      [HUM2, true],
    ]);
  });
});

describe("Emergency Authority", () => {
  it(
    "an emergency contact is refused at a gate and before any failure, rolls back a failing deployment, and every HUM LEAD is told at once",
    async () => {
      const r = await webhook();
      const root = project({ emergency: [ONCALL], extra: hook(r) });
      failingHealth(root);
      expect((await cli(root, AI, ["release", "1.1.0", "--to", "staging"])).code).toBe(3);
      const g = (await statusAsync(root)).gate;
      // Never approve, decide GO/NO-GO or certify; no rollback or abort while nothing is failing.
      const atGate = await cli(root, ONCALL, ["approve", "--step", g.step, "--waive", "x", "--json"]);
      expect(atGate.code).toBe(4);
      expect(atGate.json.error.code).toBe("E_NOT_AUTHORIZED");
      expect((await cli(root, ONCALL, ["reject", "--step", g.step, "--reason", "x"])).code).toBe(4);
      expect((await cli(root, ONCALL, ["abort"])).code).toBe(4);

      const s = await toIncident(root);
      // At the incident: only rollback is theirs to choose.
      expect((await cli(root, ONCALL, ["guide", "continue", "--step", s.incident.step])).code).toBe(4);
      expect((await cli(root, ONCALL, ["approve"])).code).not.toBe(0);
      const back = await cli(root, ONCALL, ["rollback", "--note", "customers see errors"]);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stderr).toContain("Emergency Authority");

      const after = (await cli(root, AI, ["status", "--json"])).json;
      expect(after.state).toBe("rolled-back");
      expect(readFileSync(join(root, "service/version"), "utf8").trim()).toBe("1.0.0");
      expect(after.decisions.find((d: any) => d.type === "rollback")).toMatchObject({
        by: ONCALL,
        authority: "emergency",
      });
      const ordered = loggedEvents(root).find((e) => e.type === "RollbackRequested");
      expect(ordered.actor).toEqual({ id: ONCALL, role: "emergency" });
      expect(ordered.data.authority).toBe("emergency");

      const page = await r.delivered("emergency");
      expect(page.body.to).toEqual([HUM, HUM2]);
      expect(page.body.title).toContain(ONCALL);
      const docs = readdirSync(join(root, "docs/01_application/6-releases/v1.1.0"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => readFileSync(join(root, "docs/01_application/6-releases/v1.1.0", f), "utf8"))
        .join("\n");
      expect(docs).toContain(`${ONCALL} (EMERGENCY AUTHORITY)`);
    },
    LOADED,
  );

  it(
    "an incident nobody decides within escalateAfter pages the emergency contacts through the webhook, once (brtops serve's timer)",
    async () => {
      const r = await webhook();
      const root = project({ emergency: [ONCALL], extra: hook(r, "emergency:\n  escalateAfter: 1s\n") });
      failingHealth(root);
      expect((await cli(root, AI, ["release", "1.1.0", "--to", "staging"])).code).toBe(3);
      await toIncident(root);
      expect(kinds(r).some((k) => k.kind === "escalation")).toBe(false);

      const serve = spawn(process.execPath, [CLI, "serve", "--port", "0"], {
        cwd: root,
        env: { ...process.env, BRTOPS_ACTOR: "" },
        stdio: "ignore",
      });
      cleanups.push(
        () =>
          new Promise<void>((res) =>
            serve.exitCode !== null ? res() : (serve.once("exit", () => res()), serve.kill("SIGTERM")),
          ),
      );
      const page = await r.delivered("escalation");
      expect(page.body.to).toEqual([ONCALL]);
      expect(page.body.data.after).toBe("1s");

      // Once per incident: the log has one Escalated, and asking again escalates nothing.
      const again = (await brtopsAsync(root, AI, ["escalate", "--json"])).stdout;
      expect(JSON.parse(again.trim().split("\n").at(-1)!).escalated).toEqual([]);
      expect(loggedEvents(root).filter((e) => e.type === "Escalated")).toHaveLength(1);
      expect((await statusAsync(root)).escalated.to).toEqual([ONCALL]);
      expect(kinds(r).filter((k) => k.kind === "escalation")).toHaveLength(1);
    },
    LOADED,
  );
});

describe("COLLAB decisions", () => {
  it("a risk acceptance at 5.3 is the AI LEAD's proposal accepted by a HUM LEAD: the decision and the documents name both", () => {
    const root = project();
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    approveGates(root, (s) => s.gate?.kind === "go-no-go");
    const gate = statusOf(root).gate;
    expect(gate.step).toBe("5.10");
    // Only an AI LEAD proposes, only a HUM LEAD accepts.
    expect(brtops(root, HUM, ["propose", "accept-risk", "mine"]).code).toBe(4);
    const p = brtops(root, AI, [
      "propose",
      "accept-risk",
      "the login code expiry is a known, documented limitation",
      "--json",
    ]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.json.proposals).toEqual([expect.objectContaining({ id: "P1", kind: "accept-risk", step: "5.3", by: AI })]);
    expect(brtops(root, AI, ["accept", "P1"]).code).toBe(4);

    const a = brtops(root, HUM, ["accept", "P1", "--json"]);
    expect(a.code, a.stderr).toBe(0);
    const decision = a.json.decisions.at(-1);
    expect(decision).toMatchObject({ type: "accept-risk", by: HUM, step: "5.3", proposal: "P1", proposedBy: AI });
    expect(brtops(root, HUM, ["accept", "P1"]).code).toBe(2); // accepted once

    expect(
      brtops(root, HUM, [
        "approve",
        "--step",
        "5.10",
        ...(hasCritical(gate) ? ["--waive", "accepted in this test"] : []),
      ]).code,
    ).toBe(0);
    brtops(root, AI, ["run"]);
    const checklist = readFileSync(
      join(root, "docs/01_application/6-releases/v1.1.0/release-readiness-checklist.md"),
      "utf8",
    );
    expect(checklist).toContain(`COLLAB: ${HUM} (HUM LEAD) accepting P1 proposed by ${AI} (AI LEAD)`);
    expect(checklist).toContain("RISK ACCEPTED");
  });
});

describe("separation of duties: self-approval", () => {
  it("a sole HUM LEAD approves their own request, recorded as a self-approval", () => {
    const root = project({ hum: [HUM] });
    expect(brtops(root, HUM, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    const g = statusOf(root).gate;
    const a = brtops(root, HUM, [
      "approve",
      "--step",
      g.step,
      ...(hasCritical(g) ? ["--waive", "accepted in this test"] : []),
      "--json",
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.json.said).toContain("self-approval");
    expect(a.json.gate?.step ?? null).not.toBe(g.step);
    expect(a.json.decisions.at(-1)).toMatchObject({ by: HUM, type: "approve", selfApproval: true });
    expect(loggedEvents(root).find((e) => e.type === "GateApproved").data).toMatchObject({
      final: true,
      selfApproval: true,
    });
  });

  it("with authority.selfApproval: never the sole HUM LEAD's own request is refused", () => {
    const root = project({ hum: [HUM], extra: "authority:\n  selfApproval: never\n" });
    expect(brtops(root, HUM, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    const g = statusOf(root).gate;
    const a = brtops(root, HUM, [
      "approve",
      "--step",
      g.step,
      ...(hasCritical(g) ? ["--waive", "accepted in this test"] : []),
      "--json",
    ]);
    expect(a.code).toBe(4);
    expect(a.json.error.details.rule).toBe("self-approval");
    expect(loggedEvents(root).some((e) => e.type === "GateApproved")).toBe(false);
  });
});
