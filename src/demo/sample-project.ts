/**
 * Generates a sample BRTOPS project: a git repository with a bare origin and a v1.0.0 tag,
 * conventional commits since, two features with readiness documents, and a config whose local
 * environment deploys by scripts of the project (a "service" that is a version file).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function write(root: string, rel: string, text: string, exec = false): void {
  const file = join(root, rel);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  if (exec) chmodSync(file, 0o755);
}

export interface SampleOptions {
  hum?: string[];
  ai?: string[];
  /** Emergency contacts (leads.emergency). */
  emergency?: string[];
  /** Extra YAML appended to the environment `local`. */
  envExtra?: string;
  /** Extra top-level YAML. */
  extra?: string;
}

export function generateSampleProject(root: string, o: SampleOptions = {}): { root: string; origin: string } {
  const hum = o.hum ?? ["alice@example.com", "bob@example.com"];
  const ai = o.ai ?? ["agent@example.com"];
  const origin = `${root}-origin.git`;
  mkdirSync(root, { recursive: true });
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
  git(root, "init", "-q", "-b", "main");
  for (const [k, v] of [
    ["user.name", "Sample Dev"],
    ["user.email", "dev@example.com"],
    ["commit.gpgSign", "false"],
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
  ] as const)
    git(root, "config", k, v);
  git(root, "remote", "add", "origin", origin);
  write(root, "README.md", "# Sample service\n");
  write(root, ".gitignore", ".brtops/\nservice/\n");
  write(
    root,
    "scripts/deploy.sh",
    `#!/bin/sh
# Deploys version $1 of the sample service: the "service" is a version file.
set -e
mkdir -p service
echo "$1" > service/version
echo "deployed $1"
`,
    true,
  );
  write(
    root,
    "scripts/health.sh",
    `#!/bin/sh\n# Healthy when a version is deployed.\ntest -s service/version && echo "serving $(cat service/version)"\n`,
    true,
  );
  write(
    root,
    "scripts/check.sh",
    `#!/bin/sh\n# The sample's test: every source file is there and exports something (run in a clean checkout of the release commit).\nfor f in src/*.js; do grep -q "export" "$f" || { echo "$f exports nothing"; exit 1; }; done\necho "sources ok"\n`,
    true,
  );
  write(
    root,
    "scripts/is-deployed.sh",
    `#!/bin/sh\n# Exit 0 when version $1 is already deployed (crash recovery adopts it).\ntest "$(cat service/version 2>/dev/null)" = "$1"\n`,
    true,
  );
  write(
    root,
    "brtops.config.yaml",
    `# Sample brtops configuration (generated)
project: {name: sample-service}
leads:
  hum: [${hum.join(", ")}]
  ai: [${ai.join(", ")}]
${o.emergency ? `  emergency: [${o.emergency.join(", ")}]\n` : ""}environments:
  local:
    aliases: [dev, staging]
    deploy:
      - {name: ship, run: [./scripts/deploy.sh, "{version}"], check: [./scripts/is-deployed.sh, "{version}"]}
    health:
      - {name: up, run: [./scripts/health.sh]}
    rollback:
      - {name: back, run: [./scripts/deploy.sh, "{previous}"]}
    onFailure: ask
${o.envExtra ?? ""}
tests:
  integration:
    - {name: smoke, run: [./scripts/check.sh]}
${o.extra ?? ""}`,
  );
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "chore: initial service");
  git(root, "tag", "-a", "v1.0.0", "-m", "v1.0.0");
  write(
    root,
    "docs/02_features/login/07-readiness/validation-report.md",
    `# Validation Report: login\n\n**SEV Level**: SEV-3\n**Validation Status**: COMPLETE\n\n- [x] Performance\n- [x] UX\n\n**Validated by**: alice@example.com\n**Status**: CERTIFIED\n`,
  );
  write(
    root,
    "docs/02_features/login/07-readiness/release-notes.md",
    `# Release Notes: login\n\n**SEV Level**: SEV-3\n\n## New Features\n- Sign in with a one-time code\n\n## Known Issues\n- Codes expire after 5 minutes\n`,
  );
  write(root, "src/login.js", "export const login = () => true;\n");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "feat(login): sign in with a one-time code");
  write(
    root,
    "docs/02_features/search/07-readiness/validation-report.md",
    `## Feature Validation Status: ✅ PRODUCTION READY\n\n**SEV Level**: SEV-3\n`,
  );
  write(root, "src/search.js", "export const search = (q) => [q];\n");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "feat(search): search the catalogue");
  write(root, "src/search.js", "export const search = (q) => [String(q)];\n");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "fix(search): coerce queries to strings");
  git(root, "push", "-q", "origin", "main", "--tags");
  // v1.0.0 is what runs today.
  write(root, "service/version", "1.0.0\n");
  return { root, origin };
}
