/**
 * Release intelligence benchmarks.
 * (a) Version and changelog analysis (tags, version check, one streamed `git log`, conventional
 *     commit parsing with reverts, changelog and release-notes models, both documents rendered) on
 *     a generated repository with 50,000 commits since the previous tag (built with
 *     `git fast-import`, cached in /tmp/brtops-bench-repo). Wall time is reported as the ratio of
 *     medians to `git log <prev>..HEAD -z --format=<the same format>` read to the end on the same
 *     repository in the same run (goal ≤ 1.5×); peak RSS comes from a child process that runs the
 *     analysis once and prints `process.resourceUsage().maxRSS` (goal < 300 MB).
 * (b) Feature aggregation (readFeatureReport) over 2,000 generated features with three readiness
 *     documents each (goal < 1 s median).
 * (c) The whole process `brtops release minor --to testing --json` (request, phase 1, phase 2 up to
 *     its gate, one `node dist/cli.js` process) in a project cloned from the same repository, as
 *     the ratio of medians to `git log` of the same range spawned the same way, alternating in one
 *     run (goal ≤ 1.5×: the history is read once, see src/intel/release-history.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOG_FORMAT, logArguments } from "../src/intel/read-commits.js";
import { analyzeRelease } from "../src/intel/read-release-analysis.js";
import { readFeatureReport } from "../src/intel/read-feature-report.js";
import { clearHistoryCache } from "../src/intel/release-history.js";
import { renderChangelog } from "../src/intel/render-changelog-md.js";
import { renderReleaseNotes } from "../src/intel/render-release-notes-md.js";

const REPO = "/tmp/brtops-bench-repo";
const COMMITS = 50_000;
const GENERATOR = "intel-bench-repo-v1";
const FEATURES = 2_000;
const RUNS = 5;
const CHILD_ENV = "BRTOPS_INTEL_BENCH_CHILD";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function analyseOnce(): Promise<number> {
  // A cold reading each time: the process keeps the last readings of a range (src/intel/release-history.ts).
  clearHistoryCache();
  const t = performance.now();
  const a = await analyzeRelease(REPO, { requested: "minor", date: "2025-08-27" });
  renderChangelog(a.changelog);
  renderReleaseNotes(a.releaseNotes);
  if (a.changelog.counts.commits < COMMITS)
    throw new Error(`expected ${COMMITS} commits, read ${a.changelog.counts.commits}`);
  return performance.now() - t;
}

// Child mode: run the analysis once and report peak memory. Runs when this module is loaded with
// the variable set (the bench spawns its own file), before anything else in the bundle.
if (process.env[CHILD_ENV] === "1") {
  const ms = await analyseOnce();
  process.stdout.write(`${JSON.stringify({ maxRSSKB: process.resourceUsage().maxRSS, ms })}\n`);
  process.exit(0);
}

function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "inherit"],
    });
    let bytes = 0;
    const keep: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => {
      bytes += c.length;
      if (keep.length < 64) keep.push(c);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(keep).toString("utf8"), bytes }));
    // A child that exits without reading its input (git log) closes the pipe first: not an error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

function message(i: number): string {
  const scope = `mod${i % 37}`;
  // Reverts the feat commit nine before (its header, as `git revert` writes it without the id here).
  if (i % 1000 === 999) return `Revert "feat(mod${(i - 9) % 37}): capability ${i - 9}"\n`;
  if (i % 500 === 0)
    return `refactor(${scope}): reshape api ${i}\n\nLonger explanation of the change.\n\nBREAKING CHANGE: callers pass an options object (${i})\n`;
  if (i % 100 === 50)
    return `Release batch (#${i})\n\n* feat(${scope}): batch item ${i}\n* fix(${scope}): batch fix ${i}\n* docs: notes ${i}\n`;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return `feat(${scope}): capability ${i}\n\nAdds capability ${i} for users.\n`;
    case 3:
    case 4:
    case 5:
      return `fix(${scope}): defect ${i}\n`;
    case 6:
      return `chore: housekeeping ${i}\n`;
    case 7:
      return `docs(${scope}): explain ${i}\n`;
    case 8:
      return `perf(${scope}): faster path ${i}\n`;
    default:
      return `Update module ${i}\n`;
  }
}

/** Writes the fast-import stream in pieces: one initial commit (tagged), then COMMITS commits, some merges. */
function fastImportStream(): string {
  const parts: string[] = [];
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const t0 = 1_700_000_000;
  parts.push(
    `commit refs/heads/main\nmark :1\nauthor Bench <bench@example.com> ${t0} +0000\ncommitter Bench <bench@example.com> ${t0} +0000\n${data("chore: release 1.0.000\n")}M 100644 inline README.md\n${data("# bench\n")}`,
  );
  parts.push(
    "reset refs/tags/v1.0.000\nfrom :1\n\n",
    "reset refs/tags/v1.0.0\nfrom :1\n\n",
    "reset refs/tags/nightly\nfrom :1\n\n",
  );
  for (let i = 1; i <= COMMITS; i++) {
    const mark = i + 1;
    const who = `Dev ${i % 13}`;
    const ts = t0 + i * 60;
    const merge = i % 250 === 0 && i > 2 ? `merge :${mark - 2}\n` : "";
    parts.push(
      `commit refs/heads/main\nmark :${mark}\nauthor ${who} <dev${i % 13}@example.com> ${ts} +0000\ncommitter ${who} <dev${i % 13}@example.com> ${ts} +0000\n${data(merge ? `Merge branch 'topic-${i}'\n` : message(i))}${i === 1 ? "from :1\n" : ""}${merge}M 100644 inline src/m${i % 200}.ts\n${data(`export const v = ${i};\n`)}`,
    );
  }
  return parts.join("");
}

