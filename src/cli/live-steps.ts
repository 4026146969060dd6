/**
 * What a person sees while `brtops run` advances a release, from the engine's progress events:
 * on a terminal a live step tree (a spinner and the elapsed time beside each running step and
 * sub-step, a bar over the deployment's steps) redrawn in place on stderr; piped, in CI or with
 * --json plain lines, one per event, as before. Each output line of a step's command is shown
 * under its step id in both.
 */
import type { ProgressEvent } from "../engine/step-types.js";
import { VERDICT_MARKS } from "../core/verdict.js";
import type { Out } from "./output.js";
import { paintVerdict } from "./render-status.js";
import { plain, styled, type Style, type Styled } from "./style.js";
import { annotateProgress } from "./ci-github.js";

export interface StepDisplay {
  progress(e: ProgressEvent): void;
  /** Clears the live region (the lines already printed stay); call before printing the result. */
  stop(): void;
}

/** The mark of an event: a finished step's verdict, else its status. */
function markOf(e: ProgressEvent, st: Style): Styled {
  if (e.verdict) return paintVerdict(st, e.verdict, VERDICT_MARKS[e.verdict]);
  switch (e.status) {
    case "ok":
      return paintVerdict(st, "ok", "✔");
    case "fail":
      return paintVerdict(st, "fail", "✘");
    case "skip":
      return paintVerdict(st, "skip", "–");
    case "start":
    case undefined:
      return paintVerdict(st, "start", "▸");
  }
}

const word = (e: ProgressEvent): string => (e.verdict && e.verdict !== "pass" ? ` [${e.verdict}]` : "");
const isWaiting = (e: ProgressEvent): boolean => e.status === "start" && e.message.startsWith("waiting");

/** A command's output line under its step id: `    │ 6.1:web │ listening on :8080`. */
function outputLine(e: ProgressEvent, st: Style): Styled {
  return styled`    ${st.dim("│")} ${st.cyan(e.step)} ${st.dim("│")} ${e.message}`;
}

/** One line per event (pipes, CI, a dumb terminal): what brtops always printed. */
function plainDisplay(out: Out): StepDisplay {
  const st = out.errStyle;
  return {
    progress(e) {
      if (out.mode.github) annotateProgress(e);
      if (e.kind === "step" && e.status === "start" && !isWaiting(e)) return;
      if (e.kind === "output") return out.info(outputLine(e, st));
      out.info(styled`  ${markOf(e, st)} ${e.step.padEnd(6)} ${e.message}${word(e)}`);
    },
    stop() {},
  };
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** "0.4 s", "12 s", "3 min 05 s". */
export function elapsed(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** `████████░░░░ 3/5`: the deployment's steps done of all. */
export function progressBar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `${"█".repeat(filled)}${"░".repeat(width - filled)} ${done}/${total}`;
}

interface Running {
  message: string;
  since: number;
}

/** The live tree: finished lines scroll above, the running steps and the bar are redrawn below them. */
function liveDisplay(out: Out, write: (s: string) => void, now: () => number): StepDisplay {
  const st = out.errStyle;
  const running = new Map<string, Running>();
  let bar: { done: number; total: number } | null = null;
  let drawn = 0;
  let frame = 0;
  const width = (): number => Math.max(20, (process.stderr.columns || 80) - 1);
  const cut = (text: string, room: number): string => (text.length > room ? `${text.slice(0, room - 1)}…` : text);
  // Sub-steps (6.1:web) sit under their step; the order of a Map is the order they started.
  const region = (): string[] => {
    const lines: string[] = [];
    const spin = SPINNER[frame % SPINNER.length]!;
    for (const [step, r] of running) {
      const indent = step.includes(":") ? "    " : "  ";
      const time = elapsed(now() - r.since);
      const room = width() - indent.length - step.length - time.length - 6;
      lines.push(
        styled`${indent}${st.cyan(spin)} ${st.bold(step)} ${cut(r.message, Math.max(10, room))} ${st.dim(time)}`.text,
      );
    }
    if (bar && running.size)
      lines.push(styled`  ${st.dim("deploying")} ${st.green(progressBar(bar.done, bar.total))}`.text);
    return lines;
  };
  const clear = (): void => {
    if (drawn) write(`\u001b[${drawn}A\r\u001b[0J`);
    drawn = 0;
  };
  const draw = (): void => {
    const lines = region();
    if (lines.length) write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const print = (line: Styled): void => {
    clear();
    write(`${line.text}\n`);
    draw();
  };
  const finished = new Set<string>();
  const timer = setInterval(() => {
    frame += 1;
    if (!running.size) return;
    clear();
    draw();
  }, 100);
  timer.unref();
  write("\u001b[?25l");
  const showCursor = (): void => void process.stderr.write("\u001b[?25h");
  process.once("exit", showCursor);
  // Ctrl-C still ends brtops at once (the log is the truth; a later run picks up): the cursor first.
  const onSignal = (signal: NodeJS.Signals): void => {
    showCursor();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    progress(e) {
      if (e.total !== undefined) bar = { done: e.done ?? 0, total: e.total };
      if (e.kind === "output") return print(outputLine(e, st));
      // Health samples and notes are lines of their own: they never end a running step.
      if (e.kind === "info" || e.kind === "health")
        return print(styled`    ${markOf(e, st)} ${e.step.padEnd(6)} ${e.message}`);
      if (isWaiting(e)) {
        running.delete(e.step);
        return print(styled`  ${st.yellow("⏸")} ${e.step.padEnd(6)} ${st.yellow(e.message)}`);
      }
      if (e.status === "start") {
        const r = running.get(e.step);
        running.set(e.step, { message: e.message, since: r?.since ?? now() });
        finished.delete(e.step);
        clear();
        return draw();
      }
      const r = running.get(e.step);
      running.delete(e.step);
      // A sub-step reported twice (its effect, then the deployment's DAG) is shown once.
      if (!r && finished.has(e.step) && !e.verdict && e.status === "ok") return;
      finished.add(e.step);
      const indent = e.step.includes(":") ? "    " : "  ";
      const time = r ? st.dim(` (${elapsed(now() - r.since)})`) : plain("");
      print(styled`${indent}${markOf(e, st)} ${e.step.padEnd(6)} ${e.message}${word(e)}${time}`);
    },
    stop() {
      clearInterval(timer);
      clear();
      running.clear();
      write("\u001b[?25h");
      process.removeListener("exit", showCursor);
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    },
  };
}

/** The display this terminal gets: live on a terminal outside CI, plain lines otherwise. */
export function createStepDisplay(out: Out): StepDisplay {
  if (!out.mode.live) return plainDisplay(out);
  return liveDisplay(out, (s) => process.stderr.write(s), Date.now);
}
