/**
 * A `production` environment for a sample project, beside its `local` (alias staging): deployed
 * by writing the version into service-prod/version, healthy while that file holds one, rolled
 * back by writing the previous version there.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The environment's config, for sampleProject's `envExtra`. */
export const PRODUCTION_ENV = `  production:
    deploy:
      - {name: ship, run: [./scripts/deploy-to.sh, service-prod, "{version}"]}
    health:
      - {name: up, run: [./scripts/health-of.sh, service-prod]}
    rollback:
      - {name: back, run: [./scripts/deploy-to.sh, service-prod, "{previous}"]}
`;

/** Writes the environment's scripts (scripts/deploy-to.sh, scripts/health-of.sh) into the project; the caller commits them. */
export function writeProductionScripts(root: string): void {
  writeFileSync(join(root, "scripts/deploy-to.sh"), '#!/bin/sh\nset -e\nmkdir -p "$1"\necho "$2" > "$1/version"\n');
  writeFileSync(join(root, "scripts/health-of.sh"), '#!/bin/sh\ntest -s "$1/version"\n');
  for (const f of ["deploy-to.sh", "health-of.sh"]) chmodSync(join(root, "scripts", f), 0o755);
}
