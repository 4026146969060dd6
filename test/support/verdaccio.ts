/**
 * A real npm registry for tests: verdaccio (a dev dependency) started as a child process on
 * 127.0.0.1 with a temp config that lets an authenticated user publish and unpublish, no uplinks
 * (nothing leaves the machine), and a user created through the registry's CouchDB-style API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { freePort } from "./service.js";

export interface Verdaccio {
  url: string;
  dir: string;
  /** Creates a user; resolves to its auth token. */
  addUser(name: string, password: string): Promise<string>;
  /** The registry's document for a package (null when unknown). */
  packument(name: string): Promise<{
    "dist-tags": Record<string, string>;
    versions: Record<string, { deprecated?: string; dist: { shasum: string } }>;
  } | null>;
  stop(): Promise<void>;
}

const BIN = join(dirname(createRequire(import.meta.url).resolve("verdaccio/package.json")), "bin", "verdaccio");

export async function startVerdaccio(): Promise<Verdaccio> {
  const dir = mkdtempSync(join(tmpdir(), "brtops-verdaccio-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(
    join(dir, "config.yaml"),
    [
      `storage: ${join(dir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${join(dir, "htpasswd")}`,
      "    max_users: 100",
      "uplinks: {}",
      "packages:",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "    unpublish: $authenticated",
      "server:",
      "  keepAliveTimeout: 0",
      "log: { type: stdout, format: pretty, level: error }",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, "--config", join(dir, "config.yaml"), "--listen", `127.0.0.1:${port}`],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`verdaccio did not start: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dir,
    async addUser(name, password) {
      const r = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          _id: `org.couchdb.user:${name}`,
          name,
          password,
          email: `${name}@example.com`,
          type: "user",
          roles: [],
          date: new Date().toISOString(),
        }),
      });
      const body = (await r.json()) as { token?: string; error?: string };
      if (r.status !== 201 || !body.token) throw new Error(`adduser ${name}: ${r.status} ${JSON.stringify(body)}`);
      return body.token;
    },
    async packument(name) {
      const r = await fetch(`${url}${name.replace("/", "%2f")}`);
      if (r.status === 404) return null;
      return (await r.json()) as Awaited<ReturnType<Verdaccio["packument"]>>;
    },
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) {
          rmSync(dir, { recursive: true, force: true });
          return resolveStop();
        }
        child.once("exit", () => {
          rmSync(dir, { recursive: true, force: true });
          resolveStop();
        });
        child.kill("SIGTERM");
      }),
  };
}
