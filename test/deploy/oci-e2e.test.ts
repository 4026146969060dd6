/**
 * "RELEASE v1.1.0 to Docker Hub" through the built CLI, against a real registry on loopback
 * (Debian's docker-registry with token auth, as Docker Hub does it) behind a logging proxy: the
 * environment docker-hub has an `oci:` block; the build makes an OCI layout with umoci; 2.4
 * approves its manifest digest; 6.1 pushes it and points `1.1.0` and `latest` at it. A failing
 * 1.2.0 rolled back by the HUM LEAD puts `latest` back on 1.1.0's digest. A runner SIGKILLed
 * mid-push, then `brtops run`: the same tags, and no blob uploaded twice.
 *
 * The token server and the proxy answer from this process: every CLI call is asynchronous.
 */
import { execFile } from "node:child_process";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  AI,
  CLI,
  HUM,
  brtopsAsync,
  sampleProject,
  type CliResult,
  brtopsChecked,
  statusAsync,
  intactEvents,
} from "../support/cli.js";
import { startRunner, type RunnerProcess } from "../support/runner-process.js";
import { startRegistry, startRegistryProxy, type Registry, type RegistryProxy } from "../support/oci-registry.js";

const PASSWORD = "Hub-Passw0rd-not-for-logs";
const CREDS = { OCI_USERNAME: "ci", OCI_PASSWORD: PASSWORD };
const TIMEOUT = 240_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Fixture {
  root: string;
  reg: Registry;
  proxy: RegistryProxy;
  image: string;
}

const IMAGE_SH = `#!/bin/sh
# Builds the OCI image layout out/oci of version $1 with umoci (/app/version holds the version).
set -e
rm -rf out/oci
mkdir -p out
printf '%s\\n' "$1" > out/version
umoci init --layout out/oci
umoci new --image out/oci:latest
umoci insert --image out/oci:latest out/version /app/version
umoci gc --layout out/oci
`;
// Unhealthy when a marker beside the project says so (outside it: the working tree stays clean).
const HEALTH_SH = `#!/bin/sh\ntest ! -e "../fail-$1" && echo "image $1 serves"\n`;

async function fixture(): Promise<Fixture> {
  const reg = await startRegistry({ auth: "token", users: { ci: PASSWORD } });
  cleanups.push(() => reg.stop());
  const proxy = await startRegistryProxy(reg.host);
  cleanups.push(() => proxy.close());
  const image = `${proxy.host}/acme/widget`;
  const p = sampleProject({
    envExtra: `  docker-hub:\n    oci: {image: "${image}", from: out/oci, tags: ["{version}", latest]}\n    health:\n      - {name: image, run: [./scripts/image-health.sh, "{version}"], interval: 0.05, failuresBeforeUnhealthy: 1}\n    onFailure: ask\n`,
    extra: `build:\n  - {name: image, run: [./scripts/image.sh, "{version}"]}\n`,
  });
  cleanups.push(p.cleanup);
  writeFileSync(join(p.root, "scripts/image.sh"), IMAGE_SH);
  writeFileSync(join(p.root, "scripts/image-health.sh"), HEALTH_SH);
  for (const f of ["image.sh", "image-health.sh"]) chmodSync(join(p.root, "scripts", f), 0o755);
  writeFileSync(join(p.root, ".gitignore"), ".brtops/\nservice/\nout/\n");
  await git(p.root, "add", "-A");
  await git(p.root, "commit", "-q", "-m", "build: the widget image");
  return { root: p.root, reg, proxy, image };
}

const git = async (cwd: string, ...args: string[]): Promise<string> =>
  (await promisify(execFile)("git", args, { cwd, encoding: "utf8" })).stdout.trim();

const cli = (fx: Fixture, as: string, args: string[], code?: number): Promise<CliResult> =>
  brtopsChecked(fx.root, as, args, CREDS, code);
const statusOf = (fx: Fixture): Promise<any> => statusAsync(fx.root, CREDS);

