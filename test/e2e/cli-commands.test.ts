/**
 * The command table through the built CLI (issue 11, points 7 and 10): each command takes only its
 * own options (an unknown one exits 2 naming them), misspelt commands get a suggestion, --help is
 * per command, `release --dry-run` exits as the real request would, decision commands' --dry-run
 * records nothing, and every Next line of several states is a command that works as shown.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS, commandSpec } from "../../src/cli/command-table.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function project(): string {
  const p = sampleProject({
    envExtra: '  qa:\n    deploy:\n      - {name: ship, run: [./scripts/deploy.sh, "{version}"]}\n',
  });
  cleanups.push(p.cleanup);
  return p.root;
}

const log = (root: string, release = "1.1.0"): string =>
  readFileSync(join(root, ".brtops/releases", release, "events.jsonl"), "utf8");
const releases = (root: string): string[] =>
  brtops(root, AI, ["list", "--json"]).json.releases.map((r: any) => r.release);

/** A Next line as a shell would run it: the comment dropped, quoted words kept whole, "…" filled in. */
function argvOf(line: string): string[] {
  const command = line.replace(/\s+#.*$/, "");
  const words = (command.match(/"[^"]*"|\S+/g) ?? []).map((w) =>
    w.replace(/^"(.*)"$/, "$1").replace("…", "checked in a test"),
  );
  expect(words[0]).toBe("brtops");
  return words.slice(1);
}

/** Runs every Next line of the release's current state; none may be refused as bad input (exit 2). */
function runNextLines(root: string, as = HUM): string[] {
  const next: string[] = brtops(root, AI, ["status", "--json"]).json.next;
  expect(next.length).toBeGreaterThan(0);
  // Lines that would change the release run as dry runs; the others (views, `run`) last, for real.
  const lines = next
    .map((l) => ({ l, argv: argvOf(l) }))
    .map((x) => ({ ...x, dry: commandSpec(x.argv[0]!)?.options.includes("dry-run") ?? false }));
  for (const { l, argv, dry } of [...lines.filter((x) => x.dry), ...lines.filter((x) => !x.dry)]) {
    const r = brtops(root, as, dry ? [...argv, "--dry-run"] : argv);
    expect(r.code, `${l}\n${r.stdout}\n${r.stderr}`).not.toBe(2);
  }
  return next;
}

describe("one command table", () => {
  it("an unknown option exits 2 naming the command's options; a misspelt command gets a suggestion", () => {
    const root = project();
    const r = brtops(root, AI, ["status", "--to", "x", "--port", "9", "--uat"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--to");
    expect(r.stderr).toMatch(/`brtops status` takes --json, --help, --as ID, --release V, --env ENV, --cwd DIR/);
    const json = brtops(root, AI, ["approve", "--uat", "--json"]);
    expect(json.code).toBe(2);
    expect(json.json.error.code).toBe("E_USAGE");
    expect(json.json.error.details.options).toEqual(
      expect.arrayContaining(["--step", "--note", "--waive", "--dry-run", "--release"]),
    );
    expect(json.json.error.details.options).not.toContain("--uat");
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "local", "--port", "1"]).code).toBe(2);
    expect(brtops(root, AI, ["run", "extra"]).code).toBe(2);
    const typo = brtops(root, AI, ["stauts"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean `brtops status`");
    expect(releases(root)).toEqual([]);
  });

  it("--help is per command, from the table; the global options work on every command", () => {
    const root = project();
    const help = brtops(root, AI, ["approve", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--waive REASON");
    expect(help.stdout).toContain("Who: HUM LEAD.");
    expect(help.stdout).not.toContain("--port");
    const main = brtops(root, AI, ["--help"]).stdout;
    for (const c of COMMANDS) expect(main).toContain(c.name);
    for (const c of COMMANDS) {
      const r = brtops(root, AI, [c.name, "--help", "--json", "--release", "1.1.0", "--env", "local", "-C", root]);
      expect(r.code, `${c.name}: ${r.stderr}`).toBe(0);
      expect(r.json.command).toBe(c.name);
    }
  });

  it("release --dry-run exits with the code of the real request for each refusal, and records nothing", () => {
    const root = project();
    const same = (args: string[], code: number): void => {
      const dry = brtops(root, AI, [...args, "--dry-run", "--json"]);
      const before = releases(root);
      const real = brtops(root, AI, [...args, "--json"]);
      expect(dry.code, `dry ${args.join(" ")}: ${dry.stdout}`).toBe(code);
      expect(real.code, `real ${args.join(" ")}: ${real.stdout}`).toBe(code);
      expect(dry.json.error.code).toBe(real.json.error.code);
      expect(releases(root)).toEqual(before);
    };
    same(["release", "banana", "--to", "local"], 2); // invalid version
    same(["release", "1.1.0", "--to", "moon"], 2); // environment not configured
    same(["release", "0.9.0", "--to", "local"], 2); // below the previous release (v1.0.0)
    same(["release", "1.0.0", "--to", "local"], 2); // already released
    expect(brtops(root, HUM, ["release", "1.1.0", "--to", "local", "--as", AI]).code).toBe(3);
    same(["release", "1.2.0", "--to", "local"], 5); // the environment has a release open
    same(["release", "1.1.0", "--to", "qa"], 2); // the version is still open elsewhere
    const ok = brtops(root, AI, ["release", "1.2.0", "--to", "qa", "--dry-run", "--json"]);
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ dryRun: true, release: "1.2.0", environment: "qa" });
    expect(ok.json.preflight.checks.length).toBeGreaterThan(0);
  });

  it("approve --dry-run checks authority, the step and the gate, and leaves the log unchanged", () => {
    const root = project();
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "local"]).code).toBe(3);
    const before = log(root);
    const dry = brtops(root, HUM, ["approve", "--step", "2.10", "--waive", "test", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json).toMatchObject({ dryRun: true, recorded: false, step: "2.10" });
    expect(brtops(root, AI, ["approve", "--step", "2.10", "--dry-run"]).code).toBe(4); // an AI LEAD never approves
    expect(brtops(root, HUM, ["approve", "--step", "3.10", "--dry-run"]).code).toBe(5); // not the gate shown
    expect(brtops(root, HUM, ["reject", "--step", "2.10", "--reason", "x", "--dry-run"]).code).toBe(0);
    expect(brtops(root, HUM, ["abort", "--dry-run"]).code).toBe(0);
    expect(log(root)).toBe(before);
    expect(brtops(root, AI, ["status", "--json"]).json.state).toBe("awaiting-hum-lead");
    // The real approval is recorded.
    expect(brtops(root, HUM, ["approve", "--step", "2.10", "--waive", "test"]).code).toBe(0);
    expect(log(root)).not.toBe(before);
  });
});

