/**
 * Crash safety of the GitHub target (spec 6.8), end to end through the built CLI: for each
 * sub-step of 6.8 (annotated tag, atomic push of branch and tag, GitHub release, each asset
 * upload) the runner is SIGKILLed while the sub-step is in flight, at real interception points —
 * a git hook that stops inside the ref update, or the fake GitHub server holding the request —
 * before the world changed and after it changed but before brtops recorded it. A second
 * `brtops run` must leave exactly one tag (local and origin, at the release commit), exactly one
 * GitHub release with release-notes.md as its body, each asset exactly once, reach 7.10, certify
 * and keep an unbroken audit chain.
 *
 * The fake GitHub server runs in this process: every CLI call is asynchronous so it can answer.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  AI,
  CLI,
  HUM,
  sampleProject,
  type CliResult,
  brtopsChecked,
  intactEvents,
  statusAsync,
} from "../support/cli.js";
import { startRunner, type RunnerProcess } from "../support/runner-process.js";
import { startFakeGitHub, type FakeGitHub, type InterceptPoint } from "../support/fake-github.js";

const VERSION = "1.1.0";
const TAG = `v${VERSION}`;
const REPO = "acme/sample";
const TOKEN = `ghp_${"Crash5afeT0ken".repeat(3)}`;
const RELEASE_DIR = `docs/01_application/6-releases/v${VERSION}`;
const ASSETS = {
  [`sample-${VERSION}.tgz`]: `package ${VERSION}\n`,
  [`sample-${VERSION}.txt`]: `checksums ${VERSION}\n`,
} as const;
const [TGZ, TXT] = Object.keys(ASSETS) as [string, string];
const WAIT_MS = 90_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Fixture {
  /** The GitHub target makes a draft release (found by listing: GitHub's by-tag endpoint hides drafts). */
  draft: boolean;
  root: string;
  origin: string;
  fake: FakeGitHub;
  env: Record<string, string>;
  git(...args: string[]): string;
  originGit(...args: string[]): string;
}

/**
 * The sample project with a GitHub target on the fake server and a build whose two artifacts
 * become the release's assets. The release commit is not on origin yet, so 6.8's push moves the
 * branch as well as adding the tag.
 */
async function fixture(o: { draft?: boolean } = {}): Promise<Fixture> {
  const draft = o.draft ?? false;
  const fake = await startFakeGitHub({ token: TOKEN });
  cleanups.push(() => fake.close());
  const p = sampleProject({
    envExtra: `    github: {repository: ${REPO}, baseUrl: "${fake.baseUrl}", draft: ${draft}}\n`,
    extra: `build:\n  - {name: pack, run: [./scripts/pack.sh, "{version}"], artifacts: ["dist/sample-{version}.tgz", "dist/sample-{version}.txt"]}\n`,
  });
  cleanups.push(p.cleanup);
  const root = p.root;
  const origin = `${root}-origin.git`;
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  const originGit = (...args: string[]): string => execFileSync("git", args, { cwd: origin, encoding: "utf8" }).trim();
  writeFileSync(
    join(root, "scripts/pack.sh"),
    `#!/bin/sh\n# Builds the two release artifacts of version $1.\nset -e\nmkdir -p dist\nprintf 'package %s\\n' "$1" > "dist/sample-$1.tgz"\nprintf 'checksums %s\\n' "$1" > "dist/sample-$1.txt"\n`,
  );
  chmodSync(join(root, "scripts/pack.sh"), 0o755);
  writeFileSync(join(root, ".gitignore"), ".brtops/\nservice/\ndist/\n");
  git("add", "-A");
  git("commit", "-q", "-m", "chore: pack the release artifacts");
  const env = { GITHUB_TOKEN: TOKEN, BRTOPS_GITHUB_NO_PACING: "1", BRTOPS_GITHUB_RETRY_BASE_MS: "5" };
  return { draft, root, origin, fake, env, git, originGit };
}

const cli = (fx: Fixture, as: string, args: string[], code?: number): Promise<CliResult> =>
  brtopsChecked(fx.root, as, args, fx.env, code);
