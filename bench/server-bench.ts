/**
 * `brtops serve` under load (issue 5), against a real server process started from the built CLI
 * on a free port, in a generated sample project whose release waits at the 2.10 gate with 2,000
 * extra Note events (so folding the log is not trivial).
 *   1. GET /api/releases/{version}: requests per second with keep-alive connections and a fixed
 *      number of requests in flight, for a fixed time; median of 3 rounds. Target ≥ 3,000/s.
 *   2. 500 SSE clients on /api/releases/{version}/events: this process appends a Note through
 *      the file store (another process than the server) and times, per client, append → receipt.
 *      Target: every client within 200 ms.
 * Layout: two processes on one machine — the server (one Node process) and this one (load
 * generator, SSE clients and appender). Set BRTOPS_BENCH_CLI to measure another build's CLI.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, request, type IncomingMessage } from "node:http";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { draft, type AnyDraft } from "../src/core/events.js";
import { generateSampleProject } from "../src/demo/sample-project.js";
import { createToken } from "../src/server/tokens.js";
import { FileStore } from "../src/store/store-file.js";

export interface ServerBenchOptions {
  /** Requests in flight during the req/s rounds (default 64). */
  concurrency?: number;
  /** Length of one req/s round in seconds (default 5). */
  roundSeconds?: number;
  /** SSE clients (default 500). */
  sseClients?: number;
  /** Appends timed against the SSE clients (default 5). */
  sseAppends?: number;
}

const RELEASE = "1.1.0";
const EXTRA_NOTES = 2_000;
const ROUNDS = 3;
const SSE_TARGET_MS = 200;
/** A server that cannot take 500 streams in this time is reported with the clients it did take. */
const OPEN_TIMEOUT_MS = 60_000;

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number): number =>
  xs.length ? sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN;
const median = (xs: number[]): number => quantile(xs, 0.5);
const round = (x: number): number => Math.round(x * 10) / 10;

/** A sample project with release 1.1.0 at its 2.10 gate plus EXTRA_NOTES notes; returns its store's last seq. */
async function prepareProject(root: string, cli: string): Promise<number> {
  generateSampleProject(root);
  const r = spawnSync(
    process.execPath,
    [cli, "release", RELEASE, "--to", "staging", "--json", "--as", "agent@example.com"],
    { cwd: root, encoding: "utf8", env: benchEnv() },
  );
  // Exit 3 = waiting for the HUM LEAD, which is where the release should be.
  const step = (() => {
    try {
      return (JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "") as { step?: string }).step;
    } catch {
      return undefined;
    }
  })();
  if (step !== "2.10") throw new Error(`brtops release did not stop at the 2.10 gate (exit ${r.status}): ${r.stderr}`);
  const store = new FileStore(root);
  let last = (await store.read(RELEASE)).events.at(-1)?.seq ?? 0;
  const actor = { id: "agent@example.com", role: "ai-lead" as const };
  // One event per append, as a real log grows.
  for (let i = 0; i < EXTRA_NOTES; i++) {
    const d: AnyDraft = draft("Note", new Date().toISOString(), actor, {
      text: `progress note ${i}: checked another part of the package`,
    });
    last = (await store.append(RELEASE, last, [d]))[0]!.seq;
  }
  return last;
}

function benchEnv(store?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BRTOPS_ACTOR: "" };
  delete env.BRTOPS_STORE;
  if (store) env.BRTOPS_STORE = store;
  return env;
}

async function startServer(root: string, cli: string, store?: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--json"], {
    cwd: root,
    env: benchEnv(store),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((res, rej) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      const line = out.split("\n").find((l) => l.includes('"listening"'));
      if (line) res((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => rej(new Error(`brtops serve exited ${code}`)));
  });
  return { child, port: Number(new URL(url).port) };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((res) => child.once("exit", res));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(t);
}

