/**
 * What runs where, through the CLI on real git repositories: promotion of one approved package
 * from staging to production, rollback to what ran there before (the ledger, not the last tag),
 * the project's release history (certified versions count), one release per environment at a time
 * (file store and PostgreSQL), new attempts of an aborted version, and rollback after certification.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AI, HUM, brtops, brtopsAsync, sampleProject, loggedEvents, approveGates } from "../support/cli.js";
import { PRODUCTION_ENV, writeProductionScripts } from "../support/production-env.js";
import { postgresSkipped } from "../support/postgres.js";
import { postgresPerTest } from "../support/postgres-suite.js";

const git = (root: string, ...args: string[]): string =>
  execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

/** The build: one artifact made from the committed source. */
const BUILD = `build:
  - {name: bundle, run: [./scripts/build.sh], artifacts: [dist/app.txt]}
`;

function project(o: { production?: boolean; promotion?: boolean } = {}) {
  const p = sampleProject({
    envExtra: o.production ? PRODUCTION_ENV : "",
    extra: `${BUILD}${o.promotion ? "promotion: [local, production]\n" : ""}`,
  });
  const root = p.root;
  writeFileSync(join(root, "scripts/build.sh"), "#!/bin/sh\nset -e\nmkdir -p dist\ncat src/*.js > dist/app.txt\n");
  chmodSync(join(root, "scripts/build.sh"), 0o755);
  writeProductionScripts(root);
  writeFileSync(join(root, ".gitignore"), ".brtops/\nservice/\nservice-prod/\ndist/\n");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "chore: build and production scripts");
  return p;
}

/** Takes the open release on `env` from its gate to certification, approving each gate (the SEV decides which). */
function certify(root: string, env: string): any {
  const { status, approved } = approveGates(root, (s) => s.state === "certified", ["--env", env]);
  expect(status.state, JSON.stringify(status)).toBe("certified");
  expect(approved.at(-1)).toBe("7.10");
  return status;
}

