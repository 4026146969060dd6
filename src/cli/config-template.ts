/**
 * The commented brtops.config.yaml that `brtops init` writes, decided from what init read about
 * the project (init-facts): no I/O here. `assembleInitPlan` decides what goes in; the plan is what
 * a person confirms on a terminal and what `--dry-run` shows; `renderConfigTemplate` writes it.
 */
import type { ProjectFacts, Suggestion } from "./init-facts.js";
import { suggestVersion } from "./init-facts.js";

/** The environments init can set up from what it found. */
export const INIT_ENVIRONMENTS = ["staging", "github", "npm"] as const;
export type InitEnvironment = (typeof INIT_ENVIRONMENTS)[number];

export interface InitPlan {
  /** What the `# yaml-language-server: $schema=` line points at. */
  schemaRef: string;
  hum: string[];
  ai: string[];
  projectName?: string;
  /** Each environment init offers, with why (shown before it is written). */
  offered: { name: InitEnvironment; why: string }[];
  /** The ones that go in. */
  environments: InitEnvironment[];
  staging: { deploy: string | null; health: string | null; rollback: string | null };
  github: { repository: string; baseUrl?: string } | null;
  /** release.versionFiles: package.json when the project has one. */
  versionFiles: string[];
  suggestion: Suggestion;
  /** One line per fact init found, for the config's header and the terminal. */
  detected: string[];
}

const script = (names: readonly string[], stem: string): string | null => {
  const found = names.find((n) => n === stem || n.startsWith(`${stem}.`));
  return found ? `./scripts/${found}` : null;
};

/**
 * What init writes for these facts. The staging environment runs the project's scripts/deploy*
 * (with health* and rollback* when present); a GitHub origin adds a `github` environment, a
 * package.json that is not private an `npm` one, and package.json is the version file.
 * @example assembleInitPlan(facts, {hum: ["alice@example.com"], ai: [], schemaRef: "./schema.json"}).environments // ["staging", "github", "npm"]
 */
export function assembleInitPlan(
  f: ProjectFacts,
  o: { hum: string[]; ai: string[]; schemaRef: string; environments?: readonly InitEnvironment[] },
): InitPlan {
  const deploy = script(f.scripts, "deploy");
  const staging = { deploy, health: script(f.scripts, "health"), rollback: script(f.scripts, "rollback") };
  const gh = f.origin && /github/i.test(f.origin.host) ? f.origin : null;
  const github = gh
    ? {
        repository: `${gh.owner}/${gh.repo}`,
        ...(gh.host === "github.com" ? {} : { baseUrl: `https://${gh.host}/api/v3` }),
      }
    : null;
  const pkg = f.packageJson;
  const offered: InitPlan["offered"] = [
    ...(deploy ? [{ name: "staging" as const, why: `deploys with ${deploy}` }] : []),
    ...(github ? [{ name: "github" as const, why: `origin is ${gh!.host}/${github.repository}` }] : []),
    ...(pkg && !pkg.private
      ? [{ name: "npm" as const, why: `package.json${pkg.name ? ` (${pkg.name})` : ""} publishes to npm` }]
      : []),
  ];
  const wanted = o.environments ?? offered.map((e) => e.name);
  const suggestion = suggestVersion(f);
  const detected = [
    f.origin
      ? `origin: ${f.origin.host}/${f.origin.owner}/${f.origin.repo}`
      : "origin: none (or not a hosted repository)",
    pkg
      ? `package.json: ${pkg.name ?? "(no name)"}${pkg.version ? ` ${pkg.version}` : ""}${pkg.private ? " (private: not published)" : ""}`
      : "package.json: none",
    f.latestTag ? `latest release tag: ${f.latestTag.tag}` : "release tags: none",
    f.scripts.length ? `scripts/: ${f.scripts.join(", ")}` : "scripts/: none",
  ];
  return {
    schemaRef: o.schemaRef,
    hum: o.hum,
    ai: o.ai,
    ...(pkg?.name ? { projectName: pkg.name } : {}),
    offered,
    environments: offered.map((e) => e.name).filter((n) => wanted.includes(n)),
    staging,
    github,
    versionFiles: pkg ? ["package.json"] : [],
    suggestion,
    detected,
  };
}

