/**
 * What `brtops init` reads about a project before it writes a config: the git repository and its
 * origin (a GitHub repository), package.json, the release tags (and so the next version), the
 * scripts folder, the .gitignore. Reads only; `assembleInitPlan` decides from these facts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseRemoteUrl, type RemoteRepository } from "../adapters/github/github-repository.js";
import { BrtopsError } from "../core/errors.js";
import { previousRelease, resolveVersionType } from "../intel/version-validate.js";
import { normalizeVersion } from "../core/version-syntax.js";

export interface ProjectFacts {
  /** The repository's top-level folder. */
  gitRoot: string;
  /** origin's URL parsed, when it names a repository on a host ("github.com", a GitHub Enterprise host…). */
  origin: RemoteRepository | null;
  /** package.json in the folder init runs in. */
  packageJson: { name?: string; version?: string; private: boolean } | null;
  /** The highest release tag ("v1.0.0"), pre-releases included; null without one. */
  latestTag: { tag: string; version: string } | null;
  /** Executable-looking files of scripts/ ("deploy.sh", "health.sh"…), sorted. */
  scripts: string[];
  /** git's user.email, the natural HUM LEAD when none is named. */
  userEmail: string | null;
  /** .gitignore already keeps .brtops/ out of git. */
  ignoresBrtops: boolean;
}

const git = (cwd: string, args: string[]): { ok: boolean; out: string } => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim() };
};

/** Reads the facts of the project at `cwd`. Throws E_NOT_A_REPOSITORY (exit 2) outside a git repository. */
export function readProjectFacts(cwd: string): ProjectFacts {
  const top = git(cwd, ["rev-parse", "--show-toplevel"]);
  if (!top.ok || top.out === "") {
    throw new BrtopsError("E_NOT_A_REPOSITORY", `${cwd} is not a git repository: brtops releases what git records.`, {
      hint: "Run `git init` (and commit your project) first, or run `brtops init` inside your repository.",
      details: { cwd },
    });
  }
  const origin = git(cwd, ["remote", "get-url", "origin"]);
  const tags = git(cwd, ["tag", "--list"]);
  const prev = tags.ok ? previousRelease(tags.out.split("\n").filter(Boolean)) : null;
  const email = git(cwd, ["config", "user.email"]);
  return {
    gitRoot: top.out,
    origin: origin.ok ? parseRemoteUrl(origin.out) : null,
    packageJson: readPackageJson(cwd),
    latestTag: prev ? { tag: prev.tag, version: prev.written } : null,
    scripts: listScripts(join(cwd, "scripts")),
    userEmail: email.ok && email.out ? email.out : null,
    ignoresBrtops: ignoresBrtops(join(cwd, ".gitignore")),
  };
}

function readPackageJson(cwd: string): ProjectFacts["packageJson"] {
  const file = join(cwd, "package.json");
  if (!existsSync(file)) return null;
  try {
    const pkg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    return {
      ...(typeof pkg.name === "string" ? { name: pkg.name } : {}),
      ...(typeof pkg.version === "string" ? { version: pkg.version } : {}),
      private: pkg.private === true,
    };
  } catch {
    // An unreadable package.json is still a package.json: its version file is kept, nothing else read.
    return { private: false };
  }
}

function listScripts(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => !f.startsWith(".") && statSync(join(dir, f)).isFile())
      .sort();
  } catch {
    return [];
  }
}

/** A .gitignore line that keeps .brtops/ out: `.brtops`, `.brtops/`, `/.brtops/`. */
export const BRTOPS_IGNORE_RE = /^\/?\.brtops\/?\s*$/;

function ignoresBrtops(file: string): boolean {
  if (!existsSync(file)) return false;
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .some((l) => BRTOPS_IGNORE_RE.test(l));
}

/** The version init suggests releasing next, and the words for it. */
export interface Suggestion {
  version: string;
  /** "release minor" when there is a previous release to count from. */
  type: "minor" | null;
  why: string;
}

/**
 * After the newest tag: its next minor (v1.0.0 → 1.1.0, "release minor"). Without tags:
 * package.json's version when it is one above 0.0.0, else 1.0.0.
 * @example suggestVersion({latestTag: {tag: "v1.0.0", version: "1.0.0"}, packageJson: null}).version // "1.1.0"
 */
export function suggestVersion(f: Pick<ProjectFacts, "latestTag" | "packageJson">): Suggestion {
  if (f.latestTag) {
    return {
      version: resolveVersionType("minor", f.latestTag.version),
      type: "minor",
      why: `the next minor after ${f.latestTag.tag}`,
    };
  }
  const pkg = f.packageJson?.version ? normalizeVersion(f.packageJson.version) : null;
  if (pkg && !/^0+\.0+\.0+$/.test(pkg))
    return { version: pkg, type: null, why: "package.json's version (no release tag yet)" };
  return { version: "1.0.0", type: null, why: "no release tag yet" };
}
