/**
 * A real local HTTP service the deployment tests deploy as version N and N+1. Scripts written to a
 * temp dir: `server.mjs` serves `GET /health` → `{"version": "…"}` on a fixed loopback port (500
 * when the marker `fail-<version>` exists), `deploy.mjs <dir> <version>` stops the running server
 * (pidfile) and starts the given version, `stop.mjs <dir>` stops it, and `record.mjs <dir> <name>
 * [sleepMs] [fail]` appends a line to steps.log (ordering tests).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SERVER = `
import { createServer } from "node:http";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const [dir, version, port] = process.argv.slice(2);
const server = createServer((req, res) => {
  if (req.url === "/health" || req.url === "/") {
    const failing = existsSync(join(dir, "fail-" + version));
    res.writeHead(failing ? 500 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(failing ? { version, error: "failing on purpose" } : { version, status: "ok" }));
    return;
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: "not found" }));
});
// The previous version may still be letting go of the port: retry for a while instead of dying.
let tries = 0;
server.on("error", (e) => {
  if (e.code !== "EADDRINUSE" || ++tries > 200) throw e;
  setTimeout(() => server.listen(Number(port), "127.0.0.1"), 50);
});
server.on("listening", () => writeFileSync(join(dir, "server.pid"), String(process.pid)));
server.listen(Number(port), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

const LIB = `
import { existsSync, readFileSync, rmSync, appendFileSync } from "node:fs";
import { join } from "node:path";
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A killed server is a zombie until its (re)parent reaps it: count zombies as gone.
const zombie = (pid) => { try { return /State:\\s+Z/.test(readFileSync("/proc/" + pid + "/status", "utf8")); } catch { return false; } };
const alive = (pid) => { try { process.kill(pid, 0); return !zombie(pid); } catch { return false; } };
export async function stopServer(dir) {
  const pidfile = join(dir, "server.pid");
  if (!existsSync(pidfile)) return;
  const pid = Number(readFileSync(pidfile, "utf8"));
  if (pid > 0 && alive(pid)) {
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
    if (alive(pid)) process.kill(pid, "SIGKILL");
    for (let i = 0; i < 200 && alive(pid); i++) await sleep(50);
  }
  rmSync(pidfile, { force: true });
}
export function log(dir, file, line) { appendFileSync(join(dir, file), line + "\\n"); }
`;

const DEPLOY = `
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { stopServer, sleep, log } from "./lib.mjs";
const [dir, version] = process.argv.slice(2);
if (!version) { console.error("usage: deploy.mjs <dir> <version>"); process.exit(2); }
const port = readFileSync(join(dir, "port"), "utf8").trim();
await stopServer(dir);
const child = spawn(process.execPath, [join(dir, "server.mjs"), dir, version, port], { cwd: dir, detached: true, stdio: "ignore" });
child.unref();
// Generous: starting a node process on a loaded CI machine can take seconds.
for (let i = 0; i < 1200; i++) {
  try { const r = await fetch("http://127.0.0.1:" + port + "/health"); const b = await r.json(); if (b.version === version) break; } catch {}
  await sleep(50);
}
writeFileSync(join(dir, "current"), version);
log(dir, "deploy.log", "deploy " + version);
console.log("deployed " + version + " on port " + port);
`;

const STOP = `
import { stopServer, log } from "./lib.mjs";
const [dir] = process.argv.slice(2);
await stopServer(dir);
log(dir, "deploy.log", "stop");
`;

const RECORD = `
import { log, sleep } from "./lib.mjs";
const [dir, name, ms, fail] = process.argv.slice(2);
log(dir, "steps.log", "start " + name);
if (ms) await sleep(Number(ms));
log(dir, "steps.log", (fail === "fail" ? "fail " : "done ") + name);
if (fail === "fail") { console.error("step " + name + " failed on purpose"); process.exit(3); }
`;

export interface TestService {
  dir: string;
  port: number;
  healthUrl: string;
  /** argv that deploys this version (stops the running one first). */
  deployArgv(version: string): string[];
  stopArgv(): string[];
  /** argv that logs "start <name>" and "done <name>" (or "fail <name>", exit 3) to steps.log. */
  recordArgv(name: string, options?: { sleepMs?: number; fail?: boolean }): string[];
  /** Makes this version answer 500 on /health (or healthy again with `false`). */
  setFailing(version: string, failing?: boolean): void;
  /** The version answering on /health now, or null when nothing answers. */
  currentVersion(): Promise<string | null>;
  deployLog(): string[];
  stepsLog(): string[];
  /** Stops the server and removes the temp dir. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Writes the scripts to a temp dir and picks a free port; nothing runs until a deploy. */
