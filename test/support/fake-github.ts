/**
 * A local stand-in for GitHub's REST API: the release calls brtops makes, with GitHub's documented
 * request and response shapes and status codes, served on 127.0.0.1 behind the real Octokit
 * client. Uploads go to the `upload_url` the API hands out (here a path on the same server), as
 * they go to uploads.github.com for real. Faults can be injected (rate limits, 5xx, …), and a
 * request can be intercepted to crash its client at a chosen moment (crash-safety tests).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface FakeAsset {
  id: number;
  name: string;
  label: string | null;
  content_type: string;
  data: Buffer;
  state: "uploaded" | "open";
  created_at: string;
}

export interface FakeRelease {
  id: number;
  owner: string;
  repo: string;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  created_at: string;
  published_at: string | null;
  assets: FakeAsset[];
}

export interface Fault {
  method?: string;
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** The request takes effect first; only its answer is replaced by the fault (a 502 after GitHub acted). */
  acted?: boolean;
}

/**
 * Where an intercepted request stops. "before": GitHub never acts on it. "after": GitHub acts
 * (the release or asset exists) but the answer is never sent. "mid-upload" (asset uploads only):
 * the upload started, so the asset exists in state "open" without its bytes, as GitHub leaves
 * an interrupted upload.
 */
export type InterceptPoint = "before" | "after" | "mid-upload";

export interface Interception {
  method?: string;
  path: RegExp;
  /** Query parameters the request must carry, e.g. `{name: "app.tgz"}` for one asset's upload. */
  query?: Record<string, string>;
  at: InterceptPoint;
  /** Runs at that moment (e.g. SIGKILLs the client and waits for it to die); then the connection is dropped unanswered. */
  run: () => void | Promise<void>;
  /** How many matching requests are intercepted (default 1). */
  times?: number;
}

export interface FakeGitHub {
  baseUrl: string;
  releases: FakeRelease[];
  /** Every request received, in order; `query` is the URL's search part ("?name=app.tgz" for an upload). */
  requests: { method: string; path: string; query: string; auth: string | undefined }[];
  inject(fault: Fault): void;
  /** Intercepts the next matching request at `at`; resolves when `run` has finished. */
  intercept(i: Interception): Promise<void>;
  /** 403 with x-ratelimit-remaining: 0 and a reset `resetInSec` ahead, for the next matching request. */
  rateLimitOnce(path: RegExp, resetInSec?: number): void;
  /** A 502 for the next matching request. */
  serverErrorOnce(path: RegExp, method?: string): void;
  /** Adds a release directly (as if made on github.com). */
  seed(r: Partial<FakeRelease> & { owner: string; repo: string; tag_name: string }): FakeRelease;
  close(): Promise<void>;
}

const DOCS = "https://docs.github.com/rest";
const user = { login: "brtops-bot", id: 1, node_id: "MDQ6VXNlcjE=", type: "User", site_admin: false };

/**
 * `scopes`: what `GET /user` reports in `x-oauth-scopes` for a classic token (default "repo,
 * workflow"); null sends no such header, as for fine-grained and app tokens. `push`: the
 * repository's `permissions.push` for the token (default true).
 */