async function ensureRepo(): Promise<void> {
  const marker = join(REPO, ".git", "brtops-bench");
  if (existsSync(marker) && readFileSync(marker, "utf8") === GENERATOR) return;
  rmSync(REPO, { recursive: true, force: true });
  mkdirSync(REPO, { recursive: true });
  const t = performance.now();
  await run("git", ["init", "-q", "-b", "main"], { cwd: REPO });
  const r = await run("git", ["fast-import", "--quiet"], { cwd: REPO, input: fastImportStream() });
  if (r.code !== 0) throw new Error(`git fast-import failed (exit ${r.code})`);
  await run("git", ["reset", "-q", "--hard", "main"], { cwd: REPO });
  writeFileSync(marker, GENERATOR);
  process.stdout.write(
    `  generated ${COMMITS} commits with git fast-import in ${((performance.now() - t) / 1000).toFixed(1)} s (${REPO})\n`,
  );
}

async function gitLogBaseline(): Promise<number> {
  const t = performance.now();
  const r = await run("git", ["log", "-z", `--format=${LOG_FORMAT}`, "v1.0.000..HEAD", "--"], { cwd: REPO });
  if (r.code !== 0 || r.bytes === 0) throw new Error("git log baseline failed");
  return performance.now() - t;
}

/** The file to run as the child: this module itself when it is JavaScript, else a bundle of it. */
async function childEntry(): Promise<{ file: string; cleanup: () => void }> {
  const self = fileURLToPath(import.meta.url);
  if (/\.(m?js)$/.test(self)) return { file: self, cleanup: () => undefined };
  const { build } = await import("esbuild");
  const dir = mkdtempSync(join(tmpdir(), "brtops-intel-bench-"));
  const file = join(dir, "child.mjs");
  await build({
    entryPoints: [self],
    outfile: file,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    banner: {
      js: "import { createRequire as __brtopsRequire } from 'node:module'; const require = __brtopsRequire(import.meta.url);",
    },
  });
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function peakRss(): Promise<{ maxRSSMB: number; ms: number }> {
  const entry = await childEntry();
  try {
    const r = await run(process.execPath, [entry.file], { env: { ...process.env, [CHILD_ENV]: "1" } });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    const parsed = JSON.parse(line) as { maxRSSKB: number; ms: number };
    return { maxRSSMB: Math.round((parsed.maxRSSKB / 1024) * 10) / 10, ms: parsed.ms };
  } finally {
    entry.cleanup();
  }
}

function featureDocs(i: number): Record<string, string> {
  const status = i % 50 === 0 ? "IN_PROGRESS" : i % 97 === 0 ? "CONDITIONAL" : "COMPLETE";
  const rows = Array.from(
    { length: 12 },
    (_, k) => `| Check ${k} | ${k === 11 && i % 40 === 0 ? "❌ Failed" : "✅ Passed"} | notes for check ${k} |`,
  ).join("\n");
  return {
    "validation-report.md": `# Validation Report: Feature ${i}\n\n**SEV Level**: SEV-${i % 4}\n**Validation Status**: ${status}\n**Validation Score**: ${80 + (i % 20)}/100\n**Performance Score**: ${85 + (i % 15)}%\n\n## Technical Validation\n${Array.from({ length: 10 }, (_, k) => `- [${k === 9 && i % 30 === 0 ? " " : "x"}] item ${k}`).join("\n")}\n\n## Results\n\n| Check | Result | Notes |\n|---|---|---|\n${rows}\n\n## Certification\n**Validated by**: qa@example.com\n**Status**: CERTIFIED\n`,
    "deployment-readiness.md": `# Deployment Readiness\n\n**Deployment Status**: READY\n**Deployment Method**: rolling\n\n### HIGH Risks\n| Risk | Impact | Mitigation | Status |\n|---|---|---|---|\n| Data loss ${i} | severe | backups | Mitigated |\n\n### LOW Risks\n| Risk | Impact | Mitigation | Status |\n|---|---|---|---|\n| Slow start | minor | warm-up | Open |\n\n**Decision**: GO\n`,
    "release-notes.md": `# Release Notes\n\n## New Features\n- Capability ${i}\n- Another thing ${i}\n\n## Bug Fixes\n- Fixed ${i}\n\n## Breaking Changes\n${i % 200 === 0 ? `- Removed endpoint ${i}` : "None"}\n\n## Known Issues\n- None\n`,
  };
}

function generateFeatures(): string {
  const root = mkdtempSync(join(tmpdir(), "brtops-intel-bench-features-"));
  for (let i = 0; i < FEATURES; i++) {
    const dir = join(root, "docs/02_features", `feature-${String(i).padStart(4, "0")}`, "07-readiness");
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(featureDocs(i))) writeFileSync(join(dir, name), text);
  }
  return root;
}

