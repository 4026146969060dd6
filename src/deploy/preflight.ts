/**
 * Preflight: what the later steps of a release need, checked before anyone approves anything —
 * programs and scripts present and executable, tokens present and valid (GitHub: the token's user
 * and scopes; npm: `npm whoami` on the target registry), hosts reachable, version files readable
 * and in agreement. Run in phase 1 (step 1.8, shown at the first gate), by `release --dry-run`,
 * and again at 4.1 (infra-readiness), so one place decides what blocks a release.
 *
 * Network checks run concurrently, each with a short timeout that its result names; nothing here
 * reads git history (phase 1 stays fast).
 */
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { delimiter, isAbsolute, join } from "node:path";
import type { Config } from "../config/schema.js";
import {
  githubTargetSchema,
  npmTargetSchema,
  type EnvironmentConfig,
  type GitHubTargetConfig,
  type NpmTargetConfig,
} from "../config/schema-environment.js";
import { isBrtopsError } from "../core/errors.js";
import type { Finding } from "../core/events.js";
import type { Redactor } from "../core/redact.js";
import type { Git } from "../adapters/git.js";
import { npmErrorCode, resolveNpmToken, runNpm } from "../adapters/npm/npm-cli.js";
import { readVersionIn, versionFileSpecs } from "../package/version-files.js";
import { ociChecks } from "./oci-preflight.js";
import { appStoreChecks } from "./app-store-preflight.js";

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PreflightInput {
  root: string;
  config: Config;
  environment: string;
  version: string;
  /** The release's phases (tests are checked when phase 3 runs). */
  plan: readonly number[];
  env: Readonly<Record<string, string | undefined>>;
  git: Git;
  redact: Redactor;
  /** Milliseconds each network check may take (default 5000; BRTOPS_PREFLIGHT_TIMEOUT_MS). */
  timeoutMs?: number;
}

export interface PreflightResult {
  summary: string;
  timeoutMs: number;
  checks: ReadinessCheck[];
  findings: Finding[];
}

const DEFAULT_TIMEOUT_MS = 5000;

/** The environment's config, GitHub and npm targets (the built-in `github` and `npm` environments have theirs by default). */
export interface PreflightTarget {
  env: EnvironmentConfig | undefined;
  github: GitHubTargetConfig | null;
  npm: NpmTargetConfig | null;
}

type Probe = "missing" | "not-executable" | "ok";

function probeFile(p: string): Probe {
  if (!existsSync(p)) return "missing";
  try {
    accessSync(p, constants.X_OK);
    return "ok";
  } catch {
    return "not-executable";
  }
}

/** Finds a program as the OS would: a path (relative to `cwd`) or a name on PATH. */
export function findProgram(program: string, cwd: string, path = process.env["PATH"] ?? ""): Probe {
  if (program.includes("/")) return probeFile(isAbsolute(program) ? program : join(cwd, program));
  return path.split(delimiter).some((dir) => dir && probeFile(join(dir, program)) === "ok") ? "ok" : "missing";
}

/** True when `program` can be started from `cwd`. */
export function programFound(program: string, cwd: string, path = process.env["PATH"] ?? ""): boolean {
  return findProgram(program, cwd, path) === "ok";
}

interface CommandUse {
  label: string;
  argv: readonly string[];
  cwd: string | undefined;
  source: string;
}

