/** A project brtops works on: its root, config, store, clock and redactor. */
import { join } from "node:path";
import type { Config } from "../config/schema.js";
import { findRoot } from "../config/find-root.js";
import { readingConfig } from "./reading-config.js";
import { BrtopsError } from "../core/errors.js";
import { createRedactor, secretValuesFrom, type Redactor } from "../core/redact.js";
import { configSecretValues } from "../core/config-secrets.js";
import { isTerminal } from "../core/fold.js";
import type { ReleaseState } from "../core/release-state.js";
import { parseReleaseRef, versionOfReleaseId } from "../core/release-id.js";
import type { Store } from "../store/store.js";
import { openStore } from "../store/open-store.js";
import { ReleaseSession } from "./release-session.js";
import { byCodeUnit } from "../core/text-order.js";

export interface Project {
  root: string;
  config: Config;
  configFile: string;
  store: Store;
  env: Readonly<Record<string, string | undefined>>;
  redact: Redactor;
  now(): string;
  releaseDir(version: string): string;
  close(): Promise<void>;
}

export interface OpenOptions {
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => string;
}

export async function openProject(cwd: string, options: OpenOptions = {}): Promise<Project> {
  const env = options.env ?? process.env;
  const { loadConfig } = await import("../config/load-config.js");
  const { config, root, file } = loadConfig(cwd);
  const storeUrl = env.BRTOPS_STORE ?? config.store;
  const store = await openStore(root, storeUrl);
  return {
    root,
    config,
    configFile: file,
    store,
    env,
    // Every secret the environment or the config holds, the store URL's password among them.
    redact: createRedactor([...secretValuesFrom(env), ...configSecretValues(config, env, storeUrl)]),
    now: options.now ?? (() => new Date().toISOString()),
    releaseDir: (version) => join(root, config.paths.releases, `v${version}`),
    close: () => store.close(),
  };
}

/**
 * For commands that only read (status, sitrep…): the store and folders without validating the
 * whole config — they act on nothing, and a status must stay fast on a long log.
 */
export async function openProjectForReading(
  cwd: string,
  options: OpenOptions = {},
): Promise<Pick<Project, "root" | "store" | "env" | "releaseDir" | "close">> {
  const env = options.env ?? process.env;
  const root = findRoot(cwd);
  if (!root) return openProject(cwd, options); // the full path gives the helpful error
  const settings = await readingConfig(root);
  if (!settings) return openProject(cwd, options);
  const { releases } = settings;
  const store = await openStore(root, env.BRTOPS_STORE ?? settings.store);
  return { root, store, env, releaseDir: (version) => join(root, releases, `v${version}`), close: () => store.close() };
}

export interface ReleaseSummary {
  release: string;
  version: string;
  environment: string;
  state: ReleaseState["state"];
  phase: number;
  step: string;
  lastAt: string;
}

/** The one-line summary of a release that lists show. */
export function releaseSummary(s: ReleaseState): ReleaseSummary {
  return {
    release: s.release,
    version: s.version,
    environment: s.environment,
    state: s.state,
    phase: s.phase,
    step: s.step,
    lastAt: s.lastAt,
  };
}

export async function listReleases(store: Store): Promise<{ session: ReleaseSession; summary: ReleaseSummary }[]> {
  const refs = await store.list();
  const out: { session: ReleaseSession; summary: ReleaseSummary }[] = [];
  for (const ref of refs) {
    const session = await ReleaseSession.open(store, ref.release);
    if (!session.exists) continue;
    out.push({ session, summary: releaseSummary(session.state) });
  }
  return out;
}

export interface SelectOptions {
  allowFinished?: boolean;
  /** `--env`: only runs on this environment (the latest one when several ended). */
  environment?: string;
  listed?: (all: { session: ReleaseSession; summary: ReleaseSummary }[]) => Promise<void>;
}

/**
 * The release (run) a command acts on: the one named by --release ("1.1.0", "1.1.0@production",
 * "1.1.0@production~2"; with --env, the version's run there), else the only open one (with
 * --env: on that environment), or, for commands that read and for --env, the latest.
 */
export async function selectRelease(
  store: Store,
  release: string | undefined,
  options: SelectOptions = {},
): Promise<ReleaseSession> {
  const env = options.environment;
  if (release) {
    const ref = parseReleaseRef(release);
    if (!ref)
      throw new BrtopsError("E_VERSION_INVALID", `"${release}" is not a release version.`, {
        hint: "Pass --release with a version such as 2.1.0, or a run such as 2.1.0@production.",
      });
    if (env && ref.environment && env !== ref.environment)
      throw new BrtopsError("E_USAGE", `--release ${release} names ${ref.environment}, but --env says ${env}.`, {
        hint: "Give one of them.",
      });
    const environment = ref.environment ?? env ?? null;
    const ids = (await store.list()).map((r) => r.release);
    const candidates: ReleaseSession[] = [];
    for (const id of ids.filter((i) => versionOfReleaseId(i) === ref.version)) {
      const session = await ReleaseSession.open(store, id);
      if (!session.exists) continue;
      if (environment && session.state.environment !== environment) continue;
      if (ref.attempt !== null && session.state.attempt !== ref.attempt) continue;
      candidates.push(session);
    }
    if (candidates.length === 0) {
      throw new BrtopsError(
        "E_NO_ACTIVE_RELEASE",
        `There is no release ${release}${env && !ref.environment ? ` on ${env}` : ""}.`,
        {
          hint: ids.length
            ? `Known releases: ${ids.join(", ")}.`
            : 'Start one with `brtops release 2.1.0 --to staging` or `brtops "RELEASE v2.1.0 to Staging"`.',
          details: { known: ids },
        },
      );
    }
    return pickRun(candidates, `v${ref.version}`);
  }
  const all = await listReleases(store);
  await options.listed?.(all);
  const here = env ? all.filter((r) => r.summary.environment === env) : all;
  const open = here.filter((r) => !isTerminal(r.session.state));
  if (open.length === 1) return open[0]!.session;
  if (open.length > 1) {
    throw new BrtopsError(
      "E_RELEASE_AMBIGUOUS",
      `${open.length} releases are open: ${open.map((r) => r.summary.release).join(", ")}.`,
      {
        hint: "Pick one with --release VERSION (or --env ENVIRONMENT).",
        details: { open: open.map((r) => r.summary.release) },
      },
    );
  }
  if ((options.allowFinished || env) && here.length > 0) {
    return here.sort((a, b) => byCodeUnit(a.session.state.requestedAt, b.session.state.requestedAt)).at(-1)!.session;
  }
  throw new BrtopsError("E_NO_ACTIVE_RELEASE", env ? `No release has run on ${env}.` : "No release is open.", {
    hint: 'Start one with `brtops release 2.1.0 --to staging` or `brtops "RELEASE v2.1.0 to Staging"`.',
  });
}

/** Of several runs of one version: the open one, else the latest; two open ones are ambiguous. */
function pickRun(runs: ReleaseSession[], what: string): ReleaseSession {
  const open = runs.filter((r) => !isTerminal(r.state));
  if (open.length > 1) {
    throw new BrtopsError(
      "E_RELEASE_AMBIGUOUS",
      `${what} has ${open.length} open runs: ${open.map((r) => r.release).join(", ")}.`,
      {
        hint: `Pick one with --release ${open[0]!.release} or --env ${open[0]!.state.environment}.`,
        details: { open: open.map((r) => r.release) },
      },
    );
  }
  if (open.length === 1) return open[0]!;
  return runs.sort((a, b) => byCodeUnit(a.state.requestedAt, b.state.requestedAt)).at(-1)!;
}
