/**
 * A real OCI registry for tests: Debian's `docker-registry` (the CNCF distribution registry)
 * started on 127.0.0.1 with a temp config and storage, optionally behind htpasswd (basic) auth or
 * token auth served by a tiny token server in this process (ES256 JWTs signed with a throwaway
 * key whose self-signed certificate is the registry's root bundle) — the flow Docker Hub uses.
 * Also: a proxy in front of it that logs every request and can hold one (to SIGKILL a runner
 * mid-push), and images made with `umoci`.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./service.js";

export const REGISTRY_BIN = "/usr/bin/docker-registry";

export interface Registry {
  /** host:port, as an image name starts: `127.0.0.1:5123`. */
  host: string;
  url: string;
  dir: string;
  /** What the token server was asked (when auth is token). */
  tokenRequests: { scope: string[]; user: string | null }[];
  stop(): Promise<void>;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

async function listen(server: Server): Promise<number> {
  const port = await freePort();
  await new Promise<void>((res) => server.listen(port, "127.0.0.1", () => res()));
  return port;
}

function bcrypt(password: string): string {
  // bcryptjs comes with verdaccio (a dev dependency); the registry's htpasswd needs bcrypt.
  const req = createRequire(createRequire(import.meta.url).resolve("verdaccio/package.json"));
  const b = req("bcryptjs") as { hashSync(p: string, rounds: number): string };
  return b.hashSync(password, 5);
}

/** Starts a token server: GET /token with basic credentials → `{token}` granting what is asked. */
async function startTokenServer(
  dir: string,
  users: Record<string, string>,
  log: Registry["tokenRequests"],
): Promise<{ realm: string; cert: string; close(): Promise<void> }> {
  const key = join(dir, "token.key");
  const cert = join(dir, "token.crt");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=brtops-test-token",
    ],
    { stdio: "ignore" },
  );
  const pk = createPrivateKey(readFileSync(key));
  const der = readFileSync(cert, "utf8").replace(/-----[^-]+-----|\s/g, "");
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization ?? "";
    const [user, pass] = auth.startsWith("Basic ")
      ? Buffer.from(auth.slice(6), "base64").toString().split(":")
      : [null, null];
    const scopes = url.searchParams.getAll("scope");
    log.push({ scope: scopes, user: user ?? null });
    if (!user || users[user] !== pass) {
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ details: "incorrect username or password" }));
      return;
    }
    const access = scopes.map((s) => {
      const [type, ...rest] = s.split(":");
      const actions = rest.pop()!.split(",");
      return { type, name: rest.join(":"), actions };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "ES256", x5c: [der] }));
    const claims = b64url(
      JSON.stringify({
        iss: "brtops-test-issuer",
        sub: user,
        aud: url.searchParams.get("service"),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const sig = sign("sha256", Buffer.from(`${header}.${claims}`), { key: pk, dsaEncoding: "ieee-p1363" });
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ token: `${header}.${claims}.${b64url(sig)}`, expires_in: 300 }));
  });
  const port = await listen(server);
  return { realm: `http://127.0.0.1:${port}/token`, cert, close: () => new Promise((r) => server.close(() => r())) };
}

/** Starts the registry. `auth`: none, htpasswd (basic) or token; `users`: name → password. */
export async function startRegistry(
  o: { auth?: "none" | "htpasswd" | "token"; users?: Record<string, string> } = {},
): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), "brtops-registry-"));
  const port = await freePort();
  const users = o.users ?? {};
  const tokenRequests: Registry["tokenRequests"] = [];
  const token = o.auth === "token" ? await startTokenServer(dir, users, tokenRequests) : null;
  let auth: string[] = [];
  if (o.auth === "htpasswd") {
    writeFileSync(
      join(dir, "htpasswd"),
      Object.entries(users)
        .map(([u, p]) => `${u}:${bcrypt(p)}`)
        .join("\n") + "\n",
    );
    auth = ["auth:", "  htpasswd:", "    realm: brtops-test", `    path: ${join(dir, "htpasswd")}`];
  } else if (token) {
    auth = [
      "auth:",
      "  token:",
      `    realm: ${token.realm}`,
      "    service: brtops-test-registry",
      "    issuer: brtops-test-issuer",
      `    rootcertbundle: ${token.cert}`,
    ];
  }
  writeFileSync(
    join(dir, "config.yml"),
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "storage")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      ...auth,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await token?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (r.status === 200 || r.status === 401) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not start: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: `127.0.0.1:${port}`, url, dir, tokenRequests, stop };
}

export interface ProxiedRequest {
  method: string;
  path: string;
  query: string;
  status: number | null;
}

export interface RegistryProxy {
  host: string;
  requests: ProxiedRequest[];
  /**
   * Holds the next request matching `method` and `path`: "before" it reaches the registry, or
   * "after" the registry answered (the answer never sent). Resolves when the request is held; the
   * connection then stays open until the proxy closes.
   */
  hold(method: string, path: RegExp, at: "before" | "after"): Promise<ProxiedRequest>;
  close(): Promise<void>;
}

/** A logging proxy in front of a registry (Host is kept, so upload Locations point back at the proxy). */
export async function startRegistryProxy(target: string): Promise<RegistryProxy> {
  const [thost, tport] = target.split(":");
  const requests: ProxiedRequest[] = [];
  const holds: { method: string; path: RegExp; at: "before" | "after"; resolve: (r: ProxiedRequest) => void }[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? "/", "http://x");
    const entry: ProxiedRequest = { method: req.method ?? "GET", path: u.pathname, query: u.search, status: null };
    requests.push(entry);
    const i = holds.findIndex((h) => h.method === entry.method && h.path.test(entry.path));
    const hold = i === -1 ? null : holds.splice(i, 1)[0]!;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (hold?.at === "before") {
        held.push(res);
        hold.resolve(entry);
        return;
      }
      const up = httpRequest(
        { host: thost, port: Number(tport), method: req.method, path: req.url, headers: req.headers },
        (r) => {
          const body: Buffer[] = [];
          r.on("data", (c: Buffer) => body.push(c));
          r.on("end", () => {
            entry.status = r.statusCode ?? null;
            if (hold?.at === "after") {
              held.push(res);
              hold.resolve(entry);
              return;
            }
            res.writeHead(r.statusCode ?? 502, r.headers).end(Buffer.concat(body));
          });
        },
      );
      up.on("error", (e) => res.writeHead(502).end(String(e)));
      up.end(Buffer.concat(chunks));
    });
  });
  const port = await listen(server);
  return {
    host: `127.0.0.1:${port}`,
    requests,
    hold: (method, path, at) => new Promise((resolve) => holds.push({ method, path, at, resolve })),
    close: () =>
      new Promise((r) => {
        for (const h of held) h.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Makes an OCI image layout at `layout` with `/app/version` holding `text` (umoci; old blobs collected). */
export function makeImage(layout: string, text: string): string {
  const work = mkdtempSync(join(tmpdir(), "brtops-umoci-"));
  try {
    execFileSync("umoci", ["init", "--layout", layout], { stdio: "ignore" });
    execFileSync("umoci", ["new", "--image", `${layout}:latest`], { stdio: "ignore" });
    writeFileSync(join(work, "version"), text);
    execFileSync("umoci", ["insert", "--image", `${layout}:latest`, join(work, "version"), "/app/version"], {
      stdio: "ignore",
    });
    execFileSync("umoci", ["gc", "--layout", layout], { stdio: "ignore" });
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    return index.manifests[0]!.digest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