/** The digest a tag resolves to, asked of the registry itself (skopeo, with the token flow). */
async function tagDigest(fx: Fixture, tag: string): Promise<string> {
  const r = await promisify(execFile)(
    "skopeo",
    [
      "inspect",
      "--tls-verify=false",
      "--creds",
      `ci:${PASSWORD}`,
      "--format",
      "{{.Digest}}",
      `docker://${fx.reg.host}/acme/widget:${tag}`,
    ],
    { encoding: "utf8" },
  );
  return r.stdout.trim();
}

const approvedDigest = (fx: Fixture, release: string): string =>
  intactEvents(fx.root, release).find((e) => e.type === "PackageFixed").data.images[0].digest;

/** Requests `version` to Docker Hub and passes 2.10 and 5.10: the next run deploys. */
async function toDeployment(fx: Fixture, version: string): Promise<void> {
  await cli(fx, AI, ["RELEASE v" + version + " to Docker Hub"], 3);
  expect((await statusOf(fx)).environment).toBe("docker-hub");
  await cli(fx, HUM, ["approve", "--step", "2.10"], 0);
  await cli(fx, AI, ["run"], 3);
  expect((await statusOf(fx)).step).toBe("5.10");
  await cli(fx, HUM, ["approve", "--step", "5.10"], 0);
}

async function certify(fx: Fixture): Promise<void> {
  expect((await statusOf(fx)).step).toBe("7.10");
  await cli(fx, HUM, ["approve", "--step", "7.10"], 0);
  await cli(fx, AI, ["run"]);
  expect((await statusOf(fx)).state).toBe("certified");
}

