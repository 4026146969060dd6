/**
 * `brtops init` at a terminal (a pseudo-terminal, util-linux `script`): it shows what it found and
 * asks for the leads (git's user.email offered), the environments and a confirmation; in CI it
 * asks nothing and takes flags only. Keys are typed once the question is on screen (facts, not time).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { HUM } from "../support/cli.js";
import { brtopsPty } from "../support/pty.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(): string {
  const base = mkdtempSync(join(tmpdir(), "brtops-init-tty-"));
  dirs.push(base);
  const root = join(base, "project");
  mkdirSync(join(root, "scripts"), { recursive: true });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "dev@example.com");
  git("config", "user.name", "Dev");
  git("config", "commit.gpgSign", "false");
  git("remote", "add", "origin", "https://github.com/acme/widget.git");
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "widget", version: "1.0.0" }));
  writeFileSync(join(root, "scripts", "deploy.sh"), "#!/bin/sh\n", { mode: 0o755 });
  git("add", "-A");
  git("commit", "-qm", "start");
  return root;
}

describe("brtops init at a terminal", () => {
  it("asks for the leads and the environments, then writes what was answered", async () => {
    const root = repo();
    const t = brtopsPty(root, HUM, ["init"]);
    await t.waitFor("origin: github.com/acme/widget");
    await t.waitFor("HUM LEAD(s)");
    expect(t.output()).toContain("dev@example.com"); // git's user.email, offered
    let at = t.output().length;
    t.type("\u0015alice@example.com\r"); // Ctrl-U clears the offered default
    await t.waitFor("AI LEAD(s)", at);
    at = t.output().length;
    t.type("agent@example.com\r");
    await t.waitFor("Environments to set up", at);
    await t.waitFor("npm", at);
    at = t.output().length;
    t.type(" "); // the cursor is on the first choice, staging: unchecked
    await t.waitFor(/◯\s*staging/, at);
    t.type("\r");
    await t.waitFor("Write brtops.config.yaml?");
    t.type("y\r");
    expect(await t.exited, t.output()).toBe(0);
    const config = parseConfig(readFileSync(join(root, "brtops.config.yaml"), "utf8"), "brtops.config.yaml");
    expect(config.leads.hum).toEqual(["alice@example.com"]);
    expect(config.leads.ai).toEqual(["agent@example.com"]);
    expect(Object.keys(config.environments).sort()).toEqual(["github", "npm"]);
  });

  it("in CI asks nothing: without --hum-lead it is exit 2 and nothing is written", async () => {
    const root = repo();
    const t = brtopsPty(root, HUM, ["init"], { CI: "true" });
    expect(await t.exited).toBe(2);
    expect(t.output()).toContain("Name at least one HUM LEAD");
    expect(t.output()).not.toContain("HUM LEAD(s)");
    expect(existsSync(join(root, "brtops.config.yaml"))).toBe(false);
  });
});
