/**
 * A sample project for the dashboard's gate, deployment and environments tests: a build with one
 * artifact (its digest fixed into the package at 2.4), a `production` environment after `local`
 * (alias staging) in the promotion order, and a `local` deploy step that waits for a file the test
 * creates (`release-go-on`), so a test can see the step running before it lets it finish.
 * Committed and pushed, so the release sees a clean tree.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sampleProject } from "./cli.js";
import { PRODUCTION_ENV } from "./production-env.js";

const BUILD = `build:
  - {name: bundle, run: [./scripts/build.sh], artifacts: [dist/app.txt]}
promotion: [local, production]
`;

/** The file the waiting deploy step waits for (relative to the project root). */
export const GO_ON_FILE = "release-go-on";

export function dashboardProject(): { root: string; cleanup: () => void } {
  const p = sampleProject({ envExtra: PRODUCTION_ENV, extra: BUILD });
  const root = p.root;
  const script = (name: string, text: string) => {
    writeFileSync(join(root, "scripts", name), text);
    chmodSync(join(root, "scripts", name), 0o755);
  };
  script("build.sh", "#!/bin/sh\nset -e\nmkdir -p dist\ncat src/*.js > dist/app.txt\n");
  // The production scripts of production-env.ts, saying what they do: the page shows their output.
  script("deploy-to.sh", '#!/bin/sh\nset -e\nmkdir -p "$1"\necho "$2" > "$1/version"\necho "deployed $2 to $1"\n');
  script("health-of.sh", '#!/bin/sh\ntest -s "$1/version" && echo "serving $(cat "$1/version")"\n');
  // Says what it does, then waits (its own loop, not the test's) until the test lets it go on.
  script(
    "deploy-wait.sh",
    `#!/bin/sh\nset -e\necho "preparing $1"\nwhile [ ! -f ${GO_ON_FILE} ]; do sleep 0.1; done\nmkdir -p service\necho "$1" > service/version\necho "deployed $1"\n`,
  );
  const cfgPath = join(root, "brtops.config.yaml");
  const cfg = readFileSync(cfgPath, "utf8");
  const waiting = cfg.replace(
    '{name: ship, run: [./scripts/deploy.sh, "{version}"]',
    '{name: ship, run: [./scripts/deploy-wait.sh, "{version}"]',
  );
  if (waiting === cfg) throw new Error("the sample config no longer has the ship step this helper rewrites");
  writeFileSync(cfgPath, waiting);
  writeFileSync(join(root, ".gitignore"), `.brtops/\nservice/\nservice-prod/\ndist/\n${GO_ON_FILE}\n`);
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["commit", "-q", "-m", "chore: build, production and a deploy that waits"], { cwd: root });
  execFileSync("git", ["push", "-q", "origin", "main"], { cwd: root });
  return p;
}
