/**
 * How a command's result reaches the user: one JSON object with --json, readable text otherwise.
 * Text passes `terminalText` here, the one place it is written: a commit message or readiness
 * document quoted in a report cannot clear the screen or set the window title (JSON escapes
 * control characters itself).
 */
import { terminalText } from "../core/safe-text.js";

export interface Out {
  json: boolean;
  /** The command's result. */
  result(obj: unknown, text: string): void;
  /** Progress and notes for people (stderr, so stdout stays clean for pipes). */
  info(line: string): void;
}

export function createOut(json: boolean): Out {
  return {
    json,
    result(obj, text) {
      if (json) process.stdout.write(`${JSON.stringify(obj)}\n`);
      else {
        const safe = terminalText(text);
        process.stdout.write(safe.endsWith("\n") ? safe : `${safe}\n`);
      }
    },
    info(line) {
      if (!json) process.stderr.write(`${terminalText(line)}\n`);
    },
  };
}
