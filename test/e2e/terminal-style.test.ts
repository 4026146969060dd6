/**
 * The rules style.ts decides by (issue 14, point 2), one row per case: colour from NO_COLOR,
 * FORCE_COLOR, a terminal and --json; text quoted from elsewhere loses its escape sequences
 * before it is painted; the live display's elapsed times and bar.
 */
import { describe, expect, it } from "vitest";
import { colourFor, createStyle, plain, styled } from "../../src/cli/style.js";
import { elapsed, progressBar } from "../../src/cli/live-steps.js";

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe("colour", () => {
  it.each([
    ["a terminal", tty, false, {}, true],
    ["a pipe", pipe, false, {}, false],
    ["--json at a terminal", tty, true, {}, false],
    ["NO_COLOR at a terminal", tty, false, { NO_COLOR: "1" }, false],
    ["an empty NO_COLOR", tty, false, { NO_COLOR: "" }, true],
    ["FORCE_COLOR on a pipe", pipe, false, { FORCE_COLOR: "1" }, true],
    ["FORCE_COLOR=0 at a terminal", tty, false, { FORCE_COLOR: "0" }, false],
    ["FORCE_COLOR over NO_COLOR (as Node decides)", pipe, false, { FORCE_COLOR: "1", NO_COLOR: "1" }, true],
    ["FORCE_COLOR with --json", tty, true, { FORCE_COLOR: "1" }, false],
    ["a dumb terminal", tty, false, { TERM: "dumb" }, false],
  ] as const)("%s → %s", (_what, stream, json, env, expected) => {
    expect(colourFor(stream, json, env)).toBe(expected);
  });

  it("paints only when colour is on, and never lets quoted text bring its own escape sequences", () => {
    const on = createStyle(true);
    const off = createStyle(false);
    const hostile = "v1\u001b]0;pwned\u0007\u001b[2J ok";
    expect(on.red(hostile).text).toBe("\u001b[31mv1 ok\u001b[39m");
    expect(off.red(hostile).text).toBe("v1 ok");
    expect(styled`state: ${on.bold("OK")} by ${hostile}`.text).toBe("state: \u001b[1mOK\u001b[22m by v1 ok");
    expect(plain("a\rb\u001b[1Ac").text).toBe("abc");
  });
});

describe("the live display's pieces", () => {
  it.each([
    [0, "0.0 s"],
    [420, "0.4 s"],
    [9_960, "10.0 s"],
    [12_300, "12 s"],
    [185_000, "3 min 05 s"],
  ])("elapsed(%i) → %s", (ms, text) => expect(elapsed(ms)).toBe(text));

  it("the bar fills with the deployment's steps done", () => {
    expect(progressBar(0, 4, 8)).toBe("░░░░░░░░ 0/4");
    expect(progressBar(1, 4, 8)).toBe("██░░░░░░ 1/4");
    expect(progressBar(4, 4, 8)).toBe("████████ 4/4");
  });
});
