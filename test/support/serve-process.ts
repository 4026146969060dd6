/**
 * `brtops serve` as a real process for tests: started on a free port, spoken to over HTTP with a
 * bearer token, its event stream read frame by frame, and stopped with SIGTERM (its runner lets
 * the step in hand finish first). Every wait polls for a fact with a generous deadline.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CLI, hasCritical } from "./cli.js";

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `brtops serve --port 0 --json` (plus `args`) in `root`; resolves once it listens. */
export function startServe(root: string, env: Record<string, string> = {}, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--json", ...args], {
    cwd: root,
    env: { ...process.env, BRTOPS_ACTOR: "", ...env },
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const line = out.split("\n").find((l) => l.includes('"listening"'));
      if (!line) return;
      child.stdout.off("data", onData);
      resolve({
        url: JSON.parse(line).url as string,
        child,
        output: () => out,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          return exited;
        },
      });
    };
    child.stdout.on("data", onData);
    void exited.then((code) => reject(new Error(`brtops serve exited (${code}) before listening:\n${out}`)));
  });
}

/** JSON calls to a server as one identity (bearer token). */
export function api(url: string, token: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text, headers: r.headers };
  };
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown) => call("POST", path, body ?? {}),
  };
}

/** The approve body for the open gate (POST /api/releases/:version/approve): a waiver when it shows a critical finding. */
export function approval(gate: any): { step: string; note: string; waive?: string } {
  return { step: gate.step, note: "ok", ...(hasCritical(gate) ? { waive: "accepted in this test" } : {}) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined); fails after `limitMs` naming `what` and the last value seen. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  limitMs = 180_000,
  describe: () => string = () => "",
): Promise<T> {
  for (const t0 = Date.now(); Date.now() - t0 < limitMs; await sleep(100)) {
    const v = await probe();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}${describe() ? `:\n${describe()}` : ""}`);
}

/** The `event: status` frames of a release's event stream, collected as they arrive. */
export interface StatusFrames {
  frames: any[];
  /** Resolves with the first frame (already seen or still to come) that `match` accepts. */
  until(what: string, match: (status: any) => boolean, limitMs?: number): Promise<any>;
  close(): void;
}

export async function statusFrames(url: string, token: string, release: string): Promise<StatusFrames> {
  const ctrl = new AbortController();
  const r = await fetch(`${url}/api/releases/${encodeURIComponent(release)}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ctrl.signal,
  });
  if (r.status !== 200) throw new Error(`event stream of ${release}: HTTP ${r.status} ${await r.text()}`);
  const frames: any[] = [];
  const reader = r.body!.getReader();
  const dec = new TextDecoder();
  let buf = "";
  let ended = false;
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (!frame.includes("event: status")) continue;
          const data = frame
            .split("\n")
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trim())
            .join("\n");
          frames.push(JSON.parse(data));
        }
      }
    } catch {
      /* aborted */
    } finally {
      ended = true;
    }
  })();
  return {
    frames,
    until: (what, match, limitMs = 180_000) =>
      waitFor(
        `${what} on the event stream of ${release}`,
        () => {
          const hit = frames.find(match);
          if (hit) return hit;
          if (ended) throw new Error(`the event stream of ${release} ended before ${what}`);
          return undefined;
        },
        limitMs,
        () => `frames seen: ${frames.map((f) => `${f.state}@${f.step}`).join(", ")}`,
      ),
    close: () => ctrl.abort(),
  };
}
