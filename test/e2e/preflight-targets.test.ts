/**
 * Preflight of each target in phase 1 (issue 16 point 5), through the built CLI: a container
 * registry (Debian's docker-registry with token auth, as Docker Hub does it) reachable and the
 * credentials allowed to push — good, wrong and missing credentials, and a registry that is down;
 * a fine-grained GitHub token (no X-OAuth-Scopes) judged by its repository permission; an npm
 * registry that cannot be reached. Each failure is a critical finding at the first gate that says
 * what to do, and no secret reaches the log.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AI, brtops, brtopsAsync, sampleProject, loggedEvents } from "../support/cli.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { REGISTRY_BIN, startRegistry, type Registry } from "../support/oci-registry.js";
import { freePort } from "../support/service.js";

const PASSWORD = "Pr3flight-registry-pass";
const NO_TOKENS = {
  GITHUB_TOKEN: "",
  GH_TOKEN: "",
  NPM_TOKEN: "",
  NODE_AUTH_TOKEN: "",
  OCI_USERNAME: "",
  OCI_PASSWORD: "",
  DOCKER_CONFIG: "/nonexistent-docker-config",
  // Generous: a loaded machine is slow to answer even on loopback (the registry down is refused at once).
  BRTOPS_PREFLIGHT_TIMEOUT_MS: "15000",
};

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An environment `qa` with the given YAML lines (4-space indent) and no deploy steps. */
function project(qa: string): string {
  const p = sampleProject({ envExtra: `  qa:\n${qa}` });
  cleanups.push(p.cleanup);
  return p.root;
}

const preflightOf = (root: string): any =>
  loggedEvents(root).find((e) => e.type === "StepSucceeded" && e.data.step === "1.8")?.data.result.preflight;
/** The CLI's --json answer, run asynchronously (the token server and fake GitHub answer in this process). */
async function cliJson(
  root: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; json: any }> {
  const r = await brtopsAsync(root, AI, args, env);
  return { code: r.code, json: JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "null") };
}
const findingsAt = async (root: string): Promise<any[]> =>
  (await cliJson(root, ["status", "--json"], {})).json.gate.findings;

describe.skipIf(!existsSync(REGISTRY_BIN))("preflight of an OCI registry target", () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: "token", users: { ci: PASSWORD } });
  }, 120_000);
  afterAll(async () => {
    await reg?.stop();
  });
  const oci = (host: string): string =>
    `    oci: {image: "${host}/acme/widget", from: out/oci, tags: ["{version}", latest]}\n`;

  it("good credentials: the registry answers and they may push (an upload started and cancelled); no finding", async () => {
    const root = project(oci(reg.host));
    const r = await brtopsAsync(root, AI, ["release", "1.1.0", "--to", "qa"], {
      ...NO_TOKENS,
      OCI_USERNAME: "ci",
      OCI_PASSWORD: PASSWORD,
    });
    expect(r.code, r.stderr).toBe(3);
    expect(preflightOf(root).checks).toContainEqual(
      expect.objectContaining({
        name: "OCI registry",
        ok: true,
        detail: expect.stringContaining("the credentials from OCI_USERNAME/OCI_PASSWORD may push"),
      }),
    );
    expect(reg.tokenRequests.some((t) => t.user === "ci" && t.scope.includes("repository:acme/widget:pull,push"))).toBe(
      true,
    );
    expect((await findingsAt(root)).filter((f: any) => /^E_OCI/.test(f.code))).toEqual([]);
  });

  it("a wrong password and no credentials are critical findings that say what to do; the password is not logged", async () => {
    const wrong = project(oci(reg.host));
    const w = await brtopsAsync(wrong, AI, ["release", "1.1.0", "--to", "qa"], {
      ...NO_TOKENS,
      OCI_USERNAME: "ci",
      OCI_PASSWORD: "not-the-Password-42",
    });
    expect(w.code, w.stderr).toBe(3);
    expect(await findingsAt(wrong)).toContainEqual(
      expect.objectContaining({
        severity: "critical",
        code: "E_OCI_AUTH",
        message: expect.stringMatching(
          /refused the credentials from OCI_USERNAME\/OCI_PASSWORD.*To do: set OCI_USERNAME/,
        ),
      }),
    );
    expect(readFileSync(join(wrong, ".brtops/releases/1.1.0/events.jsonl"), "utf8")).not.toContain(
      "not-the-Password-42",
    );

    const none = project(oci(reg.host));
    const dry = await cliJson(none, ["release", "1.1.0", "--to", "qa", "--dry-run", "--json"], NO_TOKENS);
    expect(dry.code).toBe(0);
    expect(dry.json.preflight.findings).toContainEqual(
      expect.objectContaining({
        severity: "critical",
        code: "E_OCI_AUTH",
        message: expect.stringContaining("anonymous access"),
      }),
    );
  });

  it("a registry that does not answer is a critical finding naming it", async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const root = project(oci(down));
    const dry = await cliJson(root, ["release", "1.1.0", "--to", "qa", "--dry-run", "--json"], {
      ...NO_TOKENS,
      OCI_USERNAME: "ci",
      OCI_PASSWORD: PASSWORD,
    });
    expect(dry.code).toBe(0);
    expect(dry.json.preflight.findings).toContainEqual(
      expect.objectContaining({
        severity: "critical",
        code: "E_OCI_UNREACHABLE",
        message: expect.stringMatching(new RegExp(`${down}.*To do: check the registry's address`)),
      }),
    );
  });
});

