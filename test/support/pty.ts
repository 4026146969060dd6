/**
 * Runs the built CLI under a pseudo-terminal (util-linux `script`), as a person at a terminal
 * would: stdin, stdout and stderr are the pty, so brtops shows colour, the live step tree and its
 * prompts. The test types into it and waits for facts in what it printed — never for time.
 */
import { spawn } from "node:child_process";
import { CLI } from "./cli.js";

export interface PtyRun {
  /** Everything the pty printed so far (stdout and stderr, as the terminal shows them). */
  output(): string;
  /** Types text (a key press: "\r" is Enter). */
  type(text: string): void;
  /** Resolves once `fact` appears in the output after `from` (default: anywhere); rejects if the process ends first. */
  waitFor(fact: string | RegExp, from?: number, timeoutMs?: number): Promise<void>;
  /** The exit code (script -e passes the command's on). */
  exited: Promise<number>;
}

/** A shell word for `script -c`: the arguments are the test's own, quoted whole. */
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The environment of a person's terminal: not CI (CI=false overrides every CI variable ci-info
 * reads), no colour forced or refused unless the test says so, no actor from the caller.
 */
export function terminalEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(FORCE_COLOR|NO_COLOR|GITHUB_ACTIONS|GITHUB_STEP_SUMMARY|GITHUB_OUTPUT)$/.test(k))
      env[k] = v;
  return { ...env, CI: "false", TERM: "xterm-256color", BRTOPS_ACTOR: "", ...extra };
}

/** `brtops ARGS --as AS` in `cwd` under a pty. */
export function brtopsPty(cwd: string, as: string, args: string[], env: Record<string, string> = {}): PtyRun {
  // A terminal of 200 columns: a prompt's line is not wrapped where the test looks for its words.
  const command = `stty cols 200 rows 50; exec ${[process.execPath, CLI, ...args, "--as", as].map(quote).join(" ")}`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd,
    env: terminalEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let ended = false;
  const waiters = new Set<() => void>();
  const onData = (c: Buffer): void => {
    out += c.toString("utf8");
    for (const w of [...waiters]) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number>((res) =>
    child.on("close", (code) => {
      ended = true;
      for (const w of [...waiters]) w();
      res(code ?? -1);
    }),
  );
  return {
    output: () => out,
    type: (text) => void child.stdin.write(text),
    exited,
    waitFor(fact, from = 0, timeoutMs = 150_000) {
      const seen = (): boolean =>
        typeof fact === "string" ? out.indexOf(fact, from) >= 0 : fact.test(out.slice(from));
      return new Promise((res, rej) => {
        // A generous deadline, only so that a fact that never comes fails with what was printed.
        const deadline = setTimeout(() => {
          waiters.delete(check);
          rej(new Error(`${String(fact)} did not appear within ${timeoutMs / 1000} s; the terminal shows:\n${out}`));
        }, timeoutMs);
        const check = (): void => {
          if (seen()) {
            waiters.delete(check);
            clearTimeout(deadline);
            res();
          } else if (ended) {
            waiters.delete(check);
            clearTimeout(deadline);
            rej(new Error(`the process ended before ${String(fact)} appeared; it printed:\n${out}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}