/** Every command a later step of the release runs (deploy, undo, check, rollback, health, build, tests, smoke). */
function commandsUsed(i: PreflightInput, env: EnvironmentConfig | undefined): CommandUse[] {
  const out: CommandUse[] = [];
  const name = i.environment;
  for (const what of ["deploy", "rollback"] as const) {
    for (const s of env?.[what] ?? []) {
      const src = `environments.${name}.${what}`;
      if (s.run) out.push({ label: `${what} step "${s.name}"`, argv: s.run, cwd: s.cwd, source: src });
      if (s.check) out.push({ label: `check of ${what} step "${s.name}"`, argv: s.check, cwd: s.cwd, source: src });
      if (s.undo?.run) out.push({ label: `undo of "${s.name}"`, argv: s.undo.run, cwd: s.undo.cwd, source: src });
    }
  }
  for (const h of env?.health ?? [])
    if (h.run)
      out.push({ label: `health check "${h.name}"`, argv: h.run, cwd: h.cwd, source: `environments.${name}.health` });
  for (const b of i.config.build)
    out.push({ label: `build step "${b.name}"`, argv: b.run, cwd: b.cwd, source: "build" });
  if (i.plan.includes(3)) {
    for (const kind of ["integration", "performance", "security"] as const) {
      for (const t of i.config.tests[kind])
        out.push({ label: `${kind} test "${t.name}"`, argv: t.run, cwd: t.cwd, source: `tests.${kind}` });
    }
  }
  for (const s of i.config.validation.smoke)
    out.push({ label: `smoke check "${s.name}"`, argv: s.run, cwd: s.cwd, source: "validation.smoke" });
  return out;
}

function programChecks(i: PreflightInput, env: EnvironmentConfig | undefined, findings: Finding[]): ReadinessCheck[] {
  const out: ReadinessCheck[] = [];
  const path = i.env["PATH"] ?? process.env["PATH"] ?? "";
  for (const c of commandsUsed(i, env)) {
    const program = c.argv[0];
    // A program named by a placeholder ({package}/bin/x) exists only once the package does.
    if (!program || program.includes("{")) continue;
    const cwd = c.cwd ? (isAbsolute(c.cwd) ? c.cwd : join(i.root, c.cwd)) : i.root;
    const found = findProgram(program, cwd, path);
    const detail =
      found === "ok"
        ? "found"
        : found === "missing"
          ? program.includes("/")
            ? "no such file"
            : "not on PATH"
          : "present but not executable (chmod +x)";
    out.push({ name: `${c.label}: program ${program}`, ok: found === "ok", detail });
    if (found !== "ok") {
      findings.push({
        severity: "critical",
        code: "E_PROGRAM_MISSING",
        message: `The ${c.label} runs ${program}, which is ${found === "missing" ? "not installed or not at that path" : "not executable"} here.`,
        source: c.source,
      });
    }
  }
  return out;
}

/** The version files 2.4 writes: each present and carrying a version, all carrying the same one. */
function versionFileChecks(i: PreflightInput, npm: NpmTargetConfig | null, findings: Finding[]): ReadinessCheck[] {
  const out: ReadinessCheck[] = [];
  const folders = [
    ...new Set([
      ...(npm ? [npm.package] : []),
      ...Object.values(i.config.environments).flatMap((e) => (e.npm ? [e.npm.package] : [])),
    ]),
  ];
  const specs = versionFileSpecs(i.config.release.versionFiles, i.root, folders);
  const seen: { label: string; version: string }[] = [];
  for (const spec of specs) {
    const abs = join(i.root, spec.file);
    if (!existsSync(abs)) {
      out.push({ name: `version file ${spec.label}`, ok: false, detail: "does not exist" });
      findings.push({
        severity: "critical",
        code: "VERSION_FILE_MISSING",
        message: `release.versionFiles names ${spec.label}, which does not exist: fix the entry in brtops.config.yaml or create the file.`,
        source: "release.versionFiles",
      });
      continue;
    }
    const r = readVersionIn(spec, readFileSync(abs, "utf8"));
    if (!r.ok) {
      out.push({ name: `version file ${spec.label}`, ok: false, detail: r.why });
      findings.push({
        severity: "critical",
        code: "VERSION_FILE_INVALID",
        message: `${spec.label} cannot carry the version: ${r.why}.`,
        source: spec.file,
      });
      continue;
    }
    out.push({ name: `version file ${spec.label}`, ok: true, detail: `says ${r.version}; 2.4 writes ${i.version}` });
    seen.push({ label: spec.label, version: r.version });
  }
  const versions = new Set(seen.map((s) => s.version));
  if (versions.size > 1) {
    findings.push({
      severity: "warning",
      code: "VERSION_FILES_DISAGREE",
      message: `The version files do not agree before the release: ${seen.map((s) => `${s.label} says ${s.version}`).join(", ")}. 2.4 writes ${i.version} into each; check that they name the same product.`,
      source: "release.versionFiles",
    });
  }
  return out;
}

