/**
 * Redaction across chunks: a deploy script that writes a secret in two pieces (two writes, apart in
 * time, so the runner reads two chunks) never shows it, or either piece, in `brtops run`'s progress,
 * in the log or in the documents. And the secrets the config holds or names (the store URL's
 * password, a Slack webhook URL named by `urlEnv`) are redacted like environment secrets.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runProcess } from "../../src/adapters/process-runner.js";
import { configSecretValues } from "../../src/core/config-secrets.js";
import { createRedactor, secretValuesFrom } from "../../src/core/redact.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

const SECRET = "Zq9vK2mW7xPl4RtY8nBc";
const HEAD = SECRET.slice(0, 10);
const TAIL = SECRET.slice(10);

function withSplittingShip(root: string): void {
  // Two writes with a pause between: the runner gets two chunks, the secret's halves one in each.
  writeFileSync(
    join(root, "scripts/chatty-deploy.sh"),
    `#!/bin/sh\nset -e\nprintf 'connecting with key %s' "$(printf %s "$DEPLOY_TOKEN" | cut -c1-10)"\nsleep 0.5\nprintf '%s ok\\n' "$(printf %s "$DEPLOY_TOKEN" | cut -c11-)"\nmkdir -p service\necho "$1" > service/version\n`,
  );
  chmodSync(join(root, "scripts/chatty-deploy.sh"), 0o755);
  const cfgPath = join(root, "brtops.config.yaml");
  const cfg = readFileSync(cfgPath, "utf8");
  const next = cfg.replace(
    '{name: ship, run: [./scripts/deploy.sh, "{version}"]',
    '{name: ship, run: [./scripts/chatty-deploy.sh, "{version}"]',
  );
  if (next === cfg) throw new Error("the sample config no longer has the ship step this test rewrites");
  writeFileSync(cfgPath, next);
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["commit", "-q", "-m", "chore: chatty deploy"], { cwd: root });
  execFileSync("git", ["push", "-q", "origin", "main"], { cwd: root });
}

function allText(dir: string): string {
  let out = "";
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out += readFileSync(join(e.parentPath, e.name), "utf8");
  return out;
}

describe("redaction across output chunks", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it("a runner's live output is redacted line by line, not chunk by chunk", async () => {
    const seen: string[] = [];
    const redact = createRedactor([SECRET]);
    const r = await runProcess(
      ["sh", "-c", `printf 'key=${HEAD}'; sleep 0.3; printf '${TAIL}\\nnext line\\n'`],
      { cwd: process.cwd(), onOutput: (c) => seen.push(c) },
      redact,
    );
    expect(r.exitCode).toBe(0);
    const shown = seen.join("");
    expect(shown).not.toContain(HEAD);
    expect(shown).not.toContain(TAIL);
    expect(shown).toContain("key=[REDACTED]");
    expect(shown).toContain("next line");
  });

  it("a secret split over two writes of a deploy script never appears in `brtops run`'s output", () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    const root = p.root;
    withSplittingShip(root);
    const env = { DEPLOY_TOKEN: SECRET };
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"], env).code).toBe(3);
    expect(brtops(root, HUM, ["approve", "--step", "2.10"], env).code).toBe(0);
    expect(brtops(root, AI, ["run"], env).code).toBe(3);
    expect(brtops(root, HUM, ["approve", "--step", "5.10"], env).code).toBe(0);
    const r = brtops(root, AI, ["run"], env);
    const shown = r.stdout + r.stderr;
    expect(shown).not.toContain(HEAD);
    expect(shown).not.toContain(TAIL);
    expect(shown).toContain("6.1:ship");
    expect(shown).toContain("connecting with key [REDACTED]");
    const stored = allText(join(root, ".brtops")) + allText(join(root, "docs"));
    expect(stored).not.toContain(HEAD);
    expect(stored).not.toContain(TAIL);
  }, 180_000);

  it("the store URL's password and the secrets the config names are redacted wherever they appear", () => {
    const env = {
      BRTOPS_STORE: "postgres://brtops:pg%2Fpass-9f8e7d@db.internal:5432/brtops",
      HOOK: "https://hooks.slack.com/services/T0/B0/abcdefghijklmnop",
    };
    const config = {
      notifications: {
        channels: [
          { type: "slack", name: "team", urlEnv: "HOOK" },
          { type: "email", name: "m", smtp: { host: "h", port: 25, userEnv: "HOME", passwordEnv: "NOPE" } },
        ],
      },
      store: "file",
    };
    const redact = createRedactor([...secretValuesFrom(env), ...configSecretValues(config, env, env.BRTOPS_STORE)]);
    expect(redact("FATAL: password pg/pass-9f8e7d rejected")).toBe("FATAL: password [REDACTED] rejected");
    expect(redact("raw pg%2Fpass-9f8e7d")).toBe("raw [REDACTED]");
    expect(redact("posting to https://hooks.slack.com/services/T0/B0/abcdefghijklmnop failed")).toBe(
      "posting to [REDACTED] failed",
    );
    // A variable named as a user (userEnv) is not a secret.
    expect(redact(`home ${process.env.HOME ?? "/root"}`)).toBe(`home ${process.env.HOME ?? "/root"}`);
  });

  it("the store URL's password (BRTOPS_STORE) never reaches the CLI's error output, even bare", () => {
    const p = sampleProject();
    cleanup = p.cleanup;
    const pw = "Pw-secret-4b7e9d21";
    for (const args of [
      ["parse", `RELEASE v1.2.0 to ${pw}`],
      ["release", "1.2.0", "--to", pw],
      ["status", "--release", pw],
    ]) {
      const r = brtops(p.root, AI, args, { BRTOPS_STORE: `postgres://brtops:${pw}@127.0.0.1:1/brtops` });
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr, args.join(" ")).not.toContain(pw);
    }
  }, 120_000);
});