const status = (fx: Fixture): Promise<any> => statusAsync(fx.root, fx.env);

/** Requests the release and passes gates 2.10 and 5.10: the next `run` deploys and reaches 6.8. */
async function toDeployment(fx: Fixture): Promise<void> {
  await cli(fx, AI, ["release", VERSION, "--to", "staging"], 3);
  await cli(fx, HUM, ["approve", "--step", "2.10"], 0);
  await cli(fx, AI, ["run"], 3);
  expect((await status(fx)).step).toBe("5.10");
  await cli(fx, HUM, ["approve", "--step", "5.10"], 0);
}

const stepEvents = (fx: Fixture, type: string, step: string): any[] =>
  intactEvents(fx.root).filter((e) => e.type === type && e.data?.step === step);

/** A `brtops run` in its own process group, so a SIGKILL takes git and its hooks with it (a crash). */
function crashableRunner(fx: Fixture): RunnerProcess {
  const r = startRunner(fx.root, fx.env);
  cleanups.push(r.kill);
  return r;
}

/** Resolves when `cond` holds; fails early (with the runner's output) when the runner ended first. */
async function waitFor(what: string, cond: () => boolean, runner: RunnerProcess): Promise<void> {
  let ended = false;
  void runner.exited.then(() => (ended = true));
  for (const t0 = Date.now(); Date.now() - t0 < WAIT_MS; await sleep(25)) {
    if (cond()) return;
    if (ended) throw new Error(`the runner ended before ${what}:\n${runner.output()}`);
  }
  throw new Error(`timed out waiting for ${what}:\n${runner.output()}`);
}

/**
 * A git hook that, the first time a transaction touches refs/tags/<TAG>, says so in a marker
 * file and sleeps until the test kills the runner's process group. `state` filters the
 * reference-transaction hook's phase ("prepared": refs locked, nothing written; "committed": written).
 */
function armHook(fx: Fixture, hooksDir: string, hook: string, state?: string): { marker: string } {
  const marker = join(fx.root, "..", `${hook}-${state ?? "any"}.reached`);
  const arm = join(fx.root, "..", `${hook}-${state ?? "any"}.armed`);
  writeFileSync(arm, "");
  const file = join(hooksDir, hook);
  writeFileSync(
    file,
    `#!/bin/sh
# Crash-test interception: stop inside this hook once, for the tag of the release.
${state ? `[ "$1" = "${state}" ] || { cat >/dev/null; exit 0; }\n` : ""}grep -q " refs/tags/${TAG}$" || exit 0
[ -f "${arm}" ] || exit 0
rm -f "${arm}"
echo "$$" > "${marker}"
exec sleep 300
`,
  );
  chmodSync(file, 0o755);
  return { marker };
}

interface KillPoint {
  name: string;
  /** The 6.8 sub-step in flight when the runner dies. */
  effect: "6.8:tag" | "6.8:push" | "6.8:release" | "6.8:assets";
  /** A draft release instead of a published one. */
  draft?: boolean;
  /** Whether the rerun adopts the sub-step through its check (else it re-runs it). */
  adopted: boolean;
  /** POSTs GitHub receives in all, when not one each: release creation ("create") and each asset's upload. */
  posts?: Partial<Record<string, number>>;
  /** Arms the interception, starts the runner and returns once the runner is dead. */
  crash(fx: Fixture): Promise<void>;
  /** What the world looks like right after the crash: proves the kill landed where intended. */
  afterCrash(fx: Fixture, commit: string): void;
}

function gitPoint(
  name: string,
  effect: KillPoint["effect"],
  where: "work" | "origin",
  hook: string,
  state: string | undefined,
  adopted: boolean,
  afterCrash: KillPoint["afterCrash"],
): KillPoint {
  return {
    name,
    effect,
    adopted,
    async crash(fx) {
      const hooks = where === "work" ? join(fx.root, ".git/hooks") : join(fx.origin, "hooks");
      const { marker } = armHook(fx, hooks, hook, state);
      const runner = crashableRunner(fx);
      await waitFor(`the ${hook} hook`, () => existsSync(marker), runner);
      await runner.kill();
      expect(await runner.exited).toBe("SIGKILL");
    },
    afterCrash,
  };
}

