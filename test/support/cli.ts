/** Runs the built CLI (dist/cli.js, built by `npm test` before vitest) in a project folder. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { generateSampleProject, type SampleOptions } from "../../src/demo/sample-project.js";
import { removeDir } from "./remove-dir.js";

/** BRTOPS_TEST_CLI points the tests at another build (a snapshot of dist/ that a rebuild cannot change mid-run). */
export const CLI = process.env.BRTOPS_TEST_CLI || resolve(__dirname, "../../dist/cli.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

export function brtops(cwd: string, as: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args, "--as", as], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, BRTOPS_ACTOR: "", ...env },
  });
  let json: any = undefined;
  if (args.includes("--json")) {
    try {
      json = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
    } catch {
      json = undefined;
    }
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

/** The same, asynchronously: for many processes at once. */
export function brtopsAsync(
  cwd: string,
  as: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args, "--as", as], {
      cwd,
      env: { ...process.env, BRTOPS_ACTOR: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => res({ code: code ?? -1, stdout, stderr, json: undefined }));
  });
}

/**
 * `brtops` asynchronously (a fake server in this test's process can answer meanwhile), its exit code
 * checked when `code` is given, with the command's output as the failure message.
 */
export async function brtopsChecked(
  cwd: string,
  as: string,
  args: string[],
  env: Record<string, string>,
  code?: number,
): Promise<CliResult> {
  const r = await brtopsAsync(cwd, as, args, env);
  if (code !== undefined) expect(r.code, `brtops ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`).toBe(code);
  return r;
}

/** `status --json` asynchronously: its last line, parsed. */
export async function statusAsync(cwd: string, env: Record<string, string>): Promise<any> {
  const r = await brtopsAsync(cwd, AI, ["status", "--json"], env);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "null");
}

export const HUM = "alice@example.com";
export const HUM2 = "bob@example.com";
export const AI = "agent@example.com";

/** A fresh sample project (git repo with a bare origin, features, config) in a temp dir. */
export function sampleProject(o: SampleOptions = {}): { root: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), "brtops-test-"));
  const root = join(base, "project");
  generateSampleProject(root, o);
  // brtops's background anchor push to the origin may still be running: removed once it is done.
  return { root, cleanup: () => removeDir(base) };
}

export function status(root: string): any {
  return brtops(root, AI, ["status", "--json"]).json;
}

/** The events a release's file-store log holds, in order; a line is one event or the batch one append wrote (an array). */
export function loggedEvents(root: string, release = "1.1.0"): any[] {
  return readFileSync(join(root, ".brtops/releases", release, "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .flatMap((l) => JSON.parse(l));
}

/**
 * The same, read as recovery does: a last line without its newline is a torn append (a writer
 * killed mid-line), not part of the log. For tests that crash the runner.
 */
export function intactEvents(root: string, release = "1.1.0"): any[] {
  const text = readFileSync(join(root, ".brtops/releases", release, "events.jsonl"), "utf8");
  const lines = text.split("\n");
  if (!text.endsWith("\n")) lines.pop();
  return lines.filter((l) => l.trim()).flatMap((l) => JSON.parse(l));
}

/** Whether a gate shows a critical finding (an approval of it then needs a waiver). */
export const hasCritical = (gate: { findings: { severity: string }[] }): boolean =>
  gate.findings.some((f) => f.severity === "critical");

/**
 * Approves the open gate as a HUM LEAD (waiving its critical findings) and runs, gate after gate,
 * until `done(status)` holds (at most 8 rounds; `sel` selects the release, e.g. `["--env", "production"]`).
 * Returns that status and the steps approved on the way. Example:
 * `approveGates(root, (s) => s.state === "certified")` takes a requested release to certification.
 */
export function approveGates(
  root: string,
  done: (status: any) => boolean,
  sel: string[] = [],
): { status: any; approved: string[] } {
  const approved: string[] = [];
  const statusNow = () => brtops(root, AI, ["status", "--json", ...sel]).json;
  for (let round = 0; round < 8; round++) {
    const s = statusNow();
    if (done(s)) return { status: s, approved };
    expect(s.gate, JSON.stringify(s)).not.toBeNull();
    const waive = hasCritical(s.gate) ? ["--waive", "accepted in this test"] : [];
    const a = brtops(root, HUM, ["approve", "--step", s.gate.step, "--note", "ok", ...waive, ...sel]);
    expect(a.code, a.stderr).toBe(0);
    approved.push(s.gate.step);
    brtops(root, AI, ["run", ...sel]);
  }
  const s = statusNow();
  expect(done(s), JSON.stringify(s)).toBe(true);
  return { status: s, approved };
}