interface Round {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Keeps `concurrency` GETs in flight on keep-alive connections for `ms`; counts 200s. */
async function loadRound(port: number, path: string, token: string, concurrency: number, ms: number): Promise<Round> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const one = () =>
    new Promise<void>((res) => {
      const t = performance.now();
      const req = request(
        { host: "127.0.0.1", port, path, agent, headers: { authorization: `Bearer ${token}` } },
        (r: IncomingMessage) => {
          r.on("data", () => {});
          r.on("end", () => {
            if (r.statusCode === 200) {
              ok += 1;
              latencies.push(performance.now() - t);
            } else errors += 1;
            res();
          });
        },
      );
      req.on("error", () => {
        errors += 1;
        res();
      });
      req.end();
    });
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = performance.now() - t0;
  agent.destroy();
  return { perSecond: ok / (elapsed / 1000), p50Ms: median(latencies), p99Ms: quantile(latencies, 0.99), errors };
}

/** One EventSource-like client: a raw HTTP stream parsed into `event:`/`id:`/`data:` frames. */
class SseClient {
  private buf = "";
  private waiter: { seq: number; resolve: (at: number) => void } | null = null;
  lastSeq = -1;
  private res: IncomingMessage | null = null;
  private readonly req;

  constructor(port: number, path: string, token: string, onFirst: (err?: Error) => void) {
    let first = true;
    this.req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        agent: false,
        headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      },
      (res) => {
        this.res = res;
        if (res.statusCode !== 200) return onFirst(new Error(`SSE answered ${res.statusCode}`));
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          this.buf += chunk;
          for (let i = this.buf.indexOf("\n\n"); i >= 0; i = this.buf.indexOf("\n\n")) {
            const frame = this.buf.slice(0, i);
            this.buf = this.buf.slice(i + 2);
            const at = performance.now();
            if (this.onFrame(frame, at) && first) {
              first = false;
              onFirst();
            }
          }
        });
      },
    );
    this.req.on("error", (e) => first && onFirst(e));
    this.req.end();
  }

  /** Returns true for a status frame. */
  private onFrame(frame: string, at: number): boolean {
    let event = "message";
    const data: string[] = [];
    for (const line of frame.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (event !== "status" || data.length === 0) return false;
    this.lastSeq = (JSON.parse(data.join("\n")) as { lastSeq: number }).lastSeq;
    if (this.waiter && this.lastSeq >= this.waiter.seq) {
      this.waiter.resolve(at);
      this.waiter = null;
    }
    return true;
  }

  /** When a status with lastSeq ≥ seq arrives (or null after timeoutMs). */
  receipt(seq: number, timeoutMs: number): Promise<number | null> {
    return new Promise((res) => {
      const t = setTimeout(() => {
        this.waiter = null;
        res(null);
      }, timeoutMs);
      this.waiter = {
        seq,
        resolve: (at) => {
          clearTimeout(t);
          res(at);
        },
      };
    });
  }

  close(): void {
    this.res?.destroy();
    this.req.destroy();
  }
}

/** Opens up to n clients, each counted once its first status arrived; gives up on the rest at the deadline. */
async function openClients(
  port: number,
  path: string,
  token: string,
  n: number,
  timeoutMs: number,
): Promise<{ opened: SseClient[]; failed: number }> {
  const all: SseClient[] = [];
  const deadline = performance.now() + timeoutMs;
  let failed = 0;
  // In batches, so the listen backlog is never the thing measured.
  for (let i = 0; i < n && performance.now() < deadline; i += 50) {
    const batch = Array.from(
      { length: Math.min(50, n - i) },
      () =>
        new Promise<void>((res) => {
          all.push(
            new SseClient(port, path, token, (err) => {
              if (err) failed += 1;
              res();
            }),
          );
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(batch),
      new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - performance.now())))),
    ]);
    clearTimeout(timer);
  }
  const opened = all.filter((c) => c.lastSeq >= 0);
  for (const c of all) if (c.lastSeq < 0) c.close();
  return { opened, failed };
}

interface SseFigures {
  latencies: number[];
  missed: number;
  openMs: number;
  opened: number;
}