function githubPoint(
  name: string,
  o: {
    effect: KillPoint["effect"];
    path: RegExp;
    at: InterceptPoint;
    query?: Record<string, string>;
    adopted: boolean;
    posts: Partial<Record<string, number>>;
    draft?: boolean;
  },
  afterCrash: KillPoint["afterCrash"],
): KillPoint {
  const { effect, path, at, query } = o;
  const method = "POST";
  return {
    name,
    effect,
    adopted: o.adopted,
    posts: o.posts,
    ...(o.draft ? { draft: true } : {}),
    crash: (fx) => crashOnRequest(fx, { method, path, at, ...(query ? { query } : {}) }),
    afterCrash,
  };
}

/** Starts a runner and SIGKILLs it from inside the fake GitHub server when the request comes. */
async function crashOnRequest(
  fx: Fixture,
  i: { method: string; path: RegExp; at: InterceptPoint; query?: Record<string, string> },
): Promise<void> {
  // The request comes from the runner's process, so `runner` is set before `run` is called.
  const intercepted = fx.fake.intercept({ ...i, run: () => runner.kill() });
  const runner = crashableRunner(fx);
  let reached = false;
  void intercepted.then(() => (reached = true));
  await waitFor(`${i.method} ${i.path.source} (${i.at})`, () => reached, runner);
  await intercepted;
  expect(await runner.exited).toBe("SIGKILL");
}

const hasRef = (git: (...a: string[]) => string, ref: string): boolean => {
  try {
    git("rev-parse", "-q", "--verify", ref);
    return true;
  } catch {
    return false;
  }
};
const releasesOf = (fx: Fixture) => fx.fake.releases.filter((r) => r.tag_name === TAG);
const UPLOAD = /^\/uploads\/repos\/acme\/sample\/releases\/\d+\/assets$/;
const CREATE = /^\/repos\/acme\/sample\/releases$/;

