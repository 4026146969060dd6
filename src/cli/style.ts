/**
 * The one place that decides how the CLI's output looks: colour or not (NO_COLOR, FORCE_COLOR, a
 * terminal or a pipe, --json), a live display or plain lines (a terminal, not CI), prompts or none.
 * Every text the CLI writes passes `terminalText` before it is painted: `Styled` holds text whose
 * only escape sequences are the colours added here, so quoted text (a commit message, a report)
 * can never bring its own.
 */
import { styleText } from "node:util";
import { terminalText } from "../core/safe-text.js";
import { inCI } from "./ci-detect.js";

/** Text already made safe for a terminal, possibly with colour codes added by a `Style`. */
export class Styled {
  /** Use `styled`, `plain` or a `Style`'s painters: the constructor trusts its text. */
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Plain text made safe. Example: `plain("a\u001b[2Jb").text` → `"ab"`. */
export function plain(text: string): Styled {
  return new Styled(terminalText(text));
}

/**
 * A template whose literal parts are trusted and whose values are made safe unless already Styled.
 * Example: styled`state: ${st.bold("FAILED")} at ${stepFromTheLog}`.
 */
export function styled(parts: TemplateStringsArray, ...values: (string | number | Styled)[]): Styled {
  let out = parts[0] ?? "";
  values.forEach((v, i) => {
    out += (v instanceof Styled ? v.text : terminalText(String(v))) + (parts[i + 1] ?? "");
  });
  return new Styled(out);
}

/** Joins Styled pieces and strings (strings made safe). */
export function joinStyled(items: readonly (string | Styled)[], sep = "\n"): Styled {
  return new Styled(items.map((i) => (i instanceof Styled ? i.text : terminalText(i))).join(sep));
}

type Format = Parameters<typeof styleText>[0];
type Painter = (text: string | Styled) => Styled;

export interface Style {
  readonly colour: boolean;
  bold: Painter;
  dim: Painter;
  red: Painter;
  green: Painter;
  yellow: Painter;
  cyan: Painter;
  magenta: Painter;
}

function painter(colour: boolean, format: Format): Painter {
  return (text) => {
    const safe = text instanceof Styled ? text.text : terminalText(text);
    // validateStream: false — whether to paint is decided here (colourFor), not by Node's look at stdout.
    return new Styled(colour && safe ? styleText(format, safe, { validateStream: false }) : safe);
  };
}

/** Painters that add colour when `colour` is true and only make text safe otherwise. */
export function createStyle(colour: boolean): Style {
  return {
    colour,
    bold: painter(colour, "bold"),
    dim: painter(colour, "dim"),
    red: painter(colour, "red"),
    green: painter(colour, "green"),
    yellow: painter(colour, "yellow"),
    cyan: painter(colour, "cyan"),
    magenta: painter(colour, "magenta"),
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Colour on a stream: never with --json; FORCE_COLOR (but "0"/"false") forces it, as in Node;
 * NO_COLOR (non-empty, no-color.org) turns it off; otherwise a terminal that is not "dumb".
 */
export function colourFor(stream: { isTTY?: boolean }, json: boolean, env: Env = process.env): boolean {
  if (json) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (env.NO_COLOR) return false;
  return !!stream.isTTY && env.TERM !== "dumb";
}

export interface TerminalMode {
  /** Colour on stdout (results) and stderr (progress). */
  colourOut: boolean;
  colourErr: boolean;
  /** Spinners, elapsed times and a progress bar redrawn in place on stderr. */
  live: boolean;
  /** Questions may be asked (gate prompt, hidden password). */
  interactive: boolean;
  /** A CI service runs brtops (ci-info): plain lines, no prompts. */
  ci: boolean;
  /** GitHub Actions: annotations and the step summary as well. */
  github: boolean;
}

/** How this process shows things; `json` is --json or --jsonl. */
export function terminalMode(json: boolean, env: Env = process.env): TerminalMode {
  const ci = inCI(env);
  const dumb = env.TERM === "dumb";
  return {
    colourOut: colourFor(process.stdout, json, env),
    colourErr: colourFor(process.stderr, json, env),
    live: !json && !ci && !dumb && !!process.stderr.isTTY,
    interactive: !json && !ci && !!process.stdin.isTTY && !!process.stdout.isTTY,
    ci,
    github: env.GITHUB_ACTIONS === "true",
  };
}
