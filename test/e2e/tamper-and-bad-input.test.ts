/**
 * Tampering and bad input through the CLI: an edited event breaks the chain at its seq, invalid
 * versions and environments are refused before anything is written, corrupt logs and configs give
 * a coded error without a stack trace, and authority/staleness are enforced.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

const LOG = ".brtops/releases/1.1.0/events.jsonl";

/** Every path under dir (recursive, skipping .git internals), with sizes: a snapshot to compare. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (name === ".git" || name.endsWith(".git")) {
        out.push(p);
        continue;
      }
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out.push(`${p} ${s.size}`);
    }
  };
  walk(dir);
  return out.sort();
}

function noStack(r: { stderr: string; stdout: string }): void {
  expect(r.stderr).not.toContain("    at ");
  expect(r.stdout).not.toContain("    at ");
}

describe("tampering with the log", () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(brtops(root, HUM, ["approve", "--step", "2.10", "--note", "looks good"]).code).toBe(0);
  });
  afterAll(() => cleanup());

  it("one changed character inside an event: audit verify exits 1 and names that seq", () => {
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
    const file = join(root, LOG);
    const lines = readFileSync(file, "utf8").split("\n");
    const i = lines.findIndex((l) => l.includes('"looks good"'));
    expect(i).toBeGreaterThan(0);
    const seq = JSON.parse(lines[i]!).seq as number;
    lines[i] = lines[i]!.replace('"looks good"', '"looks gooD"');
    JSON.parse(lines[i]);
    writeFileSync(file, lines.join("\n"));

    const text = brtops(root, AI, ["audit", "verify"]);
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).toMatch(new RegExp(`\\b${seq}\\b`));
    noStack(text);
    const json = brtops(root, AI, ["audit", "verify", "--json"]);
    expect(json.code).toBe(1);
    expect(json.json.releases[0].bad.seq).toBe(seq);
  });

  it("a changed timestamp is caught the same way", () => {
    const file = join(root, LOG);
    const lines = readFileSync(file, "utf8").split("\n");
    // A line is one event or a batch of events (a JSON array): change the line's first event.
    const parsed = JSON.parse(lines[2]!) as { seq: number; at: string } | { seq: number; at: string }[];
    const ev = Array.isArray(parsed) ? parsed[0]! : parsed;
    lines[2] = lines[2]!.replace(
      `"at":"${ev.at}"`,
      `"at":"${ev.at.replace(/\d(?=Z$)/, (d: string) => String((Number(d) + 1) % 10))}"`,
    );
    expect(lines[2]).not.toContain(ev.at);
    writeFileSync(file, lines.join("\n"));
    const json = brtops(root, AI, ["audit", "verify", "--json"]);
    expect(json.code).toBe(1);
    expect(json.json.releases[0].bad.seq).toBe(ev.seq);
  });
});

describe("bad input writes nothing", () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
  });
  afterAll(() => cleanup());

  for (const v of ["v2.1", "2.1.0.0", "1.0.0/../x", "1.0.0;rm -rf /", "../../etc"]) {
    it(`refuses version ${JSON.stringify(v)} (flag form and request form) with E_VERSION_INVALID`, () => {
      const parent = dirname(root);
      const before = listing(parent);
      for (const args of [
        ["release", v, "--to", "staging", "--json"],
        [`RELEASE ${v} to Staging`, "--json"],
      ]) {
        const r = brtops(root, AI, args);
        expect(r.code).toBe(2);
        expect(r.json.error.code).toBe("E_VERSION_INVALID");
        expect(r.json.error.message).toContain(v);
        noStack(r);
      }
      expect(listing(parent)).toEqual(before);
    });
  }

  it("refuses an unknown environment with E_ENVIRONMENT_UNKNOWN, listing the known ones", () => {
    const before = listing(dirname(root));
    const r = brtops(root, AI, ["release", "1.1.0", "--to", "moon", "--json"]);
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe("E_ENVIRONMENT_UNKNOWN");
    expect(JSON.stringify(r.json.error)).toContain("local");
    expect(listing(dirname(root))).toEqual(before);
  });

  for (const v of ["1.0.0", "0.9.0"]) {
    it(`refuses ${v}, not above the tagged v1.0.0`, () => {
      const before = listing(dirname(root));
      const r = brtops(root, AI, ["release", v, "--to", "staging", "--json"]);
      expect(r.code).toBe(2);
      expect(r.json.error.message).toContain("v1.0.0");
      noStack(r);
      expect(listing(dirname(root))).toEqual(before);
    });
  }
});

describe("corrupt log and config, authority", () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ root, cleanup } = sampleProject());
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
  });
  afterAll(() => cleanup());

  it("an AI LEAD approving is refused (exit 4) naming HUM LEAD", () => {
    const r = brtops(root, AI, ["approve", "--step", "2.10", "--json"]);
    expect(r.code).toBe(4);
    expect(r.json.error.message).toContain("HUM LEAD");
  });

  it("an unknown identity is refused (exit 4)", () => {
    const r = brtops(root, "eve@example.com", ["approve", "--step", "2.10", "--json"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("E_NOT_AUTHORIZED");
  });

  it("a stale --step is a conflict (exit 5)", () => {
    const r = brtops(root, HUM, ["approve", "--step", "3.10", "--json"]);
    expect(r.code).toBe(5);
    noStack(r);
  });

  it("a garbage line in the middle of the log: E_LOG_CORRUPT, no stack trace", () => {
    const file = join(root, LOG);
    const original = readFileSync(file, "utf8");
    const lines = original.split("\n");
    lines.splice(3, 0, "this is not json {");
    writeFileSync(file, lines.join("\n"));
    for (const args of [["status", "--json"], ["status"]]) {
      const r = brtops(root, AI, args);
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toContain("E_LOG_CORRUPT");
      noStack(r);
    }
    writeFileSync(file, original);
    expect(brtops(root, AI, ["status"]).code).toBe(0);
  });

  it("bad YAML in the config: E_CONFIG_INVALID naming the file and line, no stack trace", () => {
    const cfg = join(root, "brtops.config.yaml");
    const original = readFileSync(cfg, "utf8");
    const lines = original.split("\n");
    lines.splice(2, 0, "leads: [unclosed");
    writeFileSync(cfg, lines.join("\n"));
    const r = brtops(root, AI, ["status", "--json"]);
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe("E_CONFIG_INVALID");
    expect(JSON.stringify(r.json.error)).toContain("brtops.config.yaml");
    expect(JSON.stringify(r.json.error)).toMatch(/line \d+|"line":\d+|:\d+/);
    noStack(r);
    writeFileSync(cfg, original);
  });

  it("an unknown key in the config: E_CONFIG_INVALID naming the file and line", () => {
    const cfg = join(root, "brtops.config.yaml");
    const original = readFileSync(cfg, "utf8");
    writeFileSync(
      cfg,
      original.replace("project: {name: sample-service}\n", "project: {name: sample-service}\nbogus: 1\n"),
    );
    const r = brtops(root, AI, ["release", "1.2.0", "--to", "staging", "--json"]);
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe("E_CONFIG_INVALID");
    const err = JSON.stringify(r.json.error);
    expect(err).toContain("brtops.config.yaml");
    expect(err).toContain("bogus");
    // The key's own line (3), not its parent map's.
    const line = original.split("\n").indexOf("project: {name: sample-service}") + 2;
    expect(r.json.error.details.line).toBe(line);
    expect(r.json.error.message).toContain(`brtops.config.yaml:${line}:`);
    noStack(r);
    writeFileSync(cfg, original);
  });

  it("refuses a known environment that the project has not configured, writing nothing", () => {
    const r = brtops(root, AI, ["release", "1.2.0", "--to", "prod", "--json"]);
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe("E_ENVIRONMENT_NOT_CONFIGURED");
    expect(r.json.error.hint).toContain("local");
    expect(existsSync(join(root, ".brtops/releases/1.2.0"))).toBe(false);
  });
});