const KILL_POINTS: KillPoint[] = [
  gitPoint(
    "local tag, refs locked but not written (reference-transaction: prepared)",
    "6.8:tag",
    "work",
    "reference-transaction",
    "prepared",
    false,
    (fx) => {
      expect(hasRef(fx.git, `refs/tags/${TAG}`)).toBe(false);
      // What a crash inside `git tag` leaves: git's lock on the ref, never released.
      expect(existsSync(join(fx.root, `.git/refs/tags/${TAG}.lock`))).toBe(true);
    },
  ),
  gitPoint(
    "local tag, written but not recorded (reference-transaction: committed)",
    "6.8:tag",
    "work",
    "reference-transaction",
    "committed",
    true,
    (fx, commit) => {
      expect(fx.git("rev-parse", `${TAG}^{commit}`)).toBe(commit);
    },
  ),
  gitPoint(
    "push of branch and tag, before origin updates its refs (pre-receive)",
    "6.8:push",
    "origin",
    "pre-receive",
    undefined,
    false,
    (fx, commit) => {
      expect(hasRef(fx.originGit, `refs/tags/${TAG}`)).toBe(false);
      expect(fx.originGit("rev-parse", "refs/heads/main")).not.toBe(commit);
    },
  ),
  gitPoint(
    "push of branch and tag, origin updated but the push not recorded (post-receive)",
    "6.8:push",
    "origin",
    "post-receive",
    undefined,
    true,
    (fx, commit) => {
      expect(fx.originGit("rev-parse", `${TAG}^{commit}`)).toBe(commit);
      expect(fx.originGit("rev-parse", "refs/heads/main")).toBe(commit);
    },
  ),
  githubPoint(
    "create release, before GitHub acts",
    { effect: "6.8:release", path: CREATE, at: "before", adopted: false, posts: { create: 2 } },
    (fx) => {
      expect(releasesOf(fx)).toHaveLength(0);
    },
  ),
  githubPoint(
    "create release, created but the answer lost",
    { effect: "6.8:release", path: CREATE, at: "after", adopted: true, posts: {} },
    (fx) => {
      expect(releasesOf(fx)).toHaveLength(1);
    },
  ),
  githubPoint(
    "create a draft release, created but the answer lost",
    { effect: "6.8:release", path: CREATE, at: "after", adopted: true, posts: {}, draft: true },
    (fx) => {
      expect(releasesOf(fx).map((r) => r.draft)).toEqual([true]);
    },
  ),
  githubPoint(
    `upload ${TGZ}, before GitHub acts`,
    { effect: "6.8:assets", path: UPLOAD, at: "before", query: { name: TGZ }, adopted: false, posts: { [TGZ]: 2 } },
    (fx) => {
      expect(releasesOf(fx)[0]!.assets).toHaveLength(0);
    },
  ),
  githubPoint(
    `upload ${TGZ}, half-way (an "open" asset)`,
    { effect: "6.8:assets", path: UPLOAD, at: "mid-upload", query: { name: TGZ }, adopted: false, posts: { [TGZ]: 2 } },
    (fx) => {
      expect(releasesOf(fx)[0]!.assets.map((a) => [a.name, a.state])).toEqual([[TGZ, "open"]]);
    },
  ),
  githubPoint(
    `upload ${TGZ}, uploaded but the answer lost`,
    { effect: "6.8:assets", path: UPLOAD, at: "after", query: { name: TGZ }, adopted: false, posts: {} },
    (fx) => {
      expect(releasesOf(fx)[0]!.assets.map((a) => [a.name, a.state])).toEqual([[TGZ, "uploaded"]]);
    },
  ),
  githubPoint(
    `upload ${TXT}, before GitHub acts`,
    { effect: "6.8:assets", path: UPLOAD, at: "before", query: { name: TXT }, adopted: false, posts: { [TXT]: 2 } },
    (fx) => {
      expect(releasesOf(fx)[0]!.assets.map((a) => a.name)).toEqual([TGZ]);
    },
  ),
  githubPoint(
    `upload ${TXT}, uploaded but the answer lost`,
    { effect: "6.8:assets", path: UPLOAD, at: "after", query: { name: TXT }, adopted: true, posts: {} },
    (fx) => {
      expect(
        releasesOf(fx)[0]!
          .assets.map((a) => a.name)
          .sort(),
      ).toEqual([TGZ, TXT]);
    },
  ),
];

/** Everything the requirement asks of a finished 6.8, whatever crashed before. */
async function expectOneOfEach(fx: Fixture, commit: string): Promise<void> {
  for (const [where, g] of [
    ["local", fx.git],
    ["origin", fx.originGit],
  ] as const) {
    expect(g("tag", "-l").split("\n"), where).toEqual(["v1.0.0", TAG]);
    expect(g("rev-parse", `${TAG}^{commit}`), where).toBe(commit);
    expect(g("cat-file", "-t", TAG), where).toBe("tag");
  }
  expect(fx.originGit("rev-parse", "refs/heads/main")).toBe(commit);
  expect(fx.git("tag", "-l", "--format=%(contents)", TAG)).toContain(`Version: ${VERSION}`);
  expect(existsSync(join(fx.root, `.git/refs/tags/${TAG}.lock`))).toBe(false);

  expect(fx.fake.releases).toHaveLength(1);
  const rel = fx.fake.releases[0]!;
  expect(rel).toMatchObject({ tag_name: TAG, name: TAG, draft: fx.draft, prerelease: false });
  expect(rel.body).toBe(readFileSync(join(fx.root, RELEASE_DIR, "release-notes.md"), "utf8"));
  expect(rel.body).toContain(`# Release Notes — v${VERSION}`);
  const assets = [...rel.assets].sort((a, b) => a.name.localeCompare(b.name));
  expect(assets.map((a) => [a.name, a.state, a.data.toString("utf8")])).toEqual(
    Object.entries(ASSETS).map(([n, text]) => [n, "uploaded", text]),
  );
  // The assets are the approved package: built from the release commit and stored, not the working folder's dist/.
  for (const [n, text] of Object.entries(ASSETS))
    expect(readFileSync(join(fx.root, ".brtops/packages", VERSION, "artifacts/dist", n), "utf8")).toBe(text);

  for (const step of ["6.8:tag", "6.8:push", "6.8:release", "6.8:assets", "6.8"])
    expect(stepEvents(fx, "StepSucceeded", step), step).toHaveLength(1);
  expect(JSON.stringify(intactEvents(fx.root))).not.toContain(TOKEN);

  const s = await status(fx);
  expect(s.step).toBe("7.10");
  await cli(fx, HUM, ["approve", "--step", "7.10"], 0);
  await cli(fx, AI, ["run"]);
  expect((await status(fx)).state).toBe("certified");
  await cli(fx, AI, ["audit", "verify"], 0);
}