const list = (xs: readonly string[]): string => `[${xs.map(yamlScalar).join(", ")}]`;
/** A plain YAML scalar when safe, else double-quoted (ids and names come from git and package.json). */
function yamlScalar(s: string): string {
  return /^[A-Za-z0-9_./@+-]+$/.test(s) && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) ? s : JSON.stringify(s);
}

function stagingBlock(p: InitPlan): string {
  const s = p.staging;
  const on = p.environments.includes("staging") && s.deploy;
  const lines = [
    "staging:",
    "  aliases: [uat]",
    "  # Each step is an argument array, never a shell string. {version} and {previous} are substituted.",
    "  deploy:",
    `    - {name: ship, run: [${s.deploy ?? "./scripts/deploy.sh"}, "{version}"]}`,
    ...(s.health || !on ? ["  health:", `    - {name: up, run: [${s.health ?? "./scripts/health.sh"}]}`] : []),
    "  rollback:",
    `    - {name: back, run: [${s.rollback ?? s.deploy ?? "./scripts/deploy.sh"}, "{previous}"]}`,
    "  # rollback: undo on its own when a step or health check fails; ask: wait for a HUM LEAD.",
    "  onFailure: ask",
  ];
  const indent = (l: string): string => (on ? `  ${l}` : `  # ${l}`);
  return [
    on ? "" : "  # No scripts/deploy* found: a staging environment deploying with your own script looks like this.",
    ...lines.map(indent),
  ]
    .filter(Boolean)
    .join("\n");
}

/** The config file's text, starting with the schema line editors read. */
export function renderConfigTemplate(p: InitPlan): string {
  const envs: string[] = [stagingBlock(p)];
  if (p.github && p.environments.includes("github")) {
    envs.push(
      [
        "  # GitHub (6.8): annotated tag, push, release with notes and assets. Token: GITHUB_TOKEN or GH_TOKEN.",
        "  github:",
        "    github:",
        `      repository: ${yamlScalar(p.github.repository)}`,
        ...(p.github.baseUrl ? [`      baseUrl: ${yamlScalar(p.github.baseUrl)}`] : []),
      ].join("\n"),
    );
  }
  if (p.environments.includes("npm")) {
    envs.push(
      [
        "  # npm: publishes the package folder (token: NPM_TOKEN or NODE_AUTH_TOKEN); a prerelease never moves latest.",
        "  npm:",
        "    npm:",
        "      package: .",
      ].join("\n"),
    );
  }
  const release = p.versionFiles.length
    ? [
        "",
        "release:",
        "  # The release's version is written into these files (and committed) before the package is fixed.",
        `  versionFiles: ${list(p.versionFiles)}`,
      ]
    : [];
  return [
    `# yaml-language-server: $schema=${p.schemaRef}`,
    "# brtops configuration — see the README for every key. Written by `brtops init`, which found:",
    ...p.detected.map((d) => `#   ${d}`),
    ...(p.projectName ? ["", "project:", `  name: ${yamlScalar(p.projectName)}`] : []),
    "",
    "leads:",
    "  # HUM LEADs approve, reject, decide GO / NO-GO and certify.",
    `  hum: ${list(p.hum)}`,
    "  # AI LEADs request releases, run steps, ask questions and report. They never approve.",
    `  ai: ${list(p.ai)}`,
    "",
    // An environments key holding only comments would be null: the schema wants a map.
    p.environments.length ? "environments:" : "environments: {} # none found to set up; the example below shows one",
    ...envs,
    ...release,
    "",
    "# build:",
    '#   - {name: package, run: [npm, pack], artifacts: ["*.tgz"]}',
    "# tests:",
    "#   integration: [{name: e2e, run: [npm, test]}]",
    "#   security: [{name: audit, run: [npm, audit, --json]}]",
    "",
  ].join("\n");
}