export async function createTestService(): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), "brtops-service-"));
  const port = await freePort();
  writeFileSync(join(dir, "port"), String(port));
  writeFileSync(join(dir, "server.mjs"), SERVER);
  writeFileSync(join(dir, "lib.mjs"), LIB);
  writeFileSync(join(dir, "deploy.mjs"), DEPLOY);
  writeFileSync(join(dir, "stop.mjs"), STOP);
  writeFileSync(join(dir, "record.mjs"), RECORD);
  const node = process.execPath;
  const lines = (f: string): string[] =>
    existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8").split("\n").filter(Boolean) : [];
  return {
    dir,
    port,
    healthUrl: `http://127.0.0.1:${port}/health`,
    deployArgv: (version) => [node, join(dir, "deploy.mjs"), dir, version],
    stopArgv: () => [node, join(dir, "stop.mjs"), dir],
    recordArgv: (name, o = {}) => [
      node,
      join(dir, "record.mjs"),
      dir,
      name,
      String(o.sleepMs ?? 0),
      o.fail ? "fail" : "ok",
    ],
    setFailing(version, failing = true) {
      const marker = join(dir, `fail-${version}`);
      if (failing) writeFileSync(marker, "1");
      else rmSync(marker, { force: true });
    },
    async currentVersion() {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
        return ((await r.json()) as { version?: string }).version ?? null;
      } catch {
        return null;
      }
    },
    deployLog: () => lines("deploy.log"),
    stepsLog: () => lines("steps.log"),
    async dispose() {
      const pidfile = join(dir, "server.pid");
      if (existsSync(pidfile)) {
        const pid = Number(readFileSync(pidfile, "utf8"));
        try {
          if (pid > 0) process.kill(pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The usual environment for `svc`: deploy it, check /health, roll back to {previous}, ask on failure. */
export function serviceEnvironment(svc: TestService): Record<string, unknown> {
  return {
    deploy: [{ name: "ship", run: svc.deployArgv("{version}") }],
    health: [
      {
        name: "api",
        http: { url: svc.healthUrl, bodyMatch: '"status":"ok"' },
        interval: 0.05,
        failuresBeforeUnhealthy: 2,
      },
    ],
    rollback: [{ name: "back", run: svc.deployArgv("{previous}") }],
    onFailure: "ask",
  };
}

/**
 * Starts `svc` as v1.0.0 (what runs before the release) and makes `env` the sample project's
 * only environment (`local`, aliases dev and staging), committed and pushed so the tree is clean.
 */
export function deployTestServiceFrom(root: string, svc: TestService, env: Record<string, unknown>): void {
  const [cmd, ...args] = svc.deployArgv("1.0.0");
  execFileSync(cmd!, args);
  const file = join(root, "brtops.config.yaml");
  const text = readFileSync(file, "utf8");
  const local = { aliases: ["dev", "staging"], ...env };
  writeFileSync(
    file,
    `${text.slice(0, text.indexOf("environments:"))}environments:\n  local: ${JSON.stringify(local)}\n${text.slice(text.indexOf("\ntests:") + 1)}`,
  );
  execFileSync("git", ["commit", "-q", "-m", "chore: deploy the test service", "--", "brtops.config.yaml"], {
    cwd: root,
  });
  execFileSync("git", ["push", "-q", "origin", "main"], { cwd: root });
}