describe("SIGKILL during each GitHub sub-step of 6.8, then brtops run", () => {
  it.each(KILL_POINTS.map((k) => [k.name, k] as const))(
    "%s",
    async (_name, point) => {
      const fx = await fixture({ draft: point.draft ?? false });
      await toDeployment(fx);
      const commit = fx.git("rev-parse", "HEAD");
      expect(fx.originGit("rev-parse", "refs/heads/main")).not.toBe(commit);

      await point.crash(fx);
      // The sub-step was in flight: started, never finished.
      expect(stepEvents(fx, "StepStarted", point.effect)).toHaveLength(1);
      expect(stepEvents(fx, "StepSucceeded", point.effect)).toHaveLength(0);
      expect(stepEvents(fx, "StepSucceeded", "6.1")[0]?.data?.result?.commit).toBe(commit);
      point.afterCrash(fx, commit);

      const again = await cli(fx, AI, ["run"]);
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(3);
      // What the crash left complete is adopted through the check; the rest is done by a re-run.
      const done = stepEvents(fx, "StepSucceeded", point.effect)[0];
      expect(done?.data?.adopted === true, JSON.stringify(done)).toBe(point.adopted);
      // Nothing GitHub had already done was asked of it again.
      const posts = (pred: (r: FakeGitHub["requests"][number]) => boolean): number =>
        fx.fake.requests.filter((r) => r.method === "POST" && pred(r)).length;
      expect(
        posts((r) => CREATE.test(r.path)),
        "release creations",
      ).toBe(point.posts?.["create"] ?? 1);
      for (const n of [TGZ, TXT])
        expect(
          posts((r) => UPLOAD.test(r.path) && new URLSearchParams(r.query).get("name") === n),
          `uploads of ${n}`,
        ).toBe(point.posts?.[n] ?? 1);
      await expectOneOfEach(fx, commit);
    },
    180_000,
  );
});

describe("crashes during recovery", () => {
  it("a rerun killed while it checks, then killed again uploading: the last run still leaves one of each", async () => {
    const fx = await fixture();
    await toDeployment(fx);
    const commit = fx.git("rev-parse", "HEAD");
    await crashOnRequest(fx, { method: "POST", path: CREATE, at: "after" });
    expect(releasesOf(fx)).toHaveLength(1);
    // The rerun dies inside the check of the interrupted 6.8:release (looking the release up).
    await crashOnRequest(fx, { method: "GET", path: /^\/repos\/acme\/sample\/releases\/tags\//, at: "before" });
    expect(stepEvents(fx, "StepSucceeded", "6.8:release")).toHaveLength(0);
    // The next one adopts the release, then dies when the last asset has landed unanswered.
    await crashOnRequest(fx, { method: "POST", path: UPLOAD, at: "after", query: { name: TXT } });
    expect(stepEvents(fx, "StepSucceeded", "6.8:release").map((e) => e.data.adopted)).toEqual([true]);
    expect(stepEvents(fx, "StepSucceeded", "6.8:assets")).toHaveLength(0);

    const again = await cli(fx, AI, ["run"]);
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(3);
    expect(stepEvents(fx, "StepSucceeded", "6.8:assets").map((e) => e.data.adopted)).toEqual([true]);
    expect(fx.fake.requests.filter((r) => r.method === "POST").length).toBe(3); // one release, two assets
    await expectOneOfEach(fx, commit);
  }, 240_000);
});
