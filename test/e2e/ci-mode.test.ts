/**
 * CI and GitHub Actions (issue 14, point 6): in CI (ci-info) brtops asks nothing and redraws
 * nothing; in GitHub Actions a gate and its findings become job annotations and the release's
 * state goes to the step summary; action.yml's step script, run as the composite action runs it,
 * writes state, version and step to $GITHUB_OUTPUT.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { annotation, escapeData, escapeProperty, neutraliseCommands } from "../../src/cli/ci-github.js";
import { AI, CLI, HUM, brtops, sampleProject, status } from "../support/cli.js";
import { brtopsPty, terminalEnv } from "../support/pty.js";

const ROOT = resolve(__dirname, "../..");
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

/** A GitHub Actions job's environment: the runner's variables, the output and summary files. */
function actionsEnv(dir: string): Record<string, string> {
  const out = join(dir, "output");
  const summary = join(dir, "summary.md");
  writeFileSync(out, "");
  writeFileSync(summary, "");
  return { CI: "true", GITHUB_ACTIONS: "true", GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary };
}

/** name=value lines of $GITHUB_OUTPUT. */
const outputs = (file: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

describe("workflow commands", () => {
  it("escape data and properties as the runner reads them", () => {
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext");
    expect(escapeProperty("a: b, c%")).toBe("a%3A b%2C c%25");
    expect(annotation("warning", "Gate 2.10: a, b", "line one\nline two\u001b[2J")).toBe(
      "::warning title=Gate 2.10%3A a%2C b::line one%0Aline two",
    );
  });

  it("a quoted line that starts with :: is no workflow command", () => {
    expect(neutraliseCommands("ok\n::add-mask::x\n  ::error::y")).toBe("ok\n:\u200b:add-mask::x\n  :\u200b:error::y");
  });
});

describe("in CI", () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => ({ root, cleanup } = sampleProject()));
  afterAll(() => cleanup());

  it("CI=true at a terminal: plain progress lines, no spinner, no redraw, no prompt", async () => {
    const run = brtopsPty(root, AI, ["RELEASE v1.1.0 to local"], { CI: "true" });
    expect(await run.exited).toBe(3);
    const out = run.output();
    expect(out).toMatch(/✔\S* 1\.1 /);
    expect(out).not.toMatch(SPINNER);
    expect(out).not.toContain("\u001b[1A");
    // A HUM LEAD at a terminal in CI is not asked either.
    const hum = brtopsPty(root, HUM, ["status"], { CI: "true" });
    expect(await hum.exited).toBe(0);
    expect(hum.output()).toContain("Waiting for a HUM LEAD");
    expect(hum.output()).not.toContain("your decision");
    // The same terminal outside CI asks the HUM LEAD (the prompt is left unanswered: Ctrl-C ends it).
    const asked = brtopsPty(root, HUM, ["status"], { CI: "false" });
    await asked.waitFor("your decision");
    asked.type("\u0003");
    expect(await asked.exited).toBe(0);
    expect(status(root).gate.approvals).toEqual([]);
  }, 180_000);

  it("GitHub Actions: the gate and its findings become annotations, the state goes to the step summary", () => {
    const dir = mkdtempSync(join(tmpdir(), "brtops-gha-"));
    try {
      const env = actionsEnv(dir);
      expect(brtops(root, HUM, ["go"], env).code).toBe(0);
      const run = brtops(root, AI, ["run"], env);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(
        "::warning title=brtops%3A release 1.1.0 waits for a HUM LEAD at 5.10#1::REPORT final readiness assessment for DECISION (go-no-go).",
      );
      expect(run.stderr).toMatch(
        /^::notice title=brtops%3A READINESS_NOT_CONFIGURED \(5\.10\)::CRITICAL Security validation/m,
      );
      const summary = readFileSync(env.GITHUB_STEP_SUMMARY!, "utf8");
      expect(summary).toContain("### brtops: release v1.1.0 → local");
      expect(summary).toContain("| State | **AWAITING-HUM-LEAD** |");
      expect(summary).toContain("**Waiting for a HUM LEAD** at 5.10#1");
      expect(summary).toMatch(/\| info \| `READINESS_NOT_CONFIGURED` \| CRITICAL Security validation/);
      // --json keeps stdout one object; the annotations are on stderr.
      const json = brtops(root, AI, ["status", "--json"], env);
      expect(JSON.parse(json.stdout).step).toBe("5.10");
      expect(json.stderr).toContain("::warning title=brtops%3A release 1.1.0 waits");
      // Outside GitHub Actions: no workflow commands.
      const plain = spawnSync(process.execPath, [CLI, "status", "--as", AI], {
        cwd: root,
        encoding: "utf8",
        env: terminalEnv({ CI: "true" }),
      });
      expect(plain.stderr + plain.stdout).not.toContain("::warning");
      // One section each for go, run and status --json in the job; none from outside it.
      expect(readFileSync(env.GITHUB_STEP_SUMMARY!, "utf8").match(/### brtops/g)).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("action.yml", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8"));

  it("is a composite action with the inputs phrase, as, release and the outputs state, version, step", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(["phrase", "as", "release"]));
    expect(action.inputs.phrase.required).toBe(true);
    const step = action.runs.steps.find((s: any) => s.id === "brtops");
    expect(step.run).toContain("scripts/action-run.mjs");
    // Inputs reach the script in its environment, never inside the shell line.
    expect(step.run).not.toContain("inputs.");
    for (const name of ["state", "version", "step"])
      expect(action.outputs[name].value).toBe(`\${{ steps.brtops.outputs.${name} }}`);
  });

  /** The step as the composite runs it: node scripts/action-run.mjs with the INPUT_* environment. */
  const runAction = (cwd: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [join(ROOT, "scripts/action-run.mjs")], {
      cwd,
      encoding: "utf8",
      env: { ...terminalEnv(), ...env, BRTOPS_CLI: CLI },
    });

  it("requests a release in one job and runs it on in a later one after a HUM LEAD's decision", () => {
    const { root, cleanup } = sampleProject();
    const dir = mkdtempSync(join(tmpdir(), "brtops-action-"));
    try {
      const first = actionsEnv(join(dir));
      const req = runAction(root, { ...first, INPUT_PHRASE: "RELEASE v1.1.0 to local", INPUT_AS: AI });
      expect(req.status).toBe(0);
      expect(outputs(first.GITHUB_OUTPUT!)).toMatchObject({
        state: "awaiting-hum-lead",
        version: "1.1.0",
        step: "2.10",
        release: "1.1.0",
        "exit-code": "3",
      });
      expect(req.stderr).toContain("::warning title=brtops%3A release 1.1.0 waits for a HUM LEAD at 2.10#1::");
      expect(readFileSync(first.GITHUB_STEP_SUMMARY!, "utf8")).toContain("| State | **AWAITING-HUM-LEAD** |");

      // The decision, as the dashboard records it; then the later job.
      expect(brtops(root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
      const later = mkdtempSync(join(dir, "later-"));
      const second = actionsEnv(later);
      const run = runAction(root, { ...second, INPUT_PHRASE: "run", INPUT_AS: AI, INPUT_RELEASE: "1.1.0" });
      expect(run.status).toBe(0);
      expect(outputs(second.GITHUB_OUTPUT!)).toMatchObject({ state: "awaiting-hum-lead", step: "5.10" });
      expect(readFileSync(second.GITHUB_STEP_SUMMARY!, "utf8")).toContain("at 5.10#1");

      // A phrase brtops refuses: state "error", an error annotation, a failed step.
      const third = actionsEnv(mkdtempSync(join(dir, "bad-")));
      const bad = runAction(root, { ...third, INPUT_PHRASE: 'approve --step 9.99 --note "two words"', INPUT_AS: AI });
      expect(bad.status).not.toBe(0);
      expect(outputs(third.GITHUB_OUTPUT!).state).toBe("error");
      expect(bad.stderr).toMatch(/^::error title=brtops%3A E_/m);
      expect(status(root).step).toBe("5.10");
    } finally {
      cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