/** Resolves within `ms`, else rejects saying it timed out. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const NEEDED_SCOPES = ["repo", "public_repo"];

async function githubChecks(
  i: PreflightInput,
  cfg: GitHubTargetConfig,
  ms: number,
  findings: Finding[],
): Promise<ReadinessCheck[]> {
  const out: ReadinessCheck[] = [];
  const ctx = { git: i.git, env: i.env, root: i.root, redact: i.redact, progress: () => undefined };
  // The GitHub client (~250 KB of Octokit) is loaded only for a release that has a GitHub target.
  const [{ githubError, repositoryAccess, statusOf }, { openGitHub }] = await Promise.all([
    import("../adapters/github/github-client.js"),
    import("./github-session.js"),
  ]);
  try {
    const gh = await openGitHub(ctx, cfg);
    const where = `${gh.repo.owner}/${gh.repo.repo} via ${gh.repo.baseUrl}`;
    out.push({ name: "GitHub token", ok: true, detail: `from ${gh.tokenSource}` });
    // One request per question, no retries: a preflight answers quickly or says it could not.
    const request = { signal: AbortSignal.timeout(ms), retries: 0 };
    const [user, access] = await Promise.allSettled([
      within(ms, "GET /user", gh.client.octokit.request("GET /user", { request })),
      within(ms, `GET /repos/${gh.repo.owner}/${gh.repo.repo}`, repositoryAccess(gh.client)),
    ]);
    // A classic token lists its scopes; a fine-grained or app token has none (its rights show in the repository's permissions).
    let classic = false;
    if (user.status === "fulfilled") {
      const scopes = user.value.headers["x-oauth-scopes"];
      classic = typeof scopes === "string";
      const list =
        typeof scopes === "string"
          ? scopes
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : null;
      out.push({
        name: "GitHub user",
        ok: true,
        detail: `${user.value.data.login}${list ? `, scopes: ${list.join(", ") || "none"}` : " (a token without classic scopes)"} (timeout ${ms / 1000} s)`,
      });
      if (list && !list.some((s) => NEEDED_SCOPES.includes(s))) {
        findings.push({
          severity: "critical",
          code: "E_GITHUB_SCOPES",
          message: `The GitHub token of ${user.value.data.login} has the scopes ${list.join(", ") || "(none)"}; creating a release on ${where} needs repo (or public_repo). To do: give the token the repo scope (public_repo for a public repository), or use a fine-grained token with Contents: read and write on the repository.`,
          source: "GITHUB_TOKEN",
        });
      }
    } else if (statusOf(user.reason) === 403) {
      // An app or Actions token has no user: its rights show in the repository's permissions below.
      out.push({ name: "GitHub user", ok: true, detail: "the token acts for an app, not a user" });
    } else {
      const e = githubError(user.reason, "reading the token's user (GET /user)", gh.client);
      out.push({ name: "GitHub user", ok: false, detail: `${e.message} (timeout ${ms / 1000} s)` });
      findings.push({ severity: "critical", code: e.code, message: e.message, source: "GITHUB_TOKEN" });
    }
    if (access.status === "fulfilled") {
      out.push({
        name: "GitHub push permission",
        ok: access.value.canPush,
        detail: `${access.value.fullName}: ${access.value.canPush ? "the token may push" : "the token may not push"}`,
      });
      if (!access.value.canPush)
        findings.push({
          severity: "critical",
          code: "E_GITHUB_FORBIDDEN",
          message: `The GitHub token may not push to ${access.value.fullName}: brtops pushes the tag and creates the release there. To do: ${!classic ? "give the fine-grained token Contents: read and write on" : "give the token's user write access to"} ${access.value.fullName}.`,
          source: "6.8",
        });
    } else if (user.status === "fulfilled" || statusOf(user.reason) === 403) {
      // Only worth a second finding when the token itself was not already refused.
      const message = isBrtopsError(access.reason) ? access.reason.message : i.redact(String(access.reason));
      out.push({ name: "GitHub repository", ok: false, detail: message });
      findings.push({
        severity: "critical",
        code: isBrtopsError(access.reason) ? access.reason.code : "E_GITHUB",
        message,
        source: "6.8",
      });
    }
  } catch (e) {
    const message = isBrtopsError(e) ? e.message : i.redact(String(e));
    out.push({ name: "GitHub target", ok: false, detail: message });
    findings.push({ severity: "critical", code: isBrtopsError(e) ? e.code : "E_GITHUB", message, source: "6.8" });
  }
  return out;
}

const UNREACHABLE = new Set([
  "ENOTFOUND",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

async function npmChecks(
  i: PreflightInput,
  npm: NpmTargetConfig,
  ms: number,
  findings: Finding[],
): Promise<ReadinessCheck[]> {
  const token = resolveNpmToken(i.env, npm.tokenEnv);
  const tokenName = npm.tokenEnv ?? "NPM_TOKEN or NODE_AUTH_TOKEN";
  const out: ReadinessCheck[] = [];
  const manifest = join(npm.package, "package.json");
  const hasManifest = existsSync(join(i.root, manifest));
  out.push({ name: "npm package", ok: hasManifest, detail: hasManifest ? manifest : `no ${manifest}` });
  if (!hasManifest)
    findings.push({
      severity: "critical",
      code: "NPM_PACKAGE_MISSING",
      message: `The npm target publishes ${npm.package}, which has no package.json: add it (or set npm.package to the package's folder).`,
      source: "npm.package",
    });
  out.push({ name: "npm token", ok: token !== null, detail: token ? `from ${tokenName}` : "none set" });
  if (!token) {
    findings.push({
      severity: "critical",
      code: "E_NPM_AUTH",
      message: `No npm token: set ${npm.tokenEnv ?? "NPM_TOKEN"} to a token that may publish to ${npm.registry}.`,
      source: "npm",
    });
    return out;
  }
  const r = await runNpm({ registry: npm.registry, token, cwd: i.root, redact: i.redact, env: i.env, timeoutMs: ms }, [
    "whoami",
  ]);
  if (r.exitCode === 0) {
    out.push({
      name: "npm whoami",
      ok: true,
      detail: `${r.stdout.trim()} on ${npm.registry} (timeout ${ms / 1000} s)`,
    });
    return out;
  }
  const code = npmErrorCode(r);
  if (r.timedOut || (code && UNREACHABLE.has(code))) {
    out.push({
      name: "npm registry",
      ok: false,
      detail: `${npm.registry} ${r.timedOut ? `gave no answer within ${ms / 1000} s` : `is unreachable (${code})`}`,
    });
    findings.push({
      severity: "critical",
      code: "E_NPM_REGISTRY",
      message: `The registry ${npm.registry} ${r.timedOut ? `did not answer npm whoami within ${ms / 1000} s` : `cannot be reached (${code})`}.`,
      source: "npm.registry",
    });
  } else {
    out.push({
      name: "npm whoami",
      ok: false,
      detail: `${npm.registry} refused the token from ${tokenName}${code ? ` (${code})` : ""}`,
    });
    findings.push({
      severity: "critical",
      code: "E_NPM_AUTH",
      message: `${npm.registry} does not accept the npm token from ${tokenName} (npm whoami: ${code ?? `exit ${r.exitCode}`}).`,
      source: "npm",
    });
  }
  return out;
}

/** Hosts the environment's HTTP steps and checks talk to: a TCP connection each, within the timeout. */
async function hostChecks(
  i: PreflightInput,
  env: EnvironmentConfig | undefined,
  ms: number,
  findings: Finding[],
): Promise<ReadinessCheck[]> {
  const urls = [...(env?.deploy ?? []), ...(env?.rollback ?? [])]
    .flatMap((s) => (s.http ? [s.http.url] : []))
    .concat((env?.health ?? []).flatMap((h) => (h.http ? [h.http.url] : [])));
  const hosts = new Map<string, { host: string; port: number }>();
  for (const raw of urls) {
    if (raw.includes("{")) continue;
    try {
      const u = new URL(raw);
      const port = Number(u.port) || (u.protocol === "https:" ? 443 : 80);
      hosts.set(`${u.hostname}:${port}`, { host: u.hostname.replace(/^\[|\]$/g, ""), port });
    } catch {
      /* the config schema reports a bad URL */
    }
  }
  return Promise.all(
    [...hosts.entries()].map(async ([key, h]) => {
      const error = await new Promise<string | null>((res) => {
        const sock = connect({ host: h.host, port: h.port });
        const done = (why: string | null) => {
          sock.destroy();
          res(why);
        };
        sock.setTimeout(ms, () => done(`no answer within ${ms / 1000} s`));
        sock.once("connect", () => done(null));
        sock.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      });
      // Before the deployment a service may be down on purpose: advisory, not blocking.
      if (error)
        findings.push({
          severity: "warning",
          code: "W_HOST_UNREACHABLE",
          message: `${key}, which the environment's HTTP steps use, cannot be reached now (${error}).`,
          source: `environments.${i.environment}`,
        });
      return { name: `host ${key}`, ok: !error, detail: error ?? `reachable (timeout ${ms / 1000} s)` };
    }),
  );
}

