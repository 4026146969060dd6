/**
 * Hostile input that must come out harmless (issue 13, points 6 and 7): terminal escapes and HTML
 * in a commit message, a feature's readiness document and a feature folder's name never reach the
 * terminal, changelog.md or release-notes.md verbatim; a YAML alias bomb or a config nested past
 * reason is a config error (exit 2, naming the file); a 120 KB version is not echoed back whole.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markdownText, quoteInput, terminalText } from "../../src/core/safe-text.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

const ESC = "\u001b";
const BEL = "\u0007";
// Clear the screen, set the window title, colour, and a carriage return that rewrites the line.
const TERMINAL_ATTACK = `${ESC}[2J${ESC}]0;pwned${BEL}${ESC}[31m`;
const HTML_ATTACK = `<img src=x onerror=alert(1)>`;
const FOLDER = `evil${ESC}[5m${HTML_ATTACK}`;

/** No escape, BEL, lone CR or other control character but newline and tab. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("repository text with escapes and HTML", () => {
  let p: { root: string; cleanup: () => void };
  const releaseDir = () => join(p.root, "docs/01_application/6-releases/v1.1.0");
  let requestOut = "";

  beforeAll(() => {
    p = sampleProject();
    const git = (...a: string[]) => execFileSync("git", a, { cwd: p.root, encoding: "utf8" });
    const feature = join(p.root, "docs/02_features", FOLDER, "07-readiness");
    mkdirSync(feature, { recursive: true });
    writeFileSync(
      join(feature, "validation-report.md"),
      `# Validation Report\n\n**SEV Level**: SEV-3\n**Validation Status**: COMPLETE\n\n**Validated by**: alice@example.com\n**Status**: CERTIFIED\n`,
    );
    writeFileSync(
      join(feature, "release-notes.md"),
      `# Release Notes\n\n**SEV Level**: SEV-3\n\n## New Features\n- Dashboards ${TERMINAL_ATTACK}<script>alert("doc")</script>\n\n## Known Issues\n- Slow on Mondays\rOK${BEL}\n`,
    );
    writeFileSync(join(p.root, "src/evil.js"), "export const evil = 1;\n");
    git("add", "-A");
    git("commit", "-q", "-m", `feat(ui): widgets ${TERMINAL_ATTACK}<script>alert("commit")</script>\rtrusted line`);
    const r = brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]);
    expect(r.code, r.stderr).toBe(3);
    requestOut = r.stdout + r.stderr;
  }, 120_000);

  afterAll(() => p?.cleanup());

  it("reaches the terminal without escapes or control characters", () => {
    // The report at the package gate quotes the features; progress lines name the steps.
    expect(requestOut).toContain("evil");
    expect(requestOut).not.toMatch(CONTROL);
    const st = brtops(p.root, AI, ["status"]);
    expect(st.stdout + st.stderr).not.toMatch(CONTROL);
  });

  it("reaches changelog.md and release-notes.md as text: no HTML, no escapes", () => {
    expect(brtops(p.root, HUM, ["approve", "--step", "2.10", "--note", "ok"]).code).toBe(0);
    const r = brtops(p.root, AI, ["run"]);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
    const changelog = readFileSync(join(releaseDir(), "changelog.md"), "utf8");
    const notes = readFileSync(join(releaseDir(), "release-notes.md"), "utf8");
    for (const doc of [changelog, notes]) {
      expect(doc).not.toMatch(CONTROL);
      expect(doc).not.toMatch(/<script|<img/i);
    }
    // The text is still there, as text.
    expect(changelog).toContain('**ui:** widgets &lt;script&gt;alert("commit")&lt;/script&gt; (`');
    expect(notes).toContain('Dashboards &lt;script&gt;alert("doc")&lt;/script&gt;');
    expect(notes).toContain("### evil&lt;img src=x onerror=alert(1)&gt;");
  }, 120_000);
});

describe("config limits", () => {
  let p: { root: string; cleanup: () => void };
  beforeAll(() => {
    p = sampleProject();
  });
  afterAll(() => p?.cleanup());

  const writeConfig = (extra: string) => {
    const file = join(p.root, "brtops.config.yaml");
    const base = readFileSync(file, "utf8").split("\n# hostile\n")[0]!;
    const text = `${base}\n# hostile\n${extra}`;
    writeFileSync(file, text);
    return text;
  };
  /** The line of the first occurrence of `what` in `text`. */
  const lineOf = (text: string, what: string) => text.slice(0, text.indexOf(what)).split("\n").length;

  it("a YAML alias bomb is E_CONFIG_INVALID naming the file and line, exit 2", () => {
    const rows = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [x, y] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
      ["f", "e"],
      ["g", "f"],
      ["h", "g"],
    ])
      rows.push(`${x}: &${x} [${Array(9).fill(`*${y}`).join(", ")}]`);
    const written = writeConfig(`bomb:\n${rows.map((r) => `  ${r}`).join("\n")}\n`);
    for (const args of [
      ["status", "--json"],
      ["release", "1.1.0", "--to", "staging", "--json"],
    ]) {
      const r = brtops(p.root, AI, args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.json.error.code).toBe("E_CONFIG_INVALID");
      expect(r.json.error.message).toContain(`${join(p.root, "brtops.config.yaml")}:${lineOf(written, "*a")}:`);
      expect(r.json.error.message).toMatch(/alias/);
    }
    const text = brtops(p.root, AI, ["status"]);
    expect(text.code).toBe(2);
    expect(text.stderr).not.toMatch(/internal error/);
  });

  it("a config nested past reason is E_CONFIG_INVALID, exit 2", () => {
    writeConfig(`deep: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    const r = brtops(p.root, AI, ["status", "--json"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.json.error.code).toBe("E_CONFIG_INVALID");
    expect(r.json.error.message).toMatch(/brtops\.config\.yaml:\d+: .*nest/);
  });

  it("a config file over 1 MiB is E_CONFIG_INVALID, exit 2", () => {
    writeConfig(`# ${"x".repeat(2 * 1024 * 1024)}\n`);
    const r = brtops(p.root, AI, ["status", "--json"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.json.error.code).toBe("E_CONFIG_INVALID");
    expect(r.json.error.message).toContain("brtops.config.yaml");
  });
});

