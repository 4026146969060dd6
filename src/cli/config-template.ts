/** The commented brtops.config.yaml that `brtops init` writes. */
export function renderConfigTemplate(hum: readonly string[], ai: readonly string[]): string {
  const list = (xs: readonly string[]): string => `[${xs.join(", ")}]`;
  return `# brtops configuration — see the README for every key.
leads:
  # HUM LEADs approve, reject, decide GO / NO-GO and certify.
  hum: ${list(hum)}
  # AI LEADs request releases, run steps, ask questions and report. They never approve.
  ai: ${list(ai)}

environments:
  staging:
    aliases: [uat]
    # Each step is an argument array, never a shell string. {version} and {previous} are substituted.
    deploy:
      - {name: ship, run: [./scripts/deploy.sh, "{version}"]}
    health:
      - {name: up, run: [./scripts/health.sh]}
    rollback:
      - {name: back, run: [./scripts/deploy.sh, "{previous}"]}
    # rollback: undo on its own when a step or health check fails; ask: wait for a HUM LEAD.
    onFailure: ask

# build:
#   - {name: package, run: [npm, pack], artifacts: ["*.tgz"]}
# tests:
#   integration: [{name: e2e, run: [npm, test]}]
#   security: [{name: audit, run: [npm, audit, --json]}]
`;
}
