/**
 * Runs one configured command step (build or test) through the process runner: placeholders
 * substituted, working folder kept inside the project, a time limit, output captured (the runner
 * redacts it) and cut to its tail for the record. I/O.
 */
import { resolve, sep } from "node:path";
import type { ProcessRunner, RunResult } from "../adapters/process-runner.js";
import type { CommandStep } from "../config/schema.js";
import { BrtopsError } from "../core/errors.js";
import { substitute, substituteDeep, type SubstitutionVars } from "../deploy/substitute.js";

/** Seconds a command may run when its step names no timeout. */
export const DEFAULT_COMMAND_TIMEOUT_S = 30 * 60;

/** Characters of output kept in a step's recorded result. */
export const OUTPUT_TAIL_CHARS = 4000;

export interface CommandRun extends RunResult {
  name: string;
  cwd: string;
}

/** Runs the step's argv in root (or root/step.cwd). Example: `await runCommandStep(root, step, run, vars)`. */
export async function runCommandStep(
  root: string,
  step: CommandStep,
  run: ProcessRunner,
  vars: SubstitutionVars,
  options: { signal?: AbortSignal; defaultTimeoutS?: number } = {},
): Promise<CommandRun> {
  const where = `command "${step.name}"`;
  const argv = step.run.map((a) => substitute(a, vars, where));
  const cwd = resolve(root, step.cwd ? substitute(step.cwd, vars, where) : ".");
  if (cwd !== resolve(root) && !cwd.startsWith(resolve(root) + sep)) {
    throw new BrtopsError("E_CONFIG_INVALID", `${where} runs in ${step.cwd}, outside the project.`, {
      hint: "Give cwd relative to the project root, inside it.",
    });
  }
  const env = step.env ? substituteDeep(step.env, vars, where) : undefined;
  const r = await run(argv, {
    cwd,
    timeoutMs: (step.timeout ?? options.defaultTimeoutS ?? DEFAULT_COMMAND_TIMEOUT_S) * 1000,
    maxOutput: 1024 * 1024,
    ...(env ? { env } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { ...r, name: step.name, cwd };
}

/** The end of a text, where errors are. */
export function tail(text: string, max = OUTPUT_TAIL_CHARS): string {
  return text.length > max ? `…${text.slice(text.length - max)}` : text;
}