function environments(root: string): any[] {
  const r = brtops(root, AI, ["environments", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return r.json.environments;
}

describe("release lineage (file store)", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it("promotes 1.1.0 from staging to production: same package, no rebuild, both in the ledger", () => {
    const p = project({ production: true, promotion: true });
    cleanup = p.cleanup;
    const root = p.root;
    // The promotion order refuses production before staging certified it.
    const early = brtops(root, AI, ["release", "1.1.0", "--to", "production", "--json"]);
    expect(early.code).toBe(2);
    expect(early.json.error.code).toBe("E_PROMOTION_ORDER");
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    const staging = certify(root, "local");
    expect(staging.release).toBe("1.1.0");
    const built = loggedEvents(root, "1.1.0").find((e) => e.type === "PackageFixed").data;

    const r = brtops(root, AI, ["release", "1.1.0", "--to", "production", "--json"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.json.release).toBe("1.1.0@production");
    expect(r.json.promotion).toMatchObject({ from: "1.1.0", environment: "local", commit: built.commit });
    const prod = loggedEvents(root, "1.1.0@production");
    // No rebuild: 2.4 verified the stored package instead of running the build again.
    const r24 = prod.find((e) => e.type === "StepSucceeded" && e.data.step === "2.4").data.result;
    expect(r24.promotedFrom).toBe("1.1.0");
    expect(r24.ok).toBe(true);
    expect(prod.some((e) => e.type === "StepStarted" && e.data.step.startsWith("2.4:"))).toBe(false);
    certify(root, "production");
    expect(readFileSync(join(root, "service-prod/version"), "utf8").trim()).toBe("1.1.0");

    const envs = environments(root);
    const local = envs.find((e) => e.name === "local");
    const production = envs.find((e) => e.name === "production");
    expect(local).toMatchObject({ version: "1.1.0", release: "1.1.0", commit: built.commit });
    expect(production).toMatchObject({
      version: "1.1.0",
      release: "1.1.0@production",
      commit: built.commit,
      state: "certified",
    });
    expect(production.artifacts).toEqual(built.artifacts.map((a: any) => ({ name: a.name, sha256: a.sha256 })));
    expect(production.artifacts.length).toBeGreaterThan(0);
    expect(production.history.map((h: any) => h.kind)).toEqual(["promoted", "certified"]);
    // The same run is addressed as 1.1.0@production or --release 1.1.0 --env production.
    expect(brtops(root, AI, ["status", "--json", "--release", "1.1.0@production"]).json.release).toBe(
      "1.1.0@production",
    );
    expect(brtops(root, AI, ["status", "--json", "--release", "1.1.0", "--env", "production"]).json.release).toBe(
      "1.1.0@production",
    );
    // Promoting it again where it already runs is refused.
    const again = brtops(root, AI, ["release", "1.1.0", "--to", "production", "--json"]);
    expect(again.code).toBe(2);
    expect(again.json.error.code).toBe("E_RELEASE_EXISTS");
  });

  it("a HUM LEAD's override deploys outside the promotion order; an AI LEAD's is refused", () => {
    const p = project({ production: true, promotion: true });
    cleanup = p.cleanup;
    const ai = brtops(p.root, AI, [
      "release",
      "1.1.0",
      "--to",
      "production",
      "--override-promotion",
      "hotfix",
      "--json",
    ]);
    expect(ai.code).toBe(4);
    const hum = brtops(p.root, HUM, [
      "release",
      "1.1.0",
      "--to",
      "production",
      "--override-promotion",
      "hotfix INC-7",
      "--json",
    ]);
    expect(hum.code, hum.stderr).toBe(3);
    expect(hum.json.release).toBe("1.1.0");
    const first = loggedEvents(p.root, "1.1.0")[0];
    expect(first.data.promotion).toBeUndefined();
  });

  it("a failed health check on staging after 1.1.0 was certified there rolls back to 1.1.0, not the last tag", () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    certify(root, "local");
    expect(readFileSync(join(root, "service/version"), "utf8").trim()).toBe("1.1.0");
    // 1.2.0 deploys but is never healthy.
    writeFileSync(join(root, "scripts/health.sh"), '#!/bin/sh\ntest "$(cat service/version)" != "1.2.0"\n');
    git(root, "commit", "-qam", "feat: 1.2.0 health");
    const r = brtops(root, AI, ["release", "1.2.0", "--to", "staging", "--json"]);
    expect(r.code).toBe(3);
    expect(r.json.previous).toBe("1.1.0");
    expect(r.json.previousSource).toBe("ledger");
    // Every gate up to the deployment (the SEV decides which); then the health check fails.
    for (let i = 0; i < 6 && !brtops(root, AI, ["status", "--json"]).json.incident; i++) {
      const g = brtops(root, AI, ["status", "--json"]).json.gate;
      expect(g).not.toBeNull();
      expect(brtops(root, HUM, ["approve", "--step", g.step, "--waive", "test", "--note", "ok"]).code).toBe(0);
      brtops(root, AI, ["run"]);
    }
    const s = brtops(root, AI, ["status", "--json"]).json;
    expect(s.incident, JSON.stringify(s)).not.toBeNull();
    expect(brtops(root, HUM, ["guide", "rollback"]).code).toBe(0);
    brtops(root, AI, ["run"]);
    expect(brtops(root, AI, ["status", "--json", "--release", "1.2.0"]).json.state).toBe("rolled-back");
    expect(readFileSync(join(root, "service/version"), "utf8").trim()).toBe("1.1.0");
    const local = environments(root).find((e) => e.name === "local");
    expect(local).toMatchObject({ version: "1.1.0", release: "1.1.0" });
    expect(local.history.map((h: any) => `${h.kind} ${h.version}`)).toEqual([
      "deployed 1.1.0",
      "certified 1.1.0",
      "deployed 1.2.0",
      "rolled-back 1.2.0",
    ]);
  });

  it("a first deployment's rollback steps that need {previous} are refused at planning time", () => {
    const p = project();
    cleanup = p.cleanup;
    git(p.root, "tag", "-d", "v1.0.0");
    const r = brtops(p.root, AI, ["release", "1.0.0", "--to", "staging", "--json"]);
    expect(r.code).toBe(3);
    expect(r.json.previous).toBeNull();
    expect(r.json.gate.step).toBe("2.10");
    const f = r.json.gate.findings.find((x: any) => x.code === "FIRST_DEPLOYMENT_ROLLBACK");
    expect(f?.severity).toBe("critical");
    // Approving over it needs a recorded waiver.
    expect(brtops(p.root, HUM, ["approve", "--step", "2.10"]).code).toBe(2);
  });

  it("the changelog counts from the commit an untagged certified release was made from; a version below it exits 2", () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    certify(root, "local");
    // Whatever tag the release made is removed: the certified release is known from its log alone.
    if (git(root, "tag", "--list", "v1.1.0")) git(root, "tag", "-d", "v1.1.0");
    writeFileSync(join(root, "src/cart.js"), "export const cart = [];\n");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "feat(cart): a cart");
    const below = brtops(root, AI, ["release", "1.0.5", "--to", "staging", "--json"]);
    expect(below.code).toBe(2);
    expect(below.json.error.code).toBe("E_VERSION_NOT_ABOVE_PREVIOUS");
    expect(below.json.error.message).toContain("1.1.0");
    // `minor` resolves past the certified version.
    const dry = brtops(root, AI, ["release", "minor", "--to", "staging", "--dry-run", "--json"]);
    expect(dry.json.version).toBe("1.2.0");
    expect(brtops(root, AI, ["release", "minor", "--to", "staging"]).code).toBe(3);
    const cl = loggedEvents(root, "1.2.0").find((e) => e.type === "StepSucceeded" && e.data.step === "2.2").data.result
      .changelog;
    // Exactly the commits after 1.1.0's release commit: the cart feature (and no login/search of 1.1.0).
    const titles = JSON.stringify(cl);
    expect(titles).toContain("a cart");
    expect(titles).not.toContain("one-time code");
    expect(titles).not.toContain("search the catalogue");
  });

  it("tests run against the release commit, not the working folder's uncommitted changes", () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    // Uncommitted: the working folder's login.js would fail the sample's test (it exports nothing).
    writeFileSync(join(root, "src/login.js"), "const login = () => true;\n");
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    const gate = brtops(root, AI, ["status", "--json"]).json.gate;
    expect(gate.findings.find((f: any) => f.code === "WORKING_TREE_DIRTY")?.message).toContain("src/login.js");
    // SEV-1 runs phase 3 (integration tests).
    expect(brtops(root, HUM, ["sev", "SEV-1", "--reason", "run the tests"]).code).toBe(0);
    expect(
      brtops(root, HUM, ["approve", "--step", "2.10", "--waive", "login.js is not part of this release"]).code,
    ).toBe(0);
    brtops(root, AI, ["run"]);
    const r31 = loggedEvents(root, "1.1.0").find((e) => e.type === "StepSucceeded" && e.data.step === "3.1").data
      .result;
    expect(r31.runs[0].name).toBe("smoke");
    expect(r31.failed).toBe(0);
    expect(r31.passed).toBe(1);
  });

  it("a second release to an environment is refused while the first is open, also when requested at once", async () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    const [a, b] = await Promise.all([
      brtopsAsync(root, AI, ["release", "1.1.0", "--to", "staging"]),
      brtopsAsync(root, AI, ["release", "1.2.0", "--to", "staging"]),
    ]);
    expect([a.code, b.code].sort()).toEqual([3, 5]);
    expect([a.stderr, b.stderr].join("\n")).toContain("E_ENVIRONMENT_BUSY");
    const later = brtops(root, AI, ["release", "1.3.0", "--to", "staging", "--json"]);
    expect(later.code).toBe(5);
    expect(later.json.error.code).toBe("E_ENVIRONMENT_BUSY");
    expect(later.json.error.message).toMatch(/Release 1\.[12]\.0/);
  });

  it("an aborted version is requested again as attempt 2, which certifies; the first attempt is kept", () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(brtops(root, HUM, ["abort", "--note", "wrong branch"]).code).toBe(0);
    const st = brtops(root, AI, ["status", "--json", "--release", "1.1.0"]).json;
    expect(st.state).toBe("aborted");
    expect(st.next[0]).toContain("brtops release 1.1.0 --to local");
    const r = brtops(root, AI, ["release", "1.1.0", "--to", "staging", "--json"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.json).toMatchObject({ release: "1.1.0@local~2", attempt: 2, earlier: ["1.1.0"] });
    certify(root, "local");
    expect(brtops(root, AI, ["status", "--json", "--release", "1.1.0@local~2"]).json.state).toBe("certified");
    // The first attempt is kept as it ended: aborted, then its documents finished with that outcome.
    const first = loggedEvents(root, "1.1.0");
    expect(first.at(-2).type).toBe("Aborted");
    expect(first.at(-1)).toMatchObject({
      type: "DocumentsWritten",
      data: { phase: 0, reason: "aborted", upTo: first.at(-2).seq },
    });
  });

  it("rollback after certification takes the environment back to what ran there before, HUM LEAD only", () => {
    const p = project();
    cleanup = p.cleanup;
    const root = p.root;
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    certify(root, "local");
    expect(brtops(root, AI, ["rollback", "--env", "local"]).code).toBe(4);
    const r = brtops(root, HUM, ["rollback", "--env", "local", "--note", "bad numbers"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, "service/version"), "utf8").trim()).toBe("1.0.0");
    const s = brtops(root, AI, ["status", "--json", "--release", "1.1.0"]).json;
    expect(s.state).toBe("rolled-back");
    expect(s.decisions.some((d: any) => d.type === "rollback" && d.by === HUM)).toBe(true);
    const local = environments(root).find((e) => e.name === "local");
    expect(local.version).toBe("1.0.0");
    expect(local.history.at(-1)).toMatchObject({ kind: "rolled-back", version: "1.1.0", to: "1.0.0" });
  });
});

describe.skipIf(postgresSkipped())("release lineage (PostgreSQL store)", () => {
  const pg = postgresPerTest();

  it("two requests for one environment at once: exactly one starts, the other is refused naming it", async () => {
    const p = project();
    const db = await pg.database(p.cleanup);
    const env = { BRTOPS_STORE: db.url };
    const [a, b] = await Promise.all([
      brtopsAsync(p.root, AI, ["release", "1.1.0", "--to", "staging"], env),
      brtopsAsync(p.root, AI, ["release", "1.2.0", "--to", "staging"], env),
    ]);
    expect([a.code, b.code].sort()).toEqual([3, 5]);
    expect([a.stderr, b.stderr].join("\n")).toContain("E_ENVIRONMENT_BUSY");
    const list = brtops(p.root, AI, ["list", "--json"], env).json.releases;
    expect(list).toHaveLength(1);
    const envs = brtops(p.root, AI, ["environments", "--json"], env).json.environments;
    expect(envs.find((e: any) => e.name === "local").version).toBeNull();
  });
});