describe("preflight of the GitHub and npm targets", () => {
  it("a fine-grained token (no scopes) is judged by its repository permission: one that may not push is a finding saying what to do", async () => {
    const token = "github_pat_fineGrained0123456789";
    const cannot = await startFakeGitHub({ token, scopes: null, push: false });
    cleanups.push(() => cannot.close());
    const root = project(`    github: {repository: acme/sample, baseUrl: "${cannot.baseUrl}"}\n`);
    const r = await brtopsAsync(root, AI, ["release", "1.1.0", "--to", "qa"], { ...NO_TOKENS, GITHUB_TOKEN: token });
    expect(r.code, r.stderr).toBe(3);
    const pre = preflightOf(root);
    expect(pre.checks).toContainEqual(
      expect.objectContaining({
        name: "GitHub user",
        ok: true,
        detail: expect.stringContaining("without classic scopes"),
      }),
    );
    const found = await findingsAt(root);
    expect(found).toContainEqual(
      expect.objectContaining({
        severity: "critical",
        code: "E_GITHUB_FORBIDDEN",
        message: expect.stringContaining("To do: give the fine-grained token Contents: read and write on acme/sample"),
      }),
    );
    expect(found.some((f: any) => f.code === "E_GITHUB_SCOPES")).toBe(false);

    const can = await startFakeGitHub({ token, scopes: null, push: true });
    cleanups.push(() => can.close());
    const ok = project(`    github: {repository: acme/sample, baseUrl: "${can.baseUrl}"}\n`);
    expect(
      (await brtopsAsync(ok, AI, ["release", "1.1.0", "--to", "qa"], { ...NO_TOKENS, GITHUB_TOKEN: token })).code,
    ).toBe(3);
    expect((await findingsAt(ok)).filter((f: any) => /GITHUB/.test(f.code))).toEqual([]);
    expect(preflightOf(ok).checks).toContainEqual(
      expect.objectContaining({ name: "GitHub push permission", ok: true }),
    );
  });

  it("an npm registry that cannot be reached is a critical finding (npm whoami)", async () => {
    const root = project(`    npm: {registry: "http://127.0.0.1:${await freePort()}/"}\n`);
    const dry = brtops(root, AI, ["release", "1.1.0", "--to", "qa", "--dry-run", "--json"], {
      ...NO_TOKENS,
      NPM_TOKEN: "npm_someToken123",
    });
    expect(dry.code).toBe(0);
    expect(dry.json.preflight.findings).toContainEqual(
      expect.objectContaining({ severity: "critical", code: "E_NPM_REGISTRY" }),
    );
    expect(dry.stdout).not.toContain("npm_someToken123");
  });
});
