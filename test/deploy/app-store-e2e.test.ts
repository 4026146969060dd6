/**
 * "RELEASE v1.1.0 to App Store" through the built CLI, against a local App Store Connect API
 * (test/support/fake-app-store.ts) that checks every request's ES256 token against the key's
 * public half and answers with Apple's documented shapes and errors. The project's own upload
 * command hands the build to the fake; 6.1 finds it, follows its processing, makes the version with
 * "What's New" per locale and its phased release, submits it and follows App Review: approved →
 * certified; rejected → an incident, never ✔. PAUSE / RESUME move the phased release; the 2.10
 * gate says when "What's New" is missing or too long; a wrong key is a preflight finding.
 *
 * The fake answers from this process: every CLI call is asynchronous.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { AI, CLI, HUM, brtopsAsync, type CliResult } from "../support/cli.js";
import { appStoreProject, GERMAN_WHATS_NEW, type AppStoreProject } from "../support/app-store-project.js";
import { makeKey } from "../support/fake-app-store.js";

// Each test runs ~15-25 CLI processes; under a loaded CI machine that is minutes, never a fixed wait.
const TIMEOUT = 480_000;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Fixture = AppStoreProject;
const DE = GERMAN_WHATS_NEW;
const fixture = (o: Parameters<typeof appStoreProject>[1] = {}): Promise<Fixture> => appStoreProject(cleanups, o);

async function cli(fx: Fixture, as: string, args: string[], code?: number): Promise<CliResult> {
  const r = await brtopsAsync(fx.root, as, args, fx.env);
  if (code !== undefined) expect(r.code, `brtops ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`).toBe(code);
  return r;
}
const statusOf = async (fx: Fixture): Promise<any> =>
  JSON.parse((await cli(fx, AI, ["status", "--json"])).stdout.trim().split("\n").at(-1)!);

function events(fx: Fixture, release: string): any[] {
  const text = readFileSync(join(fx.root, ".brtops/releases", release, "events.jsonl"), "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => [JSON.parse(l)].flat());
}

/** Polls the fake (a fact in this process) until `ok`, or fails after the test's budget. */
async function until(what: string, ok: () => boolean, runner?: Promise<CliResult>): Promise<void> {
  let done: CliResult | null = null;
  void runner?.then((r) => (done = r));
  // Bounded by the test's timeout; each look is a fact, the 10 ms only yields to the fake's server.
  for (;;) {
    if (ok()) return;
    if (done)
      throw new Error(`the runner ended before ${what}:\n${(done as CliResult).stdout}\n${(done as CliResult).stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Requests `version` to the App Store and passes 2.10 and 5.10: the next run deploys. */
async function toDeployment(fx: Fixture, version: string): Promise<void> {
  await cli(fx, AI, [`RELEASE v${version} to App Store`], 3);
  expect((await statusOf(fx)).environment).toBe("app-store");
  await cli(fx, HUM, ["approve", "--step", "2.10"], 0);
  await cli(fx, AI, ["run"], 3);
  expect((await statusOf(fx)).step).toBe("5.10");
  await cli(fx, HUM, ["approve", "--step", "5.10"], 0);
}

/** `brtops run` in the background, stopped by the cleanup if the test ends first. */
function startRunner(fx: Fixture): Promise<CliResult> & { kill: () => void } {
  // Its own process group, so that a SIGKILL is a crash of the runner and of what it started.
  const child = spawn(process.execPath, [CLI, "run", "--as", AI], {
    cwd: fx.root,
    env: { ...process.env, BRTOPS_ACTOR: "", ...fx.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise<CliResult>((res) =>
    child.on("close", (code) => res({ code: code ?? -1, stdout, stderr, json: undefined })),
  );
  const kill = (): void => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone already */
    }
  };
  cleanups.push(async () => {
    kill();
    await exited;
  });
  return Object.assign(exited, { kill });
}

/** Runs 6.1 up to App Review: the runner follows the review while it waits. */
async function toReview(fx: Fixture, version: string): Promise<{ runner: ReturnType<typeof startRunner> }> {
  const runner = startRunner(fx);
  await until(
    "the version is waiting for review",
    () => fx.asc.version(version)?.state === "WAITING_FOR_REVIEW",
    runner,
  );
  return { runner }; // wrapped: an async function returning the promise itself would wait for it
}

/** v1.1.0 through App Review, approved: the runner stops at 7.10 with the app on sale (phased release active). */
async function onSale(fx: Fixture): Promise<void> {
  await toDeployment(fx, "1.1.0");
  const { runner } = await toReview(fx, "1.1.0");
  fx.asc.approve("1.1.0");
  const r = await runner;
  expect(r.code, r.stdout + r.stderr).toBe(3);
}

describe("RELEASE to App Store (a local App Store Connect API)", () => {
  it(
    "v1.1.0: uploaded, processed, version with What's New per locale, submitted, approved by App Review → certified; PAUSE / RESUME move the phased release",
    async () => {
      const fx = await fixture();
      await onSale(fx);
      const s = await statusOf(fx);
      expect(s.step).toBe("7.10");
      expect(s.appStore).toMatchObject({ state: "READY_FOR_DISTRIBUTION", phasedRelease: "ACTIVE" });

      // What App Store Connect holds: the version with the uploaded build, What's New per locale, a phased release.
      const v = fx.asc.version("1.1.0")!;
      expect(v.buildId).toBe(fx.asc.builds[0]!.id);
      expect(fx.asc.builds).toHaveLength(1);
      const loc = Object.fromEntries(fx.asc.localizations.map((l) => [l.locale, l.whatsNew]));
      expect(loc["de-DE"]).toBe(DE.trim());
      expect(loc["en-US"]).toMatch(/^• /); // the release notes as plain text
      expect(fx.asc.phased).toEqual([expect.objectContaining({ versionId: v.id, state: "ACTIVE" })]);
      const create = fx.asc.requests.find((q) => q.method === "POST" && q.path === "/v1/appStoreVersions")!;
      expect(create.body).toEqual({
        data: {
          type: "appStoreVersions",
          attributes: { platform: "IOS", versionString: "1.1.0", releaseType: "AFTER_APPROVAL" },
          relationships: { app: { data: { type: "apps", id: "1234567890" } } },
        },
      });
      expect(fx.asc.requests.filter((q) => q.status === 401)).toEqual([]);
      expect(fx.asc.requests.some((q) => q.method === "PATCH" && /^\/v1\/reviewSubmissions\//.test(q.path))).toBe(true);

      // DEPLOYMENT STATUS shows App Review's decision.
      const d = await cli(fx, AI, ["DEPLOYMENT STATUS"], 0);
      expect(d.stdout).toContain("READY_FOR_DISTRIBUTION");

      // RELEASE PAUSE pauses the phased release; RELEASE RESUME resumes it.
      await cli(fx, HUM, ["RELEASE PAUSE"], 0);
      expect(fx.asc.phased[0]!.state).toBe("PAUSED");
      expect((await statusOf(fx)).appStore.phasedRelease).toBe("PAUSED");
      await cli(fx, HUM, ["RELEASE RESUME"], 0);
      expect(fx.asc.phased[0]!.state).toBe("ACTIVE");

      await cli(fx, HUM, ["approve", "--step", "7.10"], 0);
      await cli(fx, AI, ["run"]);
      expect((await statusOf(fx)).state).toBe("certified");
      // The phased release outlives the run: paused and resumed after certification too.
      await cli(fx, HUM, ["pause", "--env", "app-store"], 0);
      expect(fx.asc.phased[0]!.state).toBe("PAUSED");
      await cli(fx, HUM, ["resume", "--env", "app-store"], 0);
      expect(fx.asc.phased[0]!.state).toBe("ACTIVE");
      expect((await statusOf(fx)).state).toBe("certified");
      const log = JSON.stringify(events(fx, "1.1.0"));
      const keyBody = fx.key.p8.split("\n")[1]!;
      expect(log).not.toContain(keyBody);
      expect(log).not.toMatch(/eyJ[\w-]+\.eyJ/); // no token either
      await cli(fx, AI, ["audit", "verify"], 0);
    },
    TIMEOUT,
  );

  it(
    "a runner SIGKILLed while it follows App Review: the next run goes on following, nothing is made twice",
    async () => {
      const fx = await fixture();
      await toDeployment(fx, "1.1.0");
      const { runner } = await toReview(fx, "1.1.0");
      runner.kill();
      await runner;
      const again = startRunner(fx);
      // The second runner is following when it asks App Store Connect for the version again.
      const asked = fx.asc.requests.length;
      await until(
        "the second runner reads the version",
        () =>
          fx.asc.requests
            .slice(asked)
            .some((q) => q.method === "GET" && /^\/v1\/appStoreVersions\/[^/?]+\?/.test(q.path)),
        again,
      );
      fx.asc.approve("1.1.0");
      const r = await again;
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect((await statusOf(fx)).step).toBe("7.10");
      expect(fx.asc.builds).toHaveLength(1);
      expect(fx.asc.versions).toHaveLength(1);
      expect(fx.asc.submissions).toHaveLength(1);
      expect(fx.asc.requests.filter((q) => q.method === "POST" && q.path === "/fake/upload")).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    "a rejected review is an incident, never a success",
    async () => {
      const fx = await fixture();
      await toDeployment(fx, "1.1.0");
      const { runner } = await toReview(fx, "1.1.0");
      fx.asc.reject("1.1.0");
      const r = await runner;
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const s = await statusOf(fx);
      expect(s.state).toBe("awaiting-hum-lead");
      expect(s.incident.error.code).toBe("E_APP_STORE_REJECTED");
      expect(s.appStore.state).toBe("REJECTED");
      const failed = events(fx, "1.1.0")
        .filter((e) => e.type === "StepFailed")
        .map((e) => e.data.step);
      expect(failed).toEqual(expect.arrayContaining(["6.1:app-store-review", "6.1"]));
      expect(events(fx, "1.1.0").some((e) => e.type === "StepSucceeded" && e.data.step === "6.1")).toBe(false);
      const d = await cli(fx, AI, ["DEPLOYMENT STATUS"], 0);
      expect(d.stdout).toContain("REJECTED");
      expect(d.stdout).not.toMatch(/succeeded\s+6\.1\s/);
    },
    TIMEOUT,
  );

  it(
    "rollback as the HUM LEAD chose: remove-from-sale makes the app unavailable everywhere, recorded with the decision",
    async () => {
      const fx = await fixture();
      await onSale(fx);
      const bad = await cli(fx, HUM, ["rollback", "--app-store", "withdraw"]);
      expect(bad.code, bad.stderr).toBe(2);
      expect(fx.asc.territories.every((t) => t.available)).toBe(true);
      await cli(fx, HUM, ["rollback", "--app-store", "remove-from-sale", "--note", "crash on launch"], 0);
      await cli(fx, AI, ["run"]);
      expect((await statusOf(fx)).state).toBe("rolled-back");
      expect(fx.asc.territories.map((t) => t.available)).toEqual([false, false]);
      const ev = events(fx, "1.1.0");
      expect(ev.find((e) => e.type === "RollbackRequested").data.appStore).toBe("remove-from-sale");
      const done = ev.find((e) => e.type === "StepSucceeded" && /:app-store$/.test(e.data.step));
      expect(done.data.result).toMatchObject({
        choice: "remove-from-sale",
        action: "removed-from-sale",
        territories: ["USA", "DEU"],
      });
      expect(fx.asc.phased[0]!.state).toBe("ACTIVE"); // not paused: the HUM LEAD chose removal
      // The documents say what was chosen and what was done.
      const doc = readFileSync(join(fx.root, "docs/01_application/6-releases/v1.1.0/rollback-procedures.md"), "utf8");
      expect(doc).toContain("App Store: remove the app from sale");
      expect(doc).toContain("com.acme.widget removed from sale in 2 territories");
    },
    TIMEOUT,
  );

  it(
    "rollback as the HUM LEAD chose: pause halts the phased release and leaves the app on sale, recorded with the decision",
    async () => {
      const fx = await fixture();
      await onSale(fx);
      expect(fx.asc.phased[0]!.state).toBe("ACTIVE");
      await cli(fx, HUM, ["rollback", "--app-store", "pause", "--note", "crash on launch"], 0);
      await cli(fx, AI, ["run"]);
      expect((await statusOf(fx)).state).toBe("rolled-back");
      expect(fx.asc.phased[0]!.state).toBe("PAUSED");
      expect(fx.asc.territories.every((t) => t.available)).toBe(true); // not removed: the HUM LEAD chose a pause
      const ev = events(fx, "1.1.0");
      expect(ev.find((e) => e.type === "RollbackRequested").data.appStore).toBe("pause");
      const done = ev.find((e) => e.type === "StepSucceeded" && /:app-store$/.test(e.data.step));
      expect(done.data.result).toMatchObject({
        choice: "pause",
        action: "phased-release-paused",
        phasedRelease: "PAUSED",
      });
    },
    TIMEOUT,
  );

  it(
    "2.10: a missing locale and a What's New over 4000 characters are critical findings",
    async () => {
      const fx = await fixture({ locales: ["en-US", "de-DE", "fr-FR"], whatsNew: { "de-DE": "x".repeat(4001) } });
      await cli(fx, AI, ["RELEASE v1.1.0 to App Store"], 3);
      const s = await statusOf(fx);
      expect(s.step).toBe("2.10");
      const codes = s.gate.findings.map((f: any) => `${f.severity} ${f.code}`);
      expect(codes).toContain("critical APP_STORE_WHATS_NEW_TOO_LONG");
      expect(codes).toContain("critical APP_STORE_WHATS_NEW_MISSING");
      const text = s.gate.findings.map((f: any) => f.message).join("\n");
      expect(text).toContain("de-DE");
      expect(text).toContain("4001");
      expect(text).toContain("fr-FR");
      expect(text).not.toMatch(/en-US.*missing/);
      // Nothing reached App Store Connect before the approvals (the preflight only looked).
      expect(fx.asc.requests.filter((q) => q.method !== "GET")).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "preflight: a key App Store Connect does not accept, and no key at all, are critical findings at phase 1",
    async () => {
      const other = makeKey();
      const fx = await fixture({ env: { ASC_PRIVATE_KEY: other.p8 } });
      await cli(fx, AI, ["RELEASE v1.1.0 to App Store"], 3);
      const s = await statusOf(fx);
      const f = s.gate.findings.find((x: any) => x.code === "E_APP_STORE_AUTH");
      expect(f, JSON.stringify(s.gate.findings)).toMatchObject({ severity: "critical" });
      expect(f.message).toContain("401");
      expect(fx.asc.requests.map((q) => q.status)).toContain(401);
      expect(JSON.stringify(events(fx, "1.1.0"))).not.toContain(other.p8.split("\n")[1]!);

      const none = await fixture({ env: { ASC_PRIVATE_KEY: "" } });
      await cli(none, AI, ["RELEASE v1.1.0 to App Store"], 3);
      const codes = (await statusOf(none)).gate.findings.map((x: any) => x.code);
      expect(codes).toContain("E_APP_STORE_CREDENTIALS");
    },
    TIMEOUT,
  );
});
