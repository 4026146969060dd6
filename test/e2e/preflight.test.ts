/**
 * Preflight (issue 11, point 6) through the built CLI on real sample projects: what later steps
 * need is checked in phase 1 (step 1.8) whatever the SEV and shown at the first gate — a missing
 * deploy script and a missing token at SEV-3, where phase 4 never runs; the GitHub token's user and
 * scopes through the real Octokit client against the fake GitHub server; `npm whoami` against a
 * real registry (verdaccio); `release --dry-run` shows the same findings and records nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, brtops, brtopsAsync, sampleProject, loggedEvents } from "../support/cli.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { startVerdaccio } from "../support/verdaccio.js";

/** `status --json` of a project, asynchronously (the fake GitHub answers in this process). */
async function statusAsync(root: string): Promise<any> {
  const r = await brtopsAsync(root, AI, ["status", "--json"]);
  return JSON.parse(r.stdout);
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An environment `qa` with the given YAML lines (4-space indent) besides a deploy step. */
function project(qa: string, deploy = "./scripts/deploy.sh") {
  const p = sampleProject({
    envExtra: `  qa:\n    deploy:\n      - {name: ship, run: [${deploy}, "{version}"]}\n${qa}`,
  });
  cleanups.push(p.cleanup);
  return p.root;
}

function preflightOf(root: string, release = "1.1.0"): any {
  return loggedEvents(root, release).find((e) => e.type === "StepSucceeded" && e.data.step === "1.8")?.data.result
    .preflight;
}

const NO_TOKENS = {
  GITHUB_TOKEN: "",
  GH_TOKEN: "",
  NPM_TOKEN: "",
  NODE_AUTH_TOKEN: "",
  BRTOPS_PREFLIGHT_TIMEOUT_MS: "3000",
};

describe("preflight", () => {
  it("a missing deploy script and a missing token are findings at the first gate of a SEV-3 release", () => {
    const root = project(
      `    github: {repository: acme/sample, baseUrl: "http://127.0.0.1:9"}\n`,
      "./scripts/deploy-qa.sh",
    );
    const r = brtops(root, AI, ["release", "1.1.0", "--to", "qa", "--json"], NO_TOKENS);
    expect(r.code, r.stderr).toBe(3);
    expect(r.json.sev).toBe("SEV-3");
    expect(r.json.plan).not.toContain(4); // 4.1 never runs: phase 1 is the only place this is found before GO
    expect(r.json.gate.step).toBe("2.10");
    const codes = r.json.gate.findings.map((f: any) => f.code);
    expect(codes).toContain("E_PROGRAM_MISSING");
    expect(codes).toContain("E_GITHUB_NO_TOKEN");
    expect(r.json.gate.findings.find((f: any) => f.code === "E_PROGRAM_MISSING").message).toContain(
      "./scripts/deploy-qa.sh",
    );
    expect(r.json.gate.report).toContain("E_PROGRAM_MISSING");
    // Critical findings: approving needs a recorded waiver.
    expect(brtops(root, "alice@example.com", ["approve", "--step", "2.10"]).code).toBe(2);
  });

  it("a script that is there but not executable is named as such", () => {
    const root = project("", "./README.md");
    const r = brtops(root, AI, ["release", "1.1.0", "--to", "qa", "--json"], NO_TOKENS);
    expect(r.code).toBe(3);
    const f = r.json.gate.findings.find((x: any) => x.code === "E_PROGRAM_MISSING");
    expect(f.message).toContain("not executable");
  });

  it("a good GitHub token: its user and scopes are checked through Octokit (GET /user) and shown; no finding", async () => {
    const fake = await startFakeGitHub({ token: "ghp_preflightGoodToken123456", scopes: "repo, workflow" });
    cleanups.push(() => fake.close());
    const root = project(`    github: {repository: acme/sample, baseUrl: "${fake.baseUrl}"}\n`);
    const r = await brtopsAsync(root, AI, ["release", "1.1.0", "--to", "qa"], {
      ...NO_TOKENS,
      GITHUB_TOKEN: "ghp_preflightGoodToken123456",
    });
    expect(r.code, r.stderr).toBe(3);
    expect(fake.requests.some((q) => q.method === "GET" && q.path === "/user")).toBe(true);
    const pre = preflightOf(root);
    expect(pre.checks).toContainEqual(
      expect.objectContaining({
        name: "GitHub user",
        ok: true,
        detail: expect.stringContaining("brtops-bot, scopes: repo, workflow"),
      }),
    );
    expect(pre.checks).toContainEqual(expect.objectContaining({ name: "GitHub push permission", ok: true }));
    const gate = (await statusAsync(root)).gate;
    expect(gate.findings.filter((f: any) => /GITHUB/.test(f.code))).toEqual([]);
  });

  it("a GitHub token without the repo scope, and a token GitHub refuses, are critical findings", async () => {
    const fake = await startFakeGitHub({ token: "ghp_readOnlyToken1234567890", scopes: "read:org" });
    cleanups.push(() => fake.close());
    const scoped = project(`    github: {repository: acme/sample, baseUrl: "${fake.baseUrl}"}\n`);
    expect(
      (
        await brtopsAsync(scoped, AI, ["release", "1.1.0", "--to", "qa"], {
          ...NO_TOKENS,
          GITHUB_TOKEN: "ghp_readOnlyToken1234567890",
        })
      ).code,
    ).toBe(3);
    const f1 = (await statusAsync(scoped)).gate.findings;
    expect(f1).toContainEqual(expect.objectContaining({ severity: "critical", code: "E_GITHUB_SCOPES" }));

    const refused = project(`    github: {repository: acme/sample, baseUrl: "${fake.baseUrl}"}\n`);
    expect(
      (
        await brtopsAsync(refused, AI, ["release", "1.1.0", "--to", "qa"], {
          ...NO_TOKENS,
          GITHUB_TOKEN: "ghp_wrongToken000000000000",
        })
      ).code,
    ).toBe(3);
    const f2 = (await statusAsync(refused)).gate.findings;
    expect(f2).toContainEqual(expect.objectContaining({ severity: "critical", code: "E_GITHUB_AUTH" }));
    // The token never reaches the log.
    expect(readFileSync(join(refused, ".brtops/releases/1.1.0/events.jsonl"), "utf8")).not.toContain("ghp_wrongToken");
  });

  it("npm: whoami on the target registry with the token; a refused token and no token are critical findings", async () => {
    const reg = await startVerdaccio();
    cleanups.push(() => reg.stop());
    const token = await reg.addUser("publisher", "publisher-password");
    const npm = `    npm: {registry: "${reg.url}"}\n`;
    const good = project(npm);
    expect(brtops(good, AI, ["release", "1.1.0", "--to", "qa"], { ...NO_TOKENS, NPM_TOKEN: token }).code).toBe(3);
    expect(preflightOf(good).checks).toContainEqual(
      expect.objectContaining({ name: "npm whoami", ok: true, detail: expect.stringContaining("publisher") }),
    );
    expect(
      brtops(good, AI, ["status", "--json"]).json.gate.findings.filter((f: any) => /NPM_(AUTH|REGISTRY)/.test(f.code)),
    ).toEqual([]);

    const bad = project(npm);
    expect(
      brtops(bad, AI, ["release", "1.1.0", "--to", "qa"], { ...NO_TOKENS, NPM_TOKEN: "not-a-real-token" }).code,
    ).toBe(3);
    expect(brtops(bad, AI, ["status", "--json"]).json.gate.findings).toContainEqual(
      expect.objectContaining({
        severity: "critical",
        code: "E_NPM_AUTH",
        message: expect.stringContaining("does not accept"),
      }),
    );

    const none = project(npm);
    const dry = brtops(none, AI, ["release", "1.1.0", "--to", "qa", "--dry-run", "--json"], NO_TOKENS);
    expect(dry.code).toBe(0);
    expect(dry.json.preflight.findings).toContainEqual(
      expect.objectContaining({ code: "E_NPM_AUTH", message: expect.stringContaining("No npm token") }),
    );
    expect(brtops(none, AI, ["list", "--json"]).json.releases).toEqual([]);
  }, 120_000);

  it("an unreachable host is reported within the short timeout, which the check names", () => {
    const root = project(`    health:\n      - {name: web, http: {url: "http://127.0.0.1:9/health"}}\n`);
    const t0 = Date.now();
    const dry = brtops(root, AI, ["release", "1.1.0", "--to", "qa", "--dry-run", "--json"], {
      ...NO_TOKENS,
      BRTOPS_PREFLIGHT_TIMEOUT_MS: "1500",
    });
    expect(dry.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(dry.json.preflight.timeoutMs).toBe(1500);
    expect(dry.json.preflight.findings).toContainEqual(
      expect.objectContaining({
        severity: "warning",
        code: "W_HOST_UNREACHABLE",
        message: expect.stringContaining("127.0.0.1:9"),
      }),
    );
  });

  it("version files: a configured one that is missing is found in phase 1", () => {
    const p = sampleProject({ extra: "release:\n  versionFiles: [package.json, VERSION]\n" });
    cleanups.push(p.cleanup);
    const dry = brtops(p.root, AI, ["release", "1.1.0", "--to", "local", "--dry-run", "--json"], NO_TOKENS);
    expect(dry.code).toBe(0);
    const codes = dry.json.preflight.findings.map((f: any) => f.code);
    expect(codes).toContain("VERSION_FILE_MISSING");
    expect(dry.stdout).toContain("VERSION_FILE_MISSING");
  });
});
