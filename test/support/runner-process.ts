/** `brtops run` as a real process in its own process group, for tests that crash it mid-step. */
import { spawn } from "node:child_process";
import { AI, CLI } from "./cli.js";

export interface RunnerProcess {
  /** SIGKILLs the runner's process group (git, hooks and steps go with it: a crash) and waits for its exit. */
  kill: () => Promise<void>;
  /** The signal that ended it (null: it exited by itself). */
  exited: Promise<NodeJS.Signals | null>;
  /** Its stdout and stderr so far, for failure messages. */
  output: () => string;
}

/** Starts `brtops run` as the AI LEAD in `root`, with `env` over this process's environment. */
export function startRunner(root: string, env: Record<string, string> = {}): RunnerProcess {
  const child = spawn(process.execPath, [CLI, "run", "--as", AI], {
    cwd: root,
    env: { ...process.env, BRTOPS_ACTOR: "", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on("exit", (_code, sig) => res(sig)));
  const kill = async (): Promise<void> => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* the group is gone already */
    }
    await exited;
  };
  return { kill, exited, output: () => out };
}
