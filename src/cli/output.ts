/** How a command's result reaches the user: one JSON object with --json, readable text otherwise. */
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
      process.stdout.write(json ? `${JSON.stringify(obj)}\n` : text.endsWith("\n") ? text : `${text}\n`);
    },
    info(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}
