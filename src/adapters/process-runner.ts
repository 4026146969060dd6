/**
 * Runs a program from an argument array (never a shell), with a time limit, capturing output
 * (bounded) and redacting secrets from it.
 */
import { spawn } from "node:child_process";
import type { Redactor } from "../core/redact.js";
import { processIdentity, type ProcessIdentity } from "./process-identity.js";

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Milliseconds before the process group is killed. */
  timeoutMs?: number;
  /** Bytes of stdout/stderr kept (the end is kept: that is where errors are). */
  maxOutput?: number;
  input?: string;
  signal?: AbortSignal;
  onOutput?: (chunk: string) => void;
  /** Told who the child is as soon as it runs (its own process group), so a crash can find it again. */
  onSpawn?: (child: ProcessIdentity & { argv0: string; deadline?: string }) => void;
}

export interface RunResult {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the program could not be started (ENOENT, EACCES). */
  spawnError?: string;
}

export type ProcessRunner = (argv: readonly string[], options: RunOptions) => Promise<RunResult>;

export function createProcessRunner(redact: Redactor): ProcessRunner {
  return (argv, options) => runProcess(argv, options, redact);
}

export function runProcess(
  argv: readonly string[],
  options: RunOptions,
  redact: (s: string) => string = (s) => s,
): Promise<RunResult> {
  const [cmd, ...args] = argv;
  const max = options.maxOutput ?? 256 * 1024;
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const keep = (acc: string, chunk: string): string => {
      const next = acc + chunk;
      return next.length > max ? next.slice(next.length - max) : next;
    };
    const child = spawn(cmd!, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true, // own process group, so a timeout kills the children too
    });
    if (child.pid && options.onSpawn) {
      const id = processIdentity(child.pid);
      if (id)
        options.onSpawn({
          ...id,
          pgid: child.pid,
          argv0: String(cmd),
          ...(options.timeoutMs ? { deadline: new Date(started + options.timeoutMs).toISOString() } : {}),
        });
    }
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup("SIGTERM");
          setTimeout(() => killGroup("SIGKILL"), 2000).unref();
        }, options.timeoutMs)
      : undefined;
    const onAbort = (): void => killGroup("SIGTERM");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const outLines = options.onOutput ? wholeLines(options.onOutput, redact) : null;
    const errLines = options.onOutput ? wholeLines(options.onOutput, redact) : null;
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout = keep(stdout, c);
      outLines?.push(c);
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr = keep(stderr, c);
      errLines?.push(c);
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
    const finish = (exitCode: number | null, signal: string | null, spawnError?: string): void => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      outLines?.end();
      errLines?.end();
      resolve({
        argv: argv.map(redact),
        exitCode,
        signal,
        timedOut,
        stdout: redact(stdout),
        stderr: redact(stderr),
        durationMs: Date.now() - started,
        ...(spawnError ? { spawnError: redact(spawnError) } : {}),
      });
    };
    child.on("error", (err) =>
      finish(null, null, `${(err as NodeJS.ErrnoException).code ?? ""} ${err.message}`.trim()),
    );
    child.on("close", (code, sig) => finish(code, sig));
  });
}

/** A line longer than this is let out in pieces, all but its last HOLD characters. */
const LINE_MAX = 16 * 1024;
const HOLD = 1024;

/**
 * Live output is redacted line by line, never chunk by chunk: a secret that a program writes in two
 * pieces (two writes, or a pipe boundary) is whole when the redactor sees it. A line without end
 * (a progress bar) is let out once it is long, keeping back a tail longer than any secret.
 */
export function wholeLines(
  emit: (text: string) => void,
  redact: (s: string) => string,
): { push(chunk: string): void; end(): void } {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk;
      const cut = Math.max(pending.lastIndexOf("\n"), pending.lastIndexOf("\r"));
      if (cut >= 0) {
        emit(redact(pending.slice(0, cut + 1)));
        pending = pending.slice(cut + 1);
      }
      if (pending.length > LINE_MAX) {
        // Redacted whole first (a secret across the cut is complete by then), then cut.
        const red = redact(pending);
        emit(red.slice(0, red.length - HOLD));
        pending = red.slice(-HOLD);
      }
    },
    end() {
      if (pending) emit(redact(pending));
      pending = "";
    },
  };
}

/** A one-line description of how a run ended, for reports. */
export function describeRun(r: RunResult): string {
  if (r.spawnError) return `could not start ${r.argv[0]}: ${r.spawnError}`;
  if (r.timedOut) return `timed out after ${r.durationMs} ms`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit ${r.exitCode} in ${r.durationMs} ms`;
}
