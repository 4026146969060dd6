/** A project brtops works on: its root, config, store, clock and redactor. */
import { join } from "node:path";
import type { Config } from "../config/schema.js";
import { findRoot } from "../config/find-root.js";
import { readingConfig } from "./reading-config.js";
import { BrtopsError } from "../core/errors.js";
import { createRedactor, secretValuesFrom, type Redactor } from "../core/redact.js";
import { isTerminal } from "../core/fold.js";
import type { ReleaseState } from "../core/release-state.js";
import { normalizeVersion } from "../core/version-syntax.js";
import type { Store } from "../store/store.js";
import { openStore } from "../store/open-store.js";
import { ReleaseSession } from "./release-session.js";

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
  const store = await openStore(root, env.BRTOPS_STORE ?? config.store);
  return {
    root,
    config,
    configFile: file,
    store,
    env,
    redact: createRedactor(secretValuesFrom(env)),
    now: options.now ?? (() => new Date().toISOString()),
    releaseDir: (version) => join(root, config.paths.releases, `v${version}`),
    close: () => store.close(),
  };
}

/**
 * For commands that only read (status, sitrep…): the store and folders without validating the
 * whole config — they act on nothing, and a status must stay fast on a long log.
 */
export async function openProjectForReading(cwd: string, options: OpenOptions = {}): Promise<Pick<Project, "root" | "store" | "env" | "releaseDir" | "close">> {
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
  return { release: s.release, version: s.version, environment: s.environment, state: s.state, phase: s.phase, step: s.step, lastAt: s.lastAt };
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

/**
 * The release a command acts on: the one named by --release, else the only open one
 * (or, for commands that read, the most recent when none is open).
 */
export async function selectRelease(store: Store, release: string | undefined, options: { allowFinished?: boolean; listed?: (all: { session: ReleaseSession; summary: ReleaseSummary }[]) => Promise<void> } = {}): Promise<ReleaseSession> {
  if (release) {
    const id = normalizeVersion(release);
    if (!id) throw new BrtopsError("E_VERSION_INVALID", `"${release}" is not a release version.`, { hint: "Pass --release with a version such as 2.1.0." });
    const session = await ReleaseSession.open(store, id);
    if (!session.exists) {
      const known = (await store.list()).map((r) => r.release);
      throw new BrtopsError("E_NO_ACTIVE_RELEASE", `There is no release ${id}.`, {
        hint: known.length ? `Known releases: ${known.join(", ")}.` : 'Start one with `brtops release 2.1.0 --to staging` or `brtops "RELEASE v2.1.0 to Staging"`.',
        details: { known },
      });
    }
    return session;
  }
  const all = await listReleases(store);
  await options.listed?.(all);
  const open = all.filter((r) => !isTerminal(r.session.state));
  if (open.length === 1) return open[0]!.session;
  if (open.length > 1) {
    throw new BrtopsError("E_RELEASE_AMBIGUOUS", `${open.length} releases are open: ${open.map((r) => r.summary.version).join(", ")}.`, {
      hint: "Pick one with --release VERSION.",
      details: { open: open.map((r) => r.summary.version) },
    });
  }
  if (options.allowFinished && all.length > 0) {
    return all.sort((a, b) => a.summary.lastAt.localeCompare(b.summary.lastAt)).at(-1)!.session;
  }
  throw new BrtopsError("E_NO_ACTIVE_RELEASE", "No release is open.", {
    hint: 'Start one with `brtops release 2.1.0 --to staging` or `brtops "RELEASE v2.1.0 to Staging"`.',
  });
}
