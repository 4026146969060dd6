/**
 * Effects that outlive their runner. A deploy script runs in its own process group, so SIGKILLing
 * `brtops run` leaves it running. The rerun must find it (recorded pid and start time), wait for it
 * and only then consult `check`: the deploy runs once in total. And `guide retry` after a failed
 * deploy whose effect is in place adopts it through `check` instead of running the script again.
 * Every wait is for a fact (a file, a line of output, an event, a process exit), never for time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, CLI, HUM, brtops, sampleProject, status, intactEvents } from "../support/cli.js";
import { alive, deployRuns, deployedPid, certify, toGoApproved } from "../support/slow-deploy.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, fact: () => boolean, limitMs = 120_000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < limitMs; await sleep(50)) if (fact()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** The sample project with a ship step `script` (counts its runs in deploy-count), committed and pushed. */
function projectWithShip(script: string): { root: string; cleanup: () => void } {
  const p = sampleProject();
  const root = p.root;
  writeFileSync(join(root, "scripts/ship.sh"), script);
  chmodSync(join(root, "scripts/ship.sh"), 0o755);
  const cfgPath = join(root, "brtops.config.yaml");
  const cfg = readFileSync(cfgPath, "utf8");
  const next = cfg.replace(
    '{name: ship, run: [./scripts/deploy.sh, "{version}"]',
    '{name: ship, run: [./scripts/ship.sh, "{version}"]',
  );
  if (next === cfg) throw new Error("the sample config no longer has the ship step this test rewrites");
  writeFileSync(cfgPath, next);
  writeFileSync(join(root, ".gitignore"), ".brtops/\nservice/\ndeploy-count\ndeploy.pid\ndeploy.pid.tmp\ngo\n");
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["commit", "-q", "-m", "chore: ship script"], { cwd: root });
  execFileSync("git", ["push", "-q", "origin", "main"], { cwd: root });
  return p;
}

