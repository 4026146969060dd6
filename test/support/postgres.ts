/**
 * A real PostgreSQL server for tests. With BRTOPS_TEST_PG_URL set (CI), a fresh database is made on
 * that server per suite and dropped afterwards; otherwise a throwaway cluster is created with the
 * machine's own initdb/postgres in a temp dir, on a free loopback port. Never skips silently: the
 * caller decides to skip only when BRTOPS_SKIP_PG=1 (see `postgresSkipped`).
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { Client } from "pg";

export interface PgDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface PgServer {
  /** A fresh database made for this suite. */
  url: string;
  /** Another fresh, empty database on the same server (one per test keeps tests independent). */
  freshDatabase(): Promise<PgDatabase>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Throwaway clusters run with fsync off unless this is true (benchmarks want real figures). */
  fsync?: boolean;
}

/** True only when the caller explicitly asked to skip PostgreSQL tests. */
export function postgresSkipped(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BRTOPS_SKIP_PG === "1";
}

/** Starts (or borrows) a PostgreSQL server; fails with a clear message when none can be had. */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PgServer> {
  const external = process.env.BRTOPS_TEST_PG_URL;
  if (external) return onServer(external, async () => {});
  const cluster = await startCluster(opts);
  return onServer(cluster.adminUrl, cluster.stop);
}

async function onServer(adminUrl: string, stopServer: () => Promise<void>): Promise<PgServer> {
  const made: PgDatabase[] = [];
  const freshDatabase = async (): Promise<PgDatabase> => {
    const name = `brtops_test_${randomBytes(6).toString("hex")}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db: PgDatabase = {
      url: url.toString(),
      drop: async () => {
        const i = made.indexOf(db);
        if (i === -1) return;
        made.splice(i, 1);
        await dropDatabase(adminUrl, name);
      },
    };
    made.push(db);
    return db;
  };
  const suite = await freshDatabase();
  return {
    url: suite.url,
    freshDatabase,
    stop: async () => {
      try {
        for (const db of [...made].reverse()) await db.drop();
      } finally {
        await stopServer();
      }
    },
  };
}

/**
 * Drops a test database and whatever is still connected to it. A role that is not a superuser
 * (CI's `brtops`) may not end a backend of another role — an autovacuum worker that happens to be
 * visiting the fresh database — so WITH (FORCE) can be refused; a plain DROP waits out autovacuum
 * itself, so it is retried briefly after the client pools have gone.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  try {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    return;
  } catch (e) {
    if ((e as { code?: string }).code !== "42501") throw e;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name}`);
      return;
    } catch (e) {
      // 55006: still in use by another session (one of ours closing, or autovacuum finishing).
      // A generous deadline: on a loaded machine a closing pool or autovacuum can take seconds.
      if ((e as { code?: string }).code !== "55006" || attempt >= 300) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Cluster {
  adminUrl: string;
  stop(): Promise<void>;
}

/** Finds initdb and postgres: on PATH, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): { initdb: string; postgres: string } | null {
  const dirs: string[] = [];
  for (const dir of (process.env.PATH ?? "").split(delimiter))
    if (dir && existsSync(join(dir, "initdb"))) dirs.push(dirname(realpathSync(join(dir, "initdb"))));
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(join(base, v, "bin"));
  }
  for (const dir of dirs) {
    if (existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres")))
      return { initdb: join(dir, "initdb"), postgres: join(dir, "postgres") };
  }
  return null;
}

const NOBODY = { uid: 65534, gid: 65534 };

/** PostgreSQL refuses to run as root, so as root it runs as `nobody` (setpriv execs: the pid is postgres's own). */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [bin, args];
  return ["setpriv", [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--clear-groups", "--", bin, ...args]];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function startCluster(opts: StartPostgresOptions): Promise<Cluster> {
  const bins = findPostgresBin();
  if (!bins) {
    throw new Error(
      "PostgreSQL tests need a server: set BRTOPS_TEST_PG_URL=postgres://user:pass@host:port/db, or install PostgreSQL " +
        "(initdb and postgres on PATH or under /usr/lib/postgresql/*/bin). Set BRTOPS_SKIP_PG=1 to skip these tests on purpose.",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "brtops-pg-"));
  const data = join(dir, "data");
  const sock = join(dir, "sock");
  mkdirSync(sock);
  if (process.getuid?.() === 0) {
    chownSync(dir, NOBODY.uid, NOBODY.gid);
    chownSync(sock, NOBODY.uid, NOBODY.gid);
  }
  const [initCmd, initArgs] = asServerUser(bins.initdb, [
    "-D",
    data,
    "-U",
    "brtops",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  const init = spawnSync(initCmd, initArgs, { cwd: dir, encoding: "utf8" });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout || init.error?.message}`);
  }
  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const settings = [
      "-c",
      `fsync=${opts.fsync ? "on" : "off"}`,
      "-c",
      "max_connections=200",
      "-c",
      "shared_buffers=32MB",
    ];
    const [cmd, args] = asServerUser(bins.postgres, [
      "-D",
      data,
      "-k",
      sock,
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      ...settings,
    ]);
    const child = spawn(cmd, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const adminUrl = `postgres://brtops@127.0.0.1:${port}/postgres`;
    if (await waitReady(adminUrl, child)) {
      return { adminUrl, stop: () => stopCluster(child, dir) };
    }
    await stopCluster(child, null);
    lastError = stderr;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`The throwaway PostgreSQL server did not start: ${lastError}`);
}

async function waitReady(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const c = new Client({ connectionString: url });
    try {
      await c.connect();
      await c.query("SELECT 1");
      await c.end();
      return true;
    } catch {
      await c.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

async function stopCluster(child: ChildProcess, dir: string | null): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    // SIGINT is PostgreSQL's "fast shutdown": clients are disconnected, no waiting for them.
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
