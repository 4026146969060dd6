/**
 * How a command's result reaches the user: one JSON object with --json, readable text otherwise.
 * Text passes `terminalText` here, the one place it is written (or was made safe already as a
 * `Styled`, see style.ts): a commit message or readiness document quoted in a report cannot clear
 * the screen or set the window title (JSON escapes control characters itself).
 */
import { terminalText } from "../core/safe-text.js";
import { neutraliseCommands } from "./ci-github.js";
import { createStyle, Styled, terminalMode, type Style, type TerminalMode } from "./style.js";

export interface Out {
  json: boolean;
  /** What this terminal can show (colour, live display, prompts, CI). */
  mode: TerminalMode;
  /** Painters for stdout (results) and stderr (progress): plain when colour is off. */
  style: Style;
  errStyle: Style;
  /** The command's result. */
  result(obj: unknown, text: string | Styled): void;
  /** Progress and notes for people (stderr, so stdout stays clean for pipes). */
  info(line: string | Styled): void;
}

/** `json` is --json; `quiet` (--jsonl) keeps the text display off as well, the events stream on stdout. */
export function createOut(json: boolean, quiet = false): Out {
  const mode = terminalMode(json || quiet);
  // In GitHub Actions a quoted line starting with "::" must not become a workflow command.
  const safe = (t: string | Styled): string => {
    const text = t instanceof Styled ? t.text : terminalText(t);
    return mode.github ? neutraliseCommands(text) : text;
  };
  return {
    json,
    mode,
    style: createStyle(mode.colourOut),
    errStyle: createStyle(mode.colourErr),
    result(obj, text) {
      if (json) process.stdout.write(`${JSON.stringify(obj)}\n`);
      else {
        const t = safe(text);
        process.stdout.write(t.endsWith("\n") ? t : `${t}\n`);
      }
    },
    info(line) {
      if (!json) process.stderr.write(`${safe(line)}\n`);
    },
  };
}