describe("hints and states that are true", () => {
  it("every Next line works as shown: at a gate, with a question, at GO/NO-GO, paused, certified", () => {
    const root = project();
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "local"]).code).toBe(3);
    const atGate = runNextLines(root);
    expect(atGate.some((l) => l.includes("brtops answer"))).toBe(false); // no question, no answer hint
    expect(brtops(root, AI, ["ask", "Ship search too?"]).code).toBe(0);
    expect(runNextLines(root)).toContain('brtops answer Q1 "…"');
    expect(brtops(root, HUM, ["answer", "Q1", "yes"]).code).toBe(0);
    // The answer changed the gate's report: a new round, which the approval names.
    expect(brtops(root, HUM, ["approve", "--step", "2.10#2", "--waive", "test"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    const s = brtops(root, AI, ["status", "--json"]).json;
    expect(s.gate.kind).toBe("go-no-go");
    const noGo = s.next.find((l: string) => l.startsWith("brtops reject"));
    // The flag comes before the comment, never inside it.
    expect(noGo).toMatch(/^brtops reject --step 5\.10#1 --reason "…" --return-to 2\s+# NO-GO/);
    runNextLines(root);
    expect(brtops(root, HUM, ["pause"]).code).toBe(0);
    expect(runNextLines(root)).toEqual(["brtops resume", "brtops abort"]);
    expect(brtops(root, HUM, ["resume"]).code).toBe(0);
    expect(brtops(root, HUM, ["approve", "--step", "5.10", "--waive", "test"]).code).toBe(0);
    const after = brtops(root, AI, ["run", "--json"]);
    expect(after.code, after.stderr).toBe(3);
    const cert = brtops(root, AI, ["status", "--json"]).json;
    expect(cert.gate?.kind).toBe("certification");
    runNextLines(root);
    expect(brtops(root, HUM, ["approve", "--step", "7.10", "--waive", "test"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(0);
    expect(brtops(root, AI, ["status", "--json"]).json.state).toBe("certified");
    runNextLines(root);
  }, 120_000);

  it("an aborted release waits for no one; its Next lines work", () => {
    const root = project();
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "local"]).code).toBe(3);
    expect(brtops(root, HUM, ["abort"]).code).toBe(0);
    const s = brtops(root, AI, ["status", "--json"]).json;
    expect(s.state).toBe("aborted");
    expect(s.gate).toBeNull();
    expect(brtops(root, AI, ["status"]).stdout).not.toContain("Waiting for a HUM LEAD");
    runNextLines(root);
  });

  it("go on a SEV-1 release is refused, saying why, and is not offered", () => {
    const root = project();
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "local"]).code).toBe(3);
    expect(brtops(root, HUM, ["sev", "SEV-1", "--reason", "touches sign-in"]).code).toBe(0);
    const before = log(root);
    const go = brtops(root, HUM, ["go"]);
    expect(go.code).toBe(2);
    expect(go.stderr).toContain("SEV-1");
    expect(log(root)).toBe(before);
    expect(runNextLines(root).some((l) => l.startsWith("brtops go"))).toBe(false);
  });

  it("INIT RELEASE without a version number is refused instead of creating vundefined/", () => {
    const root = project();
    const r = brtops(root, HUM, ["INIT RELEASE minor"]);
    expect(r.code).toBe(2);
    expect(existsSync(join(root, "docs/01_application/6-releases/vundefined"))).toBe(false);
    expect(brtops(root, HUM, ["INIT RELEASE v1.4.0"]).code).toBe(0);
    expect(existsSync(join(root, "docs/01_application/6-releases/v1.4.0"))).toBe(true);
  });

  it("a phrase takes the options of the command it means", () => {
    const root = project();
    const dry = brtops(root, AI, ["RELEASE v1.1.0 to Staging", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json.dryRun).toBe(true);
    expect(brtops(root, AI, ["RELEASE STATUS", "--dry-run"]).code).toBe(2);
  });
});