/** Blob uploads the registry received (the PUT that completes each one), by digest. */
const blobPuts = (fx: Fixture): string[] =>
  fx.proxy.requests
    .filter((r) => r.method === "PUT" && /\/blobs\/uploads\//.test(r.path))
    .map((r) => new URLSearchParams(r.query).get("digest")!);

describe("RELEASE to Docker Hub (an OCI registry on loopback)", () => {
  it(
    "v1.1.0: tags 1.1.0 and latest at the approved digest; a failing 1.2.0 rolled back puts latest back on 1.1.0's digest",
    async () => {
      const fx = await fixture();
      await toDeployment(fx, "1.1.0");
      await cli(fx, AI, ["run"], 3);
      const v110 = approvedDigest(fx, "1.1.0");
      expect(v110).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(await tagDigest(fx, "1.1.0")).toBe(v110);
      expect(await tagDigest(fx, "latest")).toBe(v110);
      const deployed = intactEvents(fx.root, "1.1.0").find((e) => e.type === "StepSucceeded" && e.data.step === "6.1");
      expect(deployed.data.result.completed).toEqual(["oci-push", "oci-tags"]);
      await certify(fx);
      const pushedOnce = blobPuts(fx);
      expect(new Set(pushedOnce).size).toBe(pushedOnce.length);

      // 1.2.0: a new commit, deployed, then its health check fails and the HUM LEAD rolls back.
      writeFileSync(join(fx.root, "src/widget.js"), "export const widget = () => 2;\n");
      await git(fx.root, "add", "-A");
      await git(fx.root, "commit", "-q", "-m", "feat(widget): the widget");
      await toDeployment(fx, "1.2.0");
      writeFileSync(join(fx.root, "..", "fail-1.2.0"), "");
      cleanups.push(() => rmSync(join(fx.root, "..", "fail-1.2.0"), { force: true }));
      await cli(fx, AI, ["run"], 1);
      const v120 = approvedDigest(fx, "1.2.0");
      expect(v120).not.toBe(v110);
      expect(await tagDigest(fx, "latest")).toBe(v120); // deployed, then found unhealthy
      expect((await statusOf(fx)).state).toBe("awaiting-hum-lead");
      await cli(fx, HUM, ["guide", "rollback"], 0);
      await cli(fx, AI, ["run"]);
      expect((await statusOf(fx)).state).toBe("rolled-back");
      expect(await tagDigest(fx, "latest")).toBe(v110);
      expect(await tagDigest(fx, "1.1.0")).toBe(v110);
      expect(await tagDigest(fx, "1.2.0")).toBe(v120); // the version's own tag stays
      const rb = intactEvents(fx.root, "1.2.0").find(
        (e) => e.type === "StepSucceeded" && /:oci-tags$/.test(e.data.step) && !e.data.step.startsWith("6.1"),
      );
      expect(rb.data.result).toMatchObject({
        tags: { latest: v110 },
        restored: { version: "1.1.0", digest: v110, source: "ledger", release: "1.1.0" },
      });
      for (const r of ["1.1.0", "1.2.0"]) expect(JSON.stringify(intactEvents(fx.root, r))).not.toContain(PASSWORD);
      await cli(fx, AI, ["audit", "verify"], 0);
    },
    TIMEOUT,
  );

  it(
    "an environment named docker-hub without an oci block claims no deployment",
    async () => {
      const p = sampleProject({ envExtra: "  docker-hub:\n    description: nothing to push yet\n" });
      cleanups.push(p.cleanup);
      const r = await brtopsAsync(p.root, AI, ["release", "1.1.0", "--to", "Docker Hub"]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain("E_ENVIRONMENT_EMPTY");
      expect(r.stderr).toContain("oci");
    },
    TIMEOUT,
  );
});

/** A `brtops run` in its own process group, so that a SIGKILL is a crash. */
function crashableRunner(fx: Fixture): RunnerProcess {
  const r = startRunner(fx.root, CREDS);
  cleanups.push(r.kill);
  return r;
}

describe("SIGKILL mid-push, then brtops run", () => {
  it.each([
    [
      "the manifest PUT, before the registry has it",
      "PUT",
      /\/manifests\/sha256:/,
      "before" as const,
      /^6\.1:oci-manifest-/,
      false,
    ],
    [
      "a blob upload, stored by the registry but the answer lost",
      "PUT",
      /\/blobs\/uploads\//,
      "after" as const,
      /^6\.1:oci-blob-/,
      true,
    ],
  ])(
    "%s: same tags, no blob uploaded twice",
    async (_name, method, path, at, effect, adopted) => {
      const fx = await fixture();
      await toDeployment(fx, "1.1.0");
      const held = fx.proxy.hold(method, path, at);
      const runner = crashableRunner(fx);
      let ended = false;
      void runner.exited.then(() => (ended = true));
      let reached = false;
      void held.then(() => (reached = true));
      for (const t0 = Date.now(); !reached; await sleep(20)) {
        if (ended || Date.now() - t0 > 120_000)
          throw new Error(`the runner never reached ${method} ${path.source}:\n${runner.output()}`);
      }
      await runner.kill();
      expect(await runner.exited).toBe("SIGKILL");
      const inFlight = intactEvents(fx.root, "1.1.0")
        .filter((e) => e.type === "StepStarted" && effect.test(e.data.step))
        .map((e) => e.data.step);
      const done = new Set(
        intactEvents(fx.root, "1.1.0")
          .filter((e) => e.type === "StepSucceeded")
          .map((e) => e.data.step),
      );
      const interrupted = inFlight.filter((s) => !done.has(s));
      expect(interrupted).toHaveLength(1);

      await cli(fx, AI, ["run"], 3);
      const digest = approvedDigest(fx, "1.1.0");
      expect(await tagDigest(fx, "1.1.0")).toBe(digest);
      expect(await tagDigest(fx, "latest")).toBe(digest);
      const recovered = intactEvents(fx.root, "1.1.0").filter(
        (e) => e.type === "StepSucceeded" && e.data.step === interrupted[0],
      );
      expect(recovered).toHaveLength(1);
      expect(recovered[0].data.adopted === true).toBe(adopted);
      const puts = blobPuts(fx);
      expect(puts.length).toBeGreaterThan(0);
      expect(new Set(puts).size, `blob uploads: ${puts.join(", ")}`).toBe(puts.length);
      await certify(fx);
      await cli(fx, AI, ["audit", "verify"], 0);
    },
    TIMEOUT,
  );
});