/** The environment's config and its targets (the built-in `github` and `npm` environments have theirs by default). */
export function preflightTarget(config: Config, environment: string): PreflightTarget {
  const env = config.environments[environment];
  return {
    env,
    github: env?.github ?? (environment === "github" ? githubTargetSchema.parse({}) : null),
    npm: env?.npm ?? (environment === "npm" ? npmTargetSchema.parse({}) : null),
  };
}

/** Runs every preflight check; network checks at once. Example: `(await preflight(input)).findings`. */
export async function preflight(i: PreflightInput): Promise<PreflightResult> {
  const raw = Number(i.env["BRTOPS_PREFLIGHT_TIMEOUT_MS"]);
  const ms = i.timeoutMs ?? (Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_TIMEOUT_MS);
  const t = preflightTarget(i.config, i.environment);
  const findings: Finding[] = [];
  const local = [...programChecks(i, t.env, findings), ...versionFileChecks(i, t.npm, findings)];
  // Each concurrent check keeps its own findings, so their order does not depend on who answers first.
  const f1: Finding[] = [];
  const f2: Finding[] = [];
  const f3: Finding[] = [];
  const f4: Finding[] = [];
  const oci = t.env?.oci;
  const [gh, npm, hosts, image] = await Promise.all([
    t.github ? githubChecks(i, t.github, ms, f1) : Promise.resolve([]),
    t.npm ? npmChecks(i, t.npm, ms, f2) : Promise.resolve([]),
    hostChecks(i, t.env, ms, f3),
    oci ? ociChecks(i, oci, ms, f4) : Promise.resolve([]),
  ]);
  findings.push(...f1, ...f2, ...f3, ...f4);
  const checks = [...local, ...gh, ...npm, ...hosts, ...image];
  // The App Store target: its key accepted by App Store Connect and the app found.
  const appStore = t.env?.appStore;
  if (appStore) checks.push(...(await appStoreChecks(i, appStore, ms, findings)));
  const critical = findings.filter((f) => f.severity === "critical").length;
  const summary = critical
    ? `preflight: ${critical} blocking problem(s) in ${checks.length} checks`
    : `preflight: ${checks.length} checks, nothing blocking${findings.length ? ` (${findings.length} warning(s))` : ""}`;
  return { summary, timeoutMs: ms, checks, findings };
}