async function sseRun(
  root: string,
  port: number,
  token: string,
  clientsWanted: number,
  appends: number,
  lastSeq: number,
): Promise<SseFigures> {
  const t0 = performance.now();
  const { opened: clients } = await openClients(
    port,
    `/api/releases/${RELEASE}/events`,
    token,
    clientsWanted,
    OPEN_TIMEOUT_MS,
  );
  const openMs = performance.now() - t0;
  console.log(`  SSE: ${clients.length}/${clientsWanted} clients streaming after ${Math.round(openMs)} ms`);
  const store = new FileStore(root);
  const latencies: number[] = [];
  let missed = 0;
  let last = lastSeq;
  try {
    await new Promise((r) => setTimeout(r, 1_000));
    for (let a = 0; a < appends; a++) {
      const seq = last + 1;
      const receipts = clients.map((c) => c.receipt(seq, 5_000));
      const sent = performance.now();
      last = (
        await store.append(RELEASE, last, [
          draft(
            "Note",
            new Date().toISOString(),
            { id: "bench@example.com", role: "member" },
            { text: `SSE probe ${a}` },
          ),
        ])
      )[0]!.seq;
      for (const at of await Promise.all(receipts)) {
        if (at === null) missed += 1;
        else latencies.push(at - sent);
      }
      // Let the server settle (and any poll timers drift) between appends.
      await new Promise((r) => setTimeout(r, 700 + Math.floor(Math.random() * 300)));
    }
  } finally {
    for (const c of clients) c.close();
  }
  return { latencies, missed, openMs, opened: clients.length };
}

/** dist/cli.js beside dist/bench.js (this module may be bundled into dist/chunks/). */
function builtCli(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = [join(here, "cli.js"), join(here, "..", "cli.js")].find((f) => existsSync(f));
  if (!found) throw new Error(`No built CLI next to ${here}; run \`npm run build\` first.`);
  return found;
}

/**
 * The same GET rounds with the release copied (`brtops store copy`) into a fresh PostgreSQL
 * database: every request checks the database for new events, so this is the team-mode figure.
 * Uses BRTOPS_TEST_PG_URL's server or a throwaway one; null when neither can be had.
 */
async function pgRounds(
  root: string,
  cli: string,
  token: string,
  concurrency: number,
  roundMs: number,
): Promise<number[] | null> {
  const { startPostgres } = await import("../test/support/postgres.js");
  let pg: Awaited<ReturnType<typeof startPostgres>>;
  try {
    pg = await startPostgres({ fsync: true });
  } catch (e) {
    console.log(`  (PostgreSQL GET rounds skipped: ${(e as Error).message.split("\n")[0]})`);
    return null;
  }
  let server: ChildProcess | undefined;
  const db = await pg.freshDatabase();
  try {
    const copy = spawnSync(process.execPath, [cli, "store", "copy", "--to", db.url, "--json"], {
      cwd: root,
      encoding: "utf8",
      env: benchEnv(),
    });
    if (copy.status !== 0) throw new Error(`brtops store copy failed (exit ${copy.status}): ${copy.stderr}`);
    const started = await startServer(root, cli, db.url);
    server = started.child;
    const path = `/api/releases/${RELEASE}`;
    await loadRound(started.port, path, token, concurrency, 1_000);
    const rps: number[] = [];
    for (let r = 0; r < ROUNDS; r++)
      rps.push((await loadRound(started.port, path, token, concurrency, roundMs)).perSecond);
    console.log(
      `  GET ${path} on the PostgreSQL store: ${rps.map((x) => Math.round(x)).join(", ")} req/s → median ${Math.round(median(rps))}`,
    );
    return rps;
  } finally {
    if (server) await stopServer(server);
    await db.drop();
    await pg.stop();
  }
}

