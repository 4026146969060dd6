import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { environmentSchema, stepActionKind } from "../../src/config/schema-environment.js";
import { BrtopsError } from "../../src/core/errors.js";

const base = "leads:\n  hum: [hum@example.com]\n";
function parse(yaml: string) {
  return parseConfig(base + yaml, "/repo/brtops.config.yaml");
}
function failure(yaml: string): BrtopsError {
  try {
    parse(yaml);
  } catch (e) {
    if (e instanceof BrtopsError) return e;
    throw e;
  }
  throw new Error("expected a BrtopsError");
}

describe("environment config", () => {
  it("still parses the old shape: deploy, health and rollback arrays of {name, run}", () => {
    const c = parse(`environments:
  production:
    deploy: [{name: ship, run: [./deploy.sh, "{version}"]}]
    health: [{name: ping, run: [curl, -f, http://localhost/health]}]
    rollback: [{name: back, run: [./deploy.sh, "{previous}"]}]
`);
    const env = c.environments["production"]!;
    expect(env.deploy[0]).toEqual({ name: "ship", run: ["./deploy.sh", "{version}"] });
    expect(env.health[0]).toMatchObject({
      name: "ping",
      interval: 5,
      timeout: 10,
      failuresBeforeUnhealthy: 3,
      during: false,
      expectExit: 0,
    });
    expect(env).toMatchObject({ onFailure: "ask", concurrency: 4, healthWindow: 0 });
  });

  it("parses every step kind with needs, check, undo, and the github and npm targets", () => {
    const c = parse(`environments:
  production:
    concurrency: 2
    onFailure: rollback
    deploy:
      - {name: migrate, run: [npm, run, migrate], check: [npm, run, migrated], idempotent: true, undo: {run: [npm, run, migrate:down]}}
      - name: flag
        http: {url: "https://flags.example.com/{environment}", method: POST, headers: {x-v: "{version}"}, body: {on: true}, expectStatus: [200, 201]}
        needs: [migrate]
        undo: {http: {url: "https://flags.example.com/{environment}", method: DELETE}}
      - {name: soak, wait: 30, needs: [flag]}
      - {name: ok, confirm: {role: hum-lead, prompt: "Traffic looks fine?"}, needs: [soak], timeout: 3600}
    health:
      - {name: api, http: {url: "http://127.0.0.1:8080/health", bodyMatch: '"ok"', maxLatencyMs: 300}, interval: 2, during: true}
    github: {repository: acme/shop, baseUrl: "https://ghe.acme.test/api/v3"}
    npm: {registry: "http://127.0.0.1:4873/", package: packages/core, access: public}
`);
    const env = c.environments["production"]!;
    expect(env.deploy.map(stepActionKind)).toEqual(["run", "http", "wait", "confirm"]);
    expect(env.deploy[1]!.http).toMatchObject({ method: "POST", expectStatus: [200, 201] });
    expect(env.github).toEqual({
      repository: "acme/shop",
      baseUrl: "https://ghe.acme.test/api/v3",
      remote: "origin",
      assets: true,
      draft: false,
      prerelease: "auto",
      tag: "v{version}",
      rollback: "delete",
    });
    expect(env.npm).toEqual({
      registry: "http://127.0.0.1:4873/",
      package: "packages/core",
      access: "public",
      unpublishOnRollback: false,
      provenance: "auto",
    });
  });

  it.each([
    ["a step with no action", "deploy: [{name: x}]", /deploy\.0: a step needs one action: run, http, wait, confirm/],
    [
      "a step with two actions",
      "deploy: [{name: x, run: [a], wait: 3}]",
      /deploy\.0\.wait: a step has one action, not several \(run and wait\)/,
    ],
    ["a shell string instead of an argument array", 'deploy: [{name: x, run: "make deploy"}]', /deploy\.0\.run/],
    ["an unknown key", "deploy: [{name: x, run: [a], retries: 3}]", /deploy\.0: unknown key "retries"/],
    ["an undo with no action", "deploy: [{name: x, run: [a], undo: {}}]", /deploy\.0\.undo: a step needs one action/],
    [
      "a health check with run and http",
      "health: [{name: h, run: [a], http: {url: x}}]",
      /health\.0: a health check has either run .* or http/,
    ],
    ["a malformed repository", "github: {repository: acme}", /github\.repository: repository is owner\/name/],
    ["a bad onFailure", "onFailure: retry", /onFailure/],
  ])("rejects %s with the key and line", (_label, body, message) => {
    const e = failure(`environments:\n  production:\n    ${body}\n`);
    expect(e.code).toBe("E_CONFIG_INVALID");
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/^\/repo\/brtops\.config\.yaml:\d+: environments\.production\./);
  });

  it("defaults the npm and github blocks when given empty", () => {
    const env = environmentSchema.parse({ github: {}, npm: {} });
    expect(env.github?.tag).toBe("v{version}");
    expect(env.npm?.registry).toBe("https://registry.npmjs.org/");
  });
});