describe("long input in error messages", () => {
  let p: { root: string; cleanup: () => void };
  beforeAll(() => {
    p = sampleProject();
  });
  afterAll(() => p?.cleanup());

  it.each([
    ["digits", "1".repeat(120_000)],
    ["a version with a 120 KB pre-release", `1.0.0-${"a".repeat(120_000)}`],
  ])("a 120 KB version argument (%s) exits 2 with a shortened message", (_what, version) => {
    const text = brtops(p.root, AI, ["release", version, "--to", "staging"]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain("E_VERSION_INVALID");
    expect(text.stderr).toContain("(120");
    expect(text.stderr.length).toBeLessThan(1000);
    const json = brtops(p.root, AI, ["release", version, "--to", "staging", "--json"]);
    expect(json.code).toBe(2);
    expect(json.json.error.code).toBe("E_VERSION_INVALID");
    expect(json.stdout.length).toBeLessThan(1000);
  });
});

describe("safe text (pure)", () => {
  it.each([
    ["CSI and OSC sequences", `a${ESC}[2J${ESC}]0;title${BEL}b${ESC}[31mc`, "abc"],
    ["a carriage return that rewrites the line", "paid\rFAILED", "paidFAILED"],
    ["CRLF line ends", "one\r\ntwo", "one\ntwo"],
    ["bidi overrides, BEL, backspace, C1 CSI", "x\u202ey\u0007\b\u009b2Jz", "xyz"],
  ])("terminalText removes %s", (_what, input, out) => {
    expect(terminalText(input)).toBe(out);
  });

  it("markdownText escapes HTML, table breakers and line breaks", () => {
    expect(markdownText(`fix <b>bold</b> & | pipes\nnext${ESC}[2J`)).toBe(
      "fix &lt;b&gt;bold&lt;/b&gt; &amp; \\| pipes next",
    );
  });

  it("quoteInput cuts long input and says its length", () => {
    expect(quoteInput("1.2")).toBe('"1.2"');
    expect(quoteInput("x".repeat(120_000), 20)).toBe(`"${"x".repeat(19)}…" (120000 characters)`);
  });
});