/** Runs both server benchmarks; prints and returns the figures. */
export async function benchServer(opts: ServerBenchOptions = {}): Promise<Record<string, number>> {
  const concurrency = opts.concurrency ?? 64;
  const roundMs = (opts.roundSeconds ?? 5) * 1000;
  const sseClients = opts.sseClients ?? 500;
  const sseAppends = opts.sseAppends ?? 5;
  const cli = process.env.BRTOPS_BENCH_CLI ?? builtCli();
  const base = mkdtempSync(join(tmpdir(), "brtops-bench-server-"));
  let server: ChildProcess | undefined;
  try {
    const root = join(base, "p");
    const lastSeq = await prepareProject(root, cli);
    const token = createToken(root, "alice@example.com", new Date().toISOString());
    const started = await startServer(root, cli);
    server = started.child;
    const path = `/api/releases/${RELEASE}`;

    await loadRound(started.port, path, token, concurrency, 1_000); // warm-up: JIT, caches, sockets
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(await loadRound(started.port, path, token, concurrency, roundMs));
    const rps = rounds.map((r) => r.perSecond);
    console.log(
      `brtops serve (file store, ${lastSeq} events; server and load generator are two Node processes on ${cpus().length} cores):`,
    );
    console.log(
      `  GET ${path}: ${rps.map((x) => Math.round(x)).join(", ")} req/s → median ${Math.round(median(rps))} (target ≥ 3000), ${concurrency} in flight, p50 ${round(median(rounds.map((r) => r.p50Ms)))} ms, p99 ${round(median(rounds.map((r) => r.p99Ms)))} ms, errors ${rounds.reduce((n, r) => n + r.errors, 0)}`,
    );

    const sse = await sseRun(root, started.port, token, sseClients, sseAppends, lastSeq);
    await stopServer(server);
    server = undefined;
    const total = sse.opened * sseAppends;
    const within = sse.latencies.filter((l) => l <= SSE_TARGET_MS).length;

    const figures: Record<string, number> = {
      events: lastSeq,
      concurrency,
      roundSeconds: roundMs / 1000,
      "get.reqPerSec.round1": Math.round(rps[0]!),
      "get.reqPerSec.round2": Math.round(rps[1]!),
      "get.reqPerSec.round3": Math.round(rps[2]!),
      "get.reqPerSec.median": Math.round(median(rps)),
      "get.ratioToTarget": Number((median(rps) / 3000).toFixed(2)),
      "get.latencyP50Ms": round(median(rounds.map((r) => r.p50Ms))),
      "get.latencyP99Ms": round(median(rounds.map((r) => r.p99Ms))),
      "get.errors": rounds.reduce((n, r) => n + r.errors, 0),
      "sse.clients": sseClients,
      "sse.opened": sse.opened,
      "sse.appends": sseAppends,
      "sse.openAllMs": Math.round(sse.openMs),
      "sse.p50Ms": round(median(sse.latencies)),
      "sse.p95Ms": round(quantile(sse.latencies, 0.95)),
      "sse.maxMs": round(sse.latencies.length ? Math.max(...sse.latencies) : NaN),
      "sse.within200ms": within,
      "sse.deliveries": total,
      "sse.missed5s": sse.missed,
    };
    console.log(
      `  SSE, ${sse.opened}/${sseClients} clients × ${sseAppends} appends from this process: p50 ${figures["sse.p50Ms"]} ms, p95 ${figures["sse.p95Ms"]} ms, max ${figures["sse.maxMs"]} ms; ${within}/${total} deliveries within ${SSE_TARGET_MS} ms, ${sse.missed} missed (none within 5 s)`,
    );
    const pgRps = process.env.BRTOPS_SKIP_PG ? null : await pgRounds(root, cli, token, concurrency, roundMs);
    if (pgRps) figures["get.postgres.reqPerSec.median"] = Math.round(median(pgRps));
    return figures;
  } finally {
    if (server) await stopServer(server);
    if (process.env.BRTOPS_BENCH_KEEP) console.log(`kept ${base}`);
    else rmSync(base, { recursive: true, force: true });
  }
}