/** A runner in its own process group, with its output collected. */
function runner(root: string): {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, [CLI, "run", "--as", AI], {
    cwd: root,
    env: { ...process.env, BRTOPS_ACTOR: "" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on("close", (code, signal) => res({ code, signal })),
  );
  return { child, out: () => out, exited };
}

function killGroup(pid: number | undefined): void {
  if (!pid || pid <= 0) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}

/** Counts its run, publishes its pid, and deploys only once the test says so (the file `go`). */
const WAITS_FOR_GO = `#!/bin/sh\nset -e\necho run >> deploy-count\necho $$ > deploy.pid.tmp\nmv deploy.pid.tmp deploy.pid\nwhile [ ! -f go ]; do sleep 0.05; done\nmkdir -p service\necho "$1" > service/version\necho "deployed $1" || true\n`;

describe("effects that outlive their runner", () => {
  let cleanup: (() => void) | undefined;
  const groups: number[] = [];
  afterEach(() => {
    // Runners and scripts a failed test left behind (each in its own process group).
    for (const g of groups.splice(0)) if (alive(g)) killGroup(g);
    cleanup?.();
    cleanup = undefined;
  });

  it("a deploy script outliving a SIGKILLed runner is awaited by the rerun, then adopted via check: it runs once", async () => {
    // Deploys only once the test says so (the file `go`): long after its runner was killed.
    const p = projectWithShip(WAITS_FOR_GO);
    cleanup = p.cleanup;
    const root = p.root;
    toGoApproved(root);

    const first = runner(root);
    groups.push(first.child.pid!);
    const scriptPid = await deployedPid(root);
    groups.push(scriptPid);
    // The runner has recorded its child (pid, start time, group) before it is killed.
    await until("the recorded deploy process", () =>
      intactEvents(root).some(
        (e) => e.type === "Note" && e.data?.kind === "effect-process" && e.data?.data?.pid === scriptPid,
      ),
    );
    killGroup(first.child.pid);
    expect((await first.exited).signal).toBe("SIGKILL");
    expect(alive(scriptPid)).toBe(true);
    const deployed = () =>
      existsSync(join(root, "service/version")) &&
      readFileSync(join(root, "service/version"), "utf8").trim() === "1.1.0";
    expect(deployed()).toBe(false);

    const second = runner(root);
    groups.push(second.child.pid!);
    let secondDone = false;
    void second.exited.then(() => (secondDone = true));
    // The rerun says it waits for the script (or, without the fix, ends without waiting).
    await until(
      "the rerun to wait for the script",
      () => second.out().includes(`waiting for process ${scriptPid}`) || secondDone,
    );
    expect(second.out(), second.out()).toContain(`waiting for process ${scriptPid}`);
    expect(secondDone).toBe(false);
    writeFileSync(join(root, "go"), "");
    const end = await second.exited;
    expect(end.code, second.out()).toBe(3);
    expect(alive(scriptPid)).toBe(false);
    expect(readFileSync(join(root, "service/version"), "utf8").trim()).toBe("1.1.0");
    expect(deployRuns(root)).toBe(1);
    const adopted = intactEvents(root).filter(
      (e) => e.type === "StepSucceeded" && e.data?.step === "6.1:ship" && e.data?.adopted === true,
    );
    expect(adopted).toHaveLength(1);
    expect(intactEvents(root).some((e) => e.type === "IncidentOpened")).toBe(false);
    certify(root);
    expect(deployRuns(root)).toBe(1);
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
  }, 300_000);

  it("guide retry adopts an effect already in place via check instead of running it again", () => {
    // Deploys, then fails (say, a slow health endpoint): the effect is in place, the step failed.
    const p = projectWithShip(
      `#!/bin/sh\necho run >> deploy-count\nmkdir -p service\necho "$1" > service/version\necho "deployed, but the service did not answer in time" >&2\nexit 1\n`,
    );
    cleanup = p.cleanup;
    const root = p.root;
    toGoApproved(root);
    const failed = brtops(root, AI, ["run", "--json"]);
    expect(failed.code, failed.stdout + failed.stderr).not.toBe(0);
    expect(status(root).incident?.step ?? status(root).incident).toBeTruthy();
    expect(deployRuns(root)).toBe(1);
    expect(brtops(root, HUM, ["guide", "retry", "--step", "6.1"]).code).toBe(0);
    const again = brtops(root, AI, ["run", "--json"]);
    expect(again.code, again.stdout + again.stderr).toBe(3);
    expect(deployRuns(root)).toBe(1);
    expect(
      intactEvents(root).some(
        (e) => e.type === "StepSucceeded" && e.data?.step === "6.1:ship" && e.data?.adopted === true,
      ),
    ).toBe(true);
    certify(root);
    expect(deployRuns(root)).toBe(1);
  }, 300_000);

  it("an abort while the rerun waits for the script stops the script instead of waiting for it", async () => {
    const p = projectWithShip(WAITS_FOR_GO);
    cleanup = p.cleanup;
    const root = p.root;
    toGoApproved(root);
    const first = runner(root);
    groups.push(first.child.pid!);
    const scriptPid = await deployedPid(root);
    groups.push(scriptPid);
    await until("the recorded deploy process", () =>
      intactEvents(root).some(
        (e) => e.type === "Note" && e.data?.kind === "effect-process" && e.data?.data?.pid === scriptPid,
      ),
    );
    killGroup(first.child.pid);
    await first.exited;
    const second = runner(root);
    groups.push(second.child.pid!);
    let secondDone = false;
    void second.exited.then(() => (secondDone = true));
    await until(
      "the rerun to wait for the script",
      () => second.out().includes(`waiting for process ${scriptPid}`) || secondDone,
    );
    expect(second.out(), second.out()).toContain(`waiting for process ${scriptPid}`);
    // The HUM LEAD does not want to wait: the abort reaches the waiting runner, which stops the script.
    expect(brtops(root, HUM, ["abort", "--note", "stop the stuck deploy"]).code).toBe(0);
    await until("the script to be stopped", () => !alive(scriptPid));
    await second.exited;
    expect(existsSync(join(root, "go"))).toBe(false);
    expect(
      existsSync(join(root, "service/version")) &&
        readFileSync(join(root, "service/version"), "utf8").trim() === "1.1.0",
    ).toBe(false);
    expect(deployRuns(root)).toBe(1);
  }, 300_000);
});
