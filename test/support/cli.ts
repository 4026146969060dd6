/** Runs the built CLI (dist/cli.js, built by `npm test` before vitest) in a project folder. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateSampleProject, type SampleOptions } from "../../src/demo/sample-project.js";

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

export const HUM = "alice@example.com";
export const HUM2 = "bob@example.com";
export const AI = "agent@example.com";

/** A fresh sample project (git repo with a bare origin, features, config) in a temp dir. */
export function sampleProject(o: SampleOptions = {}): { root: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), "brtops-test-"));
  const root = join(base, "project");
  generateSampleProject(root, o);
  return { root, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export function status(root: string): any {
  return brtops(root, AI, ["status", "--json"]).json;
}