export async function startFakeGitHub(
  o: { token: string; digest?: boolean; scopes?: string | null; push?: boolean } = { token: "test-token" },
): Promise<FakeGitHub> {
  const releases: FakeRelease[] = [];
  const requests: FakeGitHub["requests"] = [];
  const faults: Fault[] = [];
  const interceptions: (Interception & { done: (e?: unknown) => void })[] = [];
  let nextId = 1;
  let base = "";
  const now = (): string => new Date().toISOString();

  const assetJson = (r: FakeRelease, a: FakeAsset) => ({
    url: `${base}/repos/${r.owner}/${r.repo}/releases/assets/${a.id}`,
    browser_download_url: `${base}/${r.owner}/${r.repo}/releases/download/${encodeURIComponent(r.tag_name)}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: `RA_${a.id}`,
    name: a.name,
    label: a.label,
    state: a.state,
    content_type: a.content_type,
    size: a.data.length,
    digest: o.digest === false ? null : `sha256:${createHash("sha256").update(a.data).digest("hex")}`,
    download_count: 0,
    created_at: a.created_at,
    updated_at: a.created_at,
    uploader: user,
  });
  const releaseJson = (r: FakeRelease) => ({
    url: `${base}/repos/${r.owner}/${r.repo}/releases/${r.id}`,
    html_url: `${base}/${r.owner}/${r.repo}/releases/tag/${encodeURIComponent(r.tag_name)}`,
    assets_url: `${base}/repos/${r.owner}/${r.repo}/releases/${r.id}/assets`,
    upload_url: `${base}/uploads/repos/${r.owner}/${r.repo}/releases/${r.id}/assets{?name,label}`,
    tarball_url: `${base}/repos/${r.owner}/${r.repo}/tarball/${r.tag_name}`,
    zipball_url: `${base}/repos/${r.owner}/${r.repo}/zipball/${r.tag_name}`,
    id: r.id,
    node_id: `RE_${r.id}`,
    tag_name: r.tag_name,
    target_commitish: r.target_commitish,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    created_at: r.created_at,
    published_at: r.published_at,
    author: user,
    assets: r.assets.map((a) => assetJson(r, a)),
  });

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    res.writeHead(status, {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": reset,
      "x-ratelimit-used": "1",
      "x-ratelimit-resource": "core",
      "x-github-media-type": "github.v3; format=json",
      ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const notFound = (res: ServerResponse, doc = DOCS): void =>
    send(res, 404, { message: "Not Found", documentation_url: doc, status: "404" });
  const invalid = (res: ServerResponse, errors: unknown[]): void =>
    send(res, 422, { message: "Validation Failed", errors, documentation_url: DOCS, status: "422" });

  const paginate = <T>(req: URL, res: ServerResponse, items: T[]): void => {
    const per = Math.min(100, Number(req.searchParams.get("per_page") ?? 30));
    const page = Math.max(1, Number(req.searchParams.get("page") ?? 1));
    const last = Math.max(1, Math.ceil(items.length / per));
    const link = (p: number, rel: string): string => {
      const u = new URL(req.toString());
      u.searchParams.set("page", String(p));
      u.searchParams.set("per_page", String(per));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
      ...(page > 1 ? [link(1, "first"), link(page - 1, "prev")] : []),
    ];
    send(res, 200, items.slice((page - 1) * per, page * per), links.length ? { link: links.join(", ") } : {});
  };

  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });

  // An upload whose bytes never all arrived: the asset exists, "open", empty.
  const startUpload = async (url: URL, path: string, req: IncomingMessage): Promise<void> => {
    const upload = /^\/uploads\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)\/assets$/.exec(path);
    const r = upload
      ? releases.find((x) => x.id === Number(upload[3]) && x.owner === upload[1] && x.repo === upload[2])
      : undefined;
    const name = url.searchParams.get("name");
    if (!r || !name || req.method !== "POST")
      throw new Error(`mid-upload interception on a request that is no upload: ${req.method} ${path}`);
    if (!r.assets.some((a) => a.name === name))
      r.assets.push({
        id: nextId++,
        name,
        label: url.searchParams.get("label"),
        content_type: String(req.headers["content-type"] ?? "application/octet-stream"),
        data: Buffer.alloc(0),
        state: "open",
        created_at: now(),
      });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    const path = decodeURIComponent(url.pathname);
    const auth = req.headers.authorization;
    requests.push({ method, path, query: url.search, auth });
    const hit = interceptions.find(
      (i) =>
        (i.method === undefined || i.method === method) &&
        i.path.test(path) &&
        Object.entries(i.query ?? {}).every(([k, v]) => url.searchParams.get(k) === v) &&
        (i.times ?? 1) > 0,
    );
    if (hit) {
      hit.times = (hit.times ?? 1) - 1;
      const finish = async (): Promise<void> => {
        try {
          await hit.run();
          hit.done();
        } catch (e) {
          hit.done(e);
        }
        // The client is gone: drop the connection rather than answer a dead peer.
        req.socket.destroy();
      };
      if (hit.at === "before") return finish();
      if (hit.at === "mid-upload") return startUpload(url, path, req).then(finish, (e: unknown) => hit.done(e));
      // "after": act in full, but swallow the answer.
      res.writeHead = () => res;
      res.end = (): ServerResponse => {
        void finish();
        return res;
      };
    }
    const body = await readBody(req);
    const fault = faults.find(
      (f) => (f.method === undefined || f.method === method) && f.path.test(path) && (f.times ?? 1) > 0,
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (!fault.acted) return send(res, fault.status, fault.body ?? { message: "Server Error" }, fault.headers);
      const [writeHead, end] = [res.writeHead, res.end];
      res.writeHead = () => res;
      res.end = (): ServerResponse => {
        [res.writeHead, res.end] = [writeHead, end];
        send(res, fault.status, fault.body ?? { message: "Server Error" }, fault.headers);
        return res;
      };
    }
    const download = /^\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/.exec(path);
    if (download && method === "GET") {
      const r = releases.find((x) => x.owner === download[1] && x.repo === download[2] && x.tag_name === download[3]);
      const a = r?.assets.find((x) => x.name === download[4]);
      if (!a) return notFound(res);
      res.writeHead(200, { "content-type": a.content_type, "content-length": String(a.data.length) });
      res.end(a.data);
      return;
    }
    const token = auth?.replace(/^(token|bearer)\s+/i, "");
    if (token !== o.token)
      return send(res, 401, { message: "Bad credentials", documentation_url: DOCS, status: "401" });

    const upload = /^\/uploads\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)\/assets$/.exec(path);
    if (upload && method === "POST") {
      const r = releases.find((x) => x.id === Number(upload[3]) && x.owner === upload[1] && x.repo === upload[2]);
      if (!r) return notFound(res);
      const name = url.searchParams.get("name");
      if (!name) return invalid(res, [{ resource: "ReleaseAsset", code: "missing_field", field: "name" }]);
      if (!req.headers["content-type"])
        return send(res, 400, { message: "Content-Type header is required", documentation_url: DOCS, status: "400" });
      if (r.assets.some((a) => a.name === name))
        return invalid(res, [{ resource: "ReleaseAsset", code: "already_exists", field: "name" }]);
      const a: FakeAsset = {
        id: nextId++,
        name,
        label: url.searchParams.get("label"),
        content_type: String(req.headers["content-type"]),
        data: body,
        state: "uploaded",
        created_at: now(),
      };
      r.assets.push(a);
      return send(res, 201, assetJson(r, a));
    }

    // https://docs.github.com/rest/users/users#get-the-authenticated-user
    if (path === "/user" && method === "GET") {
      const scopes = o.scopes === undefined ? "repo, workflow" : o.scopes;
      return send(
        res,
        200,
        { ...user, name: "brtops bot", email: null },
        scopes === null ? {} : { "x-oauth-scopes": scopes, "x-accepted-oauth-scopes": "" },
      );
    }
    const repoOnly = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
    if (repoOnly && method === "GET") {
      const [, owner, name] = repoOnly as unknown as [string, string, string];
      return send(res, 200, {
        id: 1296269,
        node_id: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        name,
        full_name: `${owner}/${name}`,
        owner: { ...user, login: owner },
        private: false,
        html_url: `${base}/${owner}/${name}`,
        default_branch: "main",
        permissions: { admin: false, maintain: false, push: o.push ?? true, triage: true, pull: true },
      });
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(path);
    if (!m) return notFound(res);
    const [, owner, repo, rest] = m as unknown as [string, string, string, string];
    const mine = releases.filter((r) => r.owner === owner && r.repo === repo);
    const json = (): Record<string, unknown> =>
      body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};

    if (rest === "releases" && method === "GET") return paginate(url, res, [...mine].reverse().map(releaseJson));
    if (rest === "releases" && method === "POST") {
      const b = json();
      if (typeof b["tag_name"] !== "string" || !b["tag_name"])
        return invalid(res, [{ resource: "Release", code: "missing_field", field: "tag_name" }]);
      // GitHub refuses a second published release for a tag; drafts may repeat.
      if (mine.some((r) => r.tag_name === b["tag_name"] && !r.draft))
        return invalid(res, [{ resource: "Release", code: "already_exists", field: "tag_name" }]);
      const draft = b["draft"] === true;
      const r: FakeRelease = {
        id: nextId++,
        owner,
        repo,
        tag_name: b["tag_name"],
        target_commitish: typeof b["target_commitish"] === "string" ? b["target_commitish"] : "main",
        name: typeof b["name"] === "string" ? b["name"] : null,
        body: typeof b["body"] === "string" ? b["body"] : null,
        draft,
        prerelease: b["prerelease"] === true,
        created_at: now(),
        published_at: draft ? null : now(),
        assets: [],
      };
      releases.push(r);
      return send(res, 201, releaseJson(r), { location: `${base}/repos/${owner}/${repo}/releases/${r.id}` });
    }
    const byTag = /^releases\/tags\/(.+)$/.exec(rest);
    if (byTag && method === "GET") {
      const r = mine.find((x) => x.tag_name === byTag[1] && !x.draft);
      return r ? send(res, 200, releaseJson(r)) : notFound(res, `${DOCS}/releases/releases#get-a-release-by-tag-name`);
    }
    const asset = /^releases\/assets\/(\d+)$/.exec(rest);
    if (asset) {
      const r = mine.find((x) => x.assets.some((a) => a.id === Number(asset[1])));
      const a = r?.assets.find((x) => x.id === Number(asset[1]));
      if (!r || !a) return notFound(res);
      if (method === "DELETE") {
        r.assets = r.assets.filter((x) => x !== a);
        return send(res, 204);
      }
      if (method === "GET") {
        if (req.headers.accept === "application/octet-stream")
          return send(res, 302, undefined, { location: assetJson(r, a).browser_download_url });
        return send(res, 200, assetJson(r, a));
      }
    }
    const assets = /^releases\/(\d+)\/assets$/.exec(rest);
    if (assets && method === "GET") {
      const r = mine.find((x) => x.id === Number(assets[1]));
      return r
        ? paginate(
            url,
            res,
            r.assets.map((a) => assetJson(r, a)),
          )
        : notFound(res);
    }
    const one = /^releases\/(\d+)$/.exec(rest);
    if (one) {
      const r = mine.find((x) => x.id === Number(one[1]));
      if (!r) return notFound(res);
      if (method === "GET") return send(res, 200, releaseJson(r));
      if (method === "DELETE") {
        releases.splice(releases.indexOf(r), 1);
        return send(res, 204);
      }
      if (method === "PATCH") {
        const b = json();
        if (typeof b["name"] === "string") r.name = b["name"];
        if (typeof b["body"] === "string") r.body = b["body"];
        if (typeof b["prerelease"] === "boolean") r.prerelease = b["prerelease"];
        if (typeof b["tag_name"] === "string") r.tag_name = b["tag_name"];
        if (typeof b["draft"] === "boolean") {
          if (r.draft && !b["draft"]) r.published_at = now();
          r.draft = b["draft"];
        }
        return send(res, 200, releaseJson(r));
      }
    }
    return notFound(res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, { message: `fake-github: ${(e as Error).message}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;

  return {
    baseUrl: base,
    releases,
    requests,
    inject: (f) => faults.push({ ...f }),
    intercept: (i) =>
      new Promise<void>((resolve, reject) =>
        interceptions.push({
          ...i,
          done: (e) => (e === undefined ? resolve() : reject(e instanceof Error ? e : new Error(String(e)))),
        }),
      ),
    rateLimitOnce(path, resetInSec = 1) {
      faults.push({
        path,
        status: 403,
        times: 1,
        body: {
          message:
            "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          status: "403",
        },
        headers: {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + resetInSec),
          "x-ratelimit-limit": "5000",
        },
      });
    },
    serverErrorOnce(path, method) {
      faults.push({ path, status: 502, times: 1, body: { message: "Server Error" }, ...(method ? { method } : {}) });
    },
    seed(r) {
      const full: FakeRelease = {
        id: nextId++,
        target_commitish: "main",
        name: r.tag_name,
        body: "",
        draft: false,
        prerelease: false,
        created_at: now(),
        published_at: now(),
        assets: [],
        ...r,
      };
      releases.push(full);
      return full;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
