/**
 * The living terminal (issue 14, point 2) under a pseudo-terminal: colour, a live step tree
 * (spinners, elapsed times, a bar over the deployment's steps), each line of a step's command
 * under its step id, commands shown with their values; NO_COLOR, --json and a pipe get no colour.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { AI, CLI, HUM, brtops, sampleProject } from "../support/cli.js";
import { brtopsPty, terminalEnv } from "../support/pty.js";

/** A colour or style (SGR) escape sequence. */
const SGR = /\u001b\[[0-9;]*m/;
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

/** brtops with stdout and stderr piped, in a person's environment (no FORCE_COLOR or NO_COLOR from the caller). */
const pipedBrtops = (cwd: string, as: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args, "--as", as], { cwd, encoding: "utf8", env: terminalEnv(env) });

describe("brtops at a terminal", () => {
  let root: string;
  let cleanup: () => void;

  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
    // To the GO/NO-GO gate (5.10) without a terminal: the GO RELEASE grant approves 2.10 on its own.
    expect(brtops(root, AI, ["RELEASE v1.1.0 to local", "--json"]).code).toBe(3);
    expect(brtops(root, HUM, ["go"]).code).toBe(0);
    expect(brtops(root, AI, ["run", "--json"]).json.step).toBe("5.10");
    expect(brtops(root, HUM, ["approve", "--step", "5.10"]).code).toBe(0);
  });
  afterAll(() => cleanup());

  it("shows the deployment as a live step tree in colour, the command's output under its step id, {version} substituted", async () => {
    const run = brtopsPty(root, AI, ["run"]);
    expect(await run.exited).toBe(3);
    const out = run.output();
    expect(out).toMatch(SGR);
    // A running step: a spinner frame, the step, its elapsed time; then redrawn in place (cursor up).
    expect(out).toMatch(new RegExp(`${SPINNER.source}\\S* \\S*6\\.1\\S* `));
    expect(out).toMatch(/\d+\.\d s/);
    expect(out).toContain("\u001b[1A");
    // A finished step keeps its time: "✔ 6.1 … (0.3 s)".
    expect(out).toMatch(/✔\S* 6\.1 .*\(\d+\.\d s\)/);
    // The bar over the deployment's steps (one step here: ship).
    expect(out).toMatch(/[█░]+ [01]\/1/);
    // The command's output line under its sub-step, and the command as it runs: 1.1.0, not {version}.
    expect(out).toMatch(/6\.1:ship\S* \S*│\S* deployed 1\.1\.0/);
    expect(out).toContain("./scripts/deploy.sh 1.1.0");
    expect(out).not.toContain("{version}");
    // The cursor hidden for the redraws is shown again.
    expect(out.lastIndexOf("\u001b[?25h")).toBeGreaterThan(out.lastIndexOf("\u001b[?25l"));
  }, 180_000);

  it("paints status in colour at a terminal; NO_COLOR, --json and a pipe get no colour", async () => {
    const coloured = brtopsPty(root, AI, ["status"]);
    expect(await coloured.exited).toBe(0);
    expect(coloured.output()).toMatch(SGR);
    expect(coloured.output()).toContain("AWAITING-HUM-LEAD");

    const noColour = brtopsPty(root, AI, ["status"], { NO_COLOR: "1" });
    expect(await noColour.exited).toBe(0);
    expect(noColour.output()).toContain("AWAITING-HUM-LEAD");
    expect(noColour.output()).not.toMatch(SGR);

    const json = brtopsPty(root, HUM, ["status", "--json"]);
    expect(await json.exited).toBe(0);
    expect(json.output()).not.toContain("\u001b");
    expect(JSON.parse(json.output().trim()).state).toBe("awaiting-hum-lead");

    const piped = pipedBrtops(root, HUM, ["status"]);
    expect(piped.status).toBe(0);
    expect(piped.stdout + piped.stderr).not.toContain("\u001b");
    // FORCE_COLOR paints even a pipe; FORCE_COLOR=0 does not.
    expect(pipedBrtops(root, AI, ["status"], { FORCE_COLOR: "1" }).stdout).toMatch(SGR);
    expect(pipedBrtops(root, AI, ["status"], { FORCE_COLOR: "0" }).stdout).not.toContain("\u001b");
  }, 120_000);

  it("piped, a run prints plain progress lines: no spinner, no redraw, no colour", () => {
    const { root: r2, cleanup: c2 } = sampleProject();
    try {
      const run = pipedBrtops(r2, AI, ["RELEASE v1.1.0 to local"]);
      expect(run.status).toBe(3);
      expect(run.stderr).toMatch(/✔ 1\.1 /);
      expect(run.stderr).not.toMatch(SPINNER);
      expect(run.stderr + run.stdout).not.toContain("\u001b");
    } finally {
      c2();
    }
  }, 120_000);
});
