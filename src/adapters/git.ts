/** The git CLI, run with argument arrays. Failures carry command, exit code and stderr (redacted). */
import { execFile } from "node:child_process";
import { BrtopsError } from "../core/errors.js";

export interface Git {
  cwd: string;
  run(
    args: readonly string[],
    opts?: { allowFail?: boolean; maxBuffer?: number },
  ): Promise<{ stdout: string; stderr: string; code: number }>;
  head(): Promise<string | null>;
  tags(): Promise<string[]>;
  isRepo(): Promise<boolean>;
}

export function createGit(cwd: string, redact: (s: string) => string = (s) => s): Git {
  const run: Git["run"] = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      execFile(
        "git",
        [...args],
        {
          cwd,
          maxBuffer: opts.maxBuffer ?? 512 * 1024 * 1024,
          env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
        },
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as { code?: unknown }).code === "number"
              ? (err as { code: number }).code
              : 1
            : 0;
          if (err && !opts.allowFail) {
            reject(
              new BrtopsError(
                "E_GIT",
                `git ${redact(args.join(" "))} failed (exit ${code}): ${redact(String(stderr).trim() || err.message)}`,
                {
                  hint: "Check that the folder is a git repository and the remote is reachable.",
                  details: { command: ["git", ...args].map(redact), exitCode: code },
                },
              ),
            );
            return;
          }
          resolve({ stdout: String(stdout), stderr: String(stderr), code });
        },
      );
    });
  return {
    cwd,
    run,
    async head() {
      const r = await run(["rev-parse", "--verify", "-q", "HEAD"], { allowFail: true });
      return r.code === 0 ? r.stdout.trim() : null;
    },
    async tags() {
      const r = await run(["tag", "--list"], { allowFail: true });
      return r.code === 0
        ? r.stdout
            .split("\n")
            .map((t) => t.trim())
            .filter(Boolean)
        : [];
    },
    async isRepo() {
      const r = await run(["rev-parse", "--git-dir"], { allowFail: true });
      return r.code === 0;
    },
  };
}