const RELEASE_PROJECT = "/tmp/brtops-bench-release";
const RELEASE_CONFIG = `project: {name: bench-service}
leads:
  hum: [alice@example.com]
  ai: [agent@example.com]
environments:
  testing:
    deploy:
      - {name: ship, run: ["true"]}
    health:
      - {name: up, run: ["true"]}
`;

/** A project on the 50,000-commit history: a local clone with a config committed (one commit more in the range, for both sides). */
async function ensureReleaseProject(): Promise<void> {
  const marker = join(RELEASE_PROJECT, ".git", "brtops-bench");
  if (existsSync(marker) && readFileSync(marker, "utf8") === GENERATOR) return;
  rmSync(RELEASE_PROJECT, { recursive: true, force: true });
  const ok = async (args: string[], cwd?: string): Promise<void> => {
    const r = await run("git", args, cwd ? { cwd } : {});
    if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed (exit ${r.code})`);
  };
  await ok(["clone", "-q", "--local", REPO, RELEASE_PROJECT]);
  for (const [k, v] of [
    ["user.name", "Bench"],
    ["user.email", "bench@example.com"],
    ["commit.gpgSign", "false"],
    ["gc.auto", "0"],
  ] as const)
    await ok(["config", k, v], RELEASE_PROJECT);
  writeFileSync(join(RELEASE_PROJECT, "brtops.config.yaml"), RELEASE_CONFIG);
  writeFileSync(join(RELEASE_PROJECT, ".gitignore"), ".brtops/\n");
  await ok(["add", "brtops.config.yaml", ".gitignore"], RELEASE_PROJECT);
  await ok(["commit", "-q", "-m", "chore: brtops config"], RELEASE_PROJECT);
  writeFileSync(marker, GENERATOR);
}

/** Forgets the release the last run requested (not timed): its store, documents, checkout, and the anchors of its log in the project and its origin. */
async function resetReleaseProject(): Promise<void> {
  rmSync(join(RELEASE_PROJECT, ".brtops"), { recursive: true, force: true });
  rmSync(join(RELEASE_PROJECT, "docs"), { recursive: true, force: true });
  await run("git", ["worktree", "prune"], { cwd: RELEASE_PROJECT });
  await run("git", ["reset", "-q", "--hard", "main"], { cwd: RELEASE_PROJECT });
  for (const repo of [RELEASE_PROJECT, REPO]) {
    const refs = await run("git", ["for-each-ref", "--format=%(refname)", "refs/brtops/"], { cwd: repo });
    const names = refs.stdout.split("\n").filter(Boolean);
    if (names.length)
      await run("git", ["update-ref", "--stdin"], { cwd: repo, input: names.map((n) => `delete ${n}\n`).join("") });
  }
}

/** What the bench runs on each side (printed with the figures, so the comparison can be checked). */
const RELEASE_ARGS = ["release", "minor", "--to", "testing", "--json", "--as", "alice@example.com"];
const BASELINE_ARGS = ["log", "-z", `--format=${LOG_FORMAT}`, "v1.0.000..HEAD", "--"];
/** Pairs run alternately: a shared 2-core machine moves single runs by ±20%, the medians of 11 far less. */
const RELEASE_RUNS = 11;

/**
 * CPU time (user + system, ms) of this process's children that have ended, from /proc (Linux; 10 ms
 * ticks): the difference around one run is that run's CPU, its own git processes included. Printed
 * beside the wall times, which other work on the machine distorts more than CPU time. Null elsewhere.
 */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command's name: state is field 3, cutime and cstime are fields 16 and 17.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}
const cpu = { git: [] as number[], brtops: [] as number[] };
const timedCpu = async <T>(into: number[], f: () => Promise<T>): Promise<T> => {
  const before = childrenCpuMs();
  const r = await f();
  const after = childrenCpuMs();
  if (before !== null && after !== null) into.push(after - before);
  return r;
};

async function releaseProcessOnce(cli: string): Promise<number> {
  await resetReleaseProject();
  const t = performance.now();
  const r = await timedCpu(cpu.brtops, () =>
    run(process.execPath, [cli, ...RELEASE_ARGS], {
      cwd: RELEASE_PROJECT,
      env: { ...process.env, BRTOPS_ACTOR: "" },
    }),
  );
  const ms = performance.now() - t;
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as {
    state?: string;
    phase?: number;
    gate?: { step?: string } | null;
  };
  // Exit 3: awaiting a HUM LEAD at the first gate (phase 2's package approval).
  if (r.code !== 3 || out.state !== "awaiting-hum-lead" || out.phase !== 2)
    throw new Error(
      `brtops release stopped with exit ${r.code}, state ${out.state}, phase ${out.phase}, gate ${out.gate?.step ?? "none"}`,
    );
  return ms;
}

async function releaseGitLog(): Promise<number> {
  const t = performance.now();
  const r = await timedCpu(cpu.git, () => run("git", BASELINE_ARGS, { cwd: RELEASE_PROJECT }));
  if (r.code !== 0 || r.bytes === 0) throw new Error("git log baseline failed");
  return performance.now() - t;
}

/** (c): the whole release process against raw git log of the same range. */
export async function benchReleaseProcess(): Promise<Record<string, number>> {
  process.stdout.write(
    "intel: brtops release minor --to testing (request, phase 1, phase 2 to its gate), 50,001 commits since the previous tag\n",
  );
  await ensureRepo();
  await ensureReleaseProject();
  // This module is a chunk of the build; cli.js sits beside the entry (dist/bench.js).
  const cli = join(dirname(process.argv[1] ?? "."), "cli.js");
  if (!existsSync(cli)) throw new Error(`${cli} not found: run the benchmark from the build (npm run bench)`);
  const quote = (a: string): string => (/^[\w./@=:-]+$/.test(a) ? a : `'${a}'`);
  const head = (await run("git", ["rev-parse", "HEAD"], { cwd: RELEASE_PROJECT })).stdout.trim();
  const base0 = (await run("git", ["rev-parse", "v1.0.000^{commit}"], { cwd: RELEASE_PROJECT })).stdout.trim();
  process.stdout.write(
    `  baseline: git ${BASELINE_ARGS.map(quote).join(" ")}\n` +
      `  brtops:   node ${cli} ${RELEASE_ARGS.join(" ")}\n` +
      `            (its one history read: git ${logArguments(`${base0}..${head}`).map(quote).join(" ")}, and one git diff --numstat of the same range)\n`,
  );
  await releaseGitLog();
  await releaseProcessOnce(cli);
  cpu.git.length = 0;
  cpu.brtops.length = 0;
  const base: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < RELEASE_RUNS; i++) {
    base.push(await releaseGitLog());
    ours.push(await releaseProcessOnce(cli));
  }
  await resetReleaseProject();
  const gitMs = median(base);
  const releaseMs = median(ours);
  const ratio = releaseMs / gitMs;
  process.stdout.write(
    `  git log (same range) median ${gitMs.toFixed(0)} ms  [${base.map((x) => x.toFixed(0)).join(", ")}]\n  brtops release       median ${releaseMs.toFixed(0)} ms  [${ours.map((x) => x.toFixed(0)).join(", ")}]  → ${ratio.toFixed(2)}× (goal ≤ 1.5×)\n`,
  );
  if (cpu.git.length && cpu.brtops.length)
    process.stdout.write(
      `  CPU (user+system, with child processes): git log median ${median(cpu.git).toFixed(0)} ms, brtops release median ${median(cpu.brtops).toFixed(0)} ms  [${cpu.brtops.join(", ")}]\n`,
    );
  return {
    releaseGitLogMs: Math.round(gitMs),
    releaseProcessMs: Math.round(releaseMs),
    releaseProcessRatio: Math.round(ratio * 100) / 100,
  };
}

/** Runs both benchmarks, prints the figures and returns them. */
export async function benchIntel(): Promise<Record<string, number>> {
  process.stdout.write("intel: version and changelog analysis, 50,000 commits since the previous tag\n");
  await ensureRepo();
  await gitLogBaseline(); // warm the page cache for both sides
  await analyseOnce();
  const base: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(await gitLogBaseline());
    ours.push(await analyseOnce());
  }
  const rss = await peakRss();
  const gitMs = median(base);
  const analysisMs = median(ours);
  const ratio = analysisMs / gitMs;
  process.stdout.write(
    `  git log baseline   median ${gitMs.toFixed(0)} ms\n  analysis           median ${analysisMs.toFixed(0)} ms  → ${ratio.toFixed(2)}× (goal ≤ 1.5×)\n  peak RSS (child)   ${rss.maxRSSMB} MB (goal < 300 MB)\n`,
  );

  process.stdout.write(`intel: feature aggregation over ${FEATURES} features\n`);
  const root = generateFeatures();
  let aggMs: number;
  try {
    await readFeatureReport(root, {});
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const r = await readFeatureReport(root, {});
      times.push(performance.now() - t);
      if (r.features.length !== FEATURES) throw new Error(`expected ${FEATURES} features, got ${r.features.length}`);
    }
    aggMs = median(times);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(`  readFeatureReport  median ${aggMs.toFixed(0)} ms (goal < 1000 ms)\n`);
  return {
    intelGitLogMs: Math.round(gitMs),
    intelAnalysisMs: Math.round(analysisMs),
    intelAnalysisRatio: Math.round(ratio * 100) / 100,
    intelPeakRssMB: rss.maxRSSMB,
    intelAggregation2000Ms: Math.round(aggMs),
  };
}
