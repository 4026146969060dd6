import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { serve } from "@hono/node-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { draft, type AnyDraft } from "../../src/core/events.js";
import { foldEvents } from "../../src/core/fold.js";
import { statusView } from "../../src/core/status-view.js";
import { openProject } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { ReleaseHub, type StatusFeed } from "../../src/server/release-hub.js";
import { createToken, identityForToken, readTokens, revokeToken } from "../../src/server/tokens.js";
import { FileStore } from "../../src/store/store-file.js";
import type { Store } from "../../src/store/store.js";
import { bundleScript } from "../support/bundle-script.js";

const run = promisify(execFile);
const HUM = { id: "alice@example.com", role: "hum-lead" as const };
const AT = "2026-05-20T10:00:00.000Z";

// The other process appends through the real file store (lock, hash chain, fsync), bundled from src.
const APPENDER = `
import { FileStore } from "./src/store/store-file.js";
import { draft } from "./src/core/events.js";
const [root, release, text] = process.argv.slice(2);
const store = new FileStore(root);
const last = (await store.read(release)).events.at(-1)?.seq ?? 0;
await store.append(release, last, [draft("Note", new Date().toISOString(), { id: "other@example.com", role: "member" }, { text })]);
`;

/** A file store that counts its live watchers, to see the hub let go of them. */
class CountingStore extends FileStore {
  watchers = 0;
  override watch(onChange: (release: string, lastSeq: number) => void): () => void {
    this.watchers += 1;
    const off = super.watch(onChange);
    return () => {
      this.watchers -= 1;
      off();
    };
  }
}

/** The same log behind a store that is not a FileStore and cannot be watched (like a remote store without notifications). */
function unwatchable(inner: Store): Store {
  return {
    list: () => inner.list(),
    read: (r, from) => inner.read(r, from),
    append: (r, last, drafts) => inner.append(r, last, drafts),
    exclusive: (k, fn) => inner.exclusive(k, fn),
    close: () => inner.close(),
  };
}

const decoder = new TextDecoder();
const frameSeq = (bytes: Uint8Array): number => Number(/^id: (\d+)$/m.exec(decoder.decode(bytes))?.[1]);
const frameData = (bytes: Uint8Array): { lastSeq: number; feedback: { text: string }[] } =>
  JSON.parse(/^data: (.*)$/m.exec(decoder.decode(bytes))![1]!);

describe("ReleaseHub", () => {
  let base: string;
  let appender: string;
  let root: string;
  let store: CountingStore;
  let hub: ReleaseHub;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "brtops-hub-"));
    appender = await bundleScript(APPENDER, join(base, "appender.mjs"));
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  beforeEach(async () => {
    root = mkdtempSync(join(base, "p-"));
    store = new CountingStore(root);
    const drafts: AnyDraft[] = [draft("ReleaseRequested", AT, HUM, { version: "1.1.0", environment: "staging" })];
    for (let i = 0; i < 20; i++) drafts.push(draft("Note", AT, HUM, { text: `note ${i}` }));
    await store.append("1.1.0", 0, drafts);
    hub = new ReleaseHub(store, { pollMs: 50 });
  });

  afterEach(() => hub.close());

  const appendElsewhere = (text: string) => run(process.execPath, [appender, root, "1.1.0", text], { cwd: root });

  const next = async (feed: StatusFeed): Promise<Uint8Array> => {
    const r = await feed.next();
    if (r.done) throw new Error("feed ended");
    return r.value;
  };

  it("serves the folded status and sees an append made by another process", async () => {
    const first = await hub.status("1.1.0");
    expect(first.seq).toBe(21);
    expect(JSON.parse(first.json)).toEqual(
      JSON.parse(JSON.stringify(statusView(foldEvents((await store.read("1.1.0")).events)!, "1.1.0"))),
    );
    // Nothing appended: the same serialised object is served again.
    expect(await hub.status("v1.1.0")).toBe(first);

    await appendElsewhere("from another process");
    const after = await hub.status("1.1.0");
    expect(after.seq).toBe(22);
    expect(JSON.parse(after.json).lastSeq).toBe(22);
    expect(JSON.parse(after.json)).toEqual(
      JSON.parse(JSON.stringify(statusView(foldEvents((await store.read("1.1.0")).events)!, "1.1.0"))),
    );
  });

  it("sends two subscribers the same frame for an append by another process", async () => {
    const a = await hub.subscribe("1.1.0");
    const b = await hub.subscribe("1.1.0");
    expect(frameSeq(await next(a))).toBe(21);
    expect(frameSeq(await next(b))).toBe(21);
    expect(store.watchers).toBe(1);

    await appendElsewhere("seen by both");
    const [fa, fb] = await Promise.all([next(a), next(b)]);
    expect(fa).toBe(fb); // encoded once, written to both
    expect(decoder.decode(fa)).toMatch(/^event: status\ndata: \{.*\}\nid: 22\n\n$/);
    expect(frameData(fa).lastSeq).toBe(22);
    a.close();
    b.close();
  });

  it("cleans up a client that leaves: the others keep receiving, the last one stops the watcher", async () => {
    const a = await hub.subscribe("1.1.0");
    const b = await hub.subscribe("1.1.0");
    await next(a);
    await next(b);
    expect(hub.subscriberCount("1.1.0")).toBe(2);

    a.close();
    expect(hub.subscriberCount("1.1.0")).toBe(1);
    expect((await a.next()).done).toBe(true);
    expect(store.watchers).toBe(1);

    await store.append("1.1.0", 21, [draft("Note", AT, HUM, { text: "after a left" })]);
    expect(frameSeq(await next(b))).toBe(22);

    // Leaving by ending the iteration (a consumer's `break`) also unsubscribes.
    await store.append("1.1.0", 22, [draft("Note", AT, HUM, { text: "one more" })]);
    for await (const f of b) {
      expect(frameSeq(f)).toBe(23);
      break;
    }
    expect(hub.subscriberCount("1.1.0")).toBe(0);
    expect(store.watchers).toBe(0);

    // A new subscriber starts a new watcher and gets the current status at once.
    const c = await hub.subscribe("1.1.0");
    expect(store.watchers).toBe(1);
    expect(frameSeq(await next(c))).toBe(23);
    c.close();
    expect(store.watchers).toBe(0);
  });

  it("on a store that cannot be watched, the poll delivers appends", async () => {
    const plain = new ReleaseHub(unwatchable(store), { pollMs: 30 });
    try {
      const a = await plain.subscribe("1.1.0");
      expect(frameSeq(await next(a))).toBe(21);
      await appendElsewhere("polled");
      expect(frameSeq(await next(a))).toBe(22);
      a.close();
      expect(plain.subscriberCount("1.1.0")).toBe(0);
    } finally {
      plain.close();
    }
  });

  it("concurrent requests during appends fold each event once", async () => {
    const plain = new ReleaseHub(unwatchable(store), { pollMs: 30 });
    const writer = new FileStore(root);
    let last = 21;
    const appends = (async () => {
      for (let i = 0; i < 30; i++) {
        last = (
          await writer.append("1.1.0", last, [
            draft("FeedbackGiven", AT, HUM, { id: `F${i + 1}`, phase: 1, step: "1.1", text: `feedback ${i}` }),
          ])
        )[0]!.seq;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const reads: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      reads.push(plain.status("1.1.0"), hub.status("1.1.0"));
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([appends, ...reads]);
    for (const h of [plain, hub]) {
      const s = JSON.parse((await h.status("1.1.0")).json) as { lastSeq: number; feedback: { text: string }[] };
      expect(s.lastSeq).toBe(51);
      expect(s.feedback.map((f) => f.text)).toEqual(Array.from({ length: 30 }, (_, i) => `feedback ${i}`));
    }
    plain.close();
  });

  it("refuses an unknown or invalid release with the API's error codes, subscribing nothing", async () => {
    await expect(hub.status("9.9.9")).rejects.toMatchObject({
      code: "E_NO_ACTIVE_RELEASE",
      message: expect.stringContaining("9.9.9"),
    });
    await expect(hub.subscribe("9.9.9")).rejects.toMatchObject({ code: "E_NO_ACTIVE_RELEASE" });
    await expect(hub.subscribe("not-a-version")).rejects.toMatchObject({ code: "E_VERSION_INVALID" });
    expect(hub.subscriberCount("9.9.9")).toBe(0);
    expect(store.watchers).toBe(0);
  });

  it("a log replaced by another (restored from a backup) is folded again from the start", async () => {
    expect((await hub.status("1.1.0")).seq).toBe(21);
    const other = mkdtempSync(join(base, "backup-"));
    const backup = new FileStore(other);
    // Two appends: two lines, so that cutting the last line off below leaves event 1 alone.
    await backup.append("1.1.0", 0, [
      draft("ReleaseRequested", AT, HUM, { version: "1.1.0", environment: "production" }),
    ]);
    await backup.append("1.1.0", 1, [draft("Note", AT, HUM, { text: "restored" })]);
    // Restored as a new file moved into place (a new inode): another log, read from its start.
    const restore = (): void => {
      const tmp = `${store.logPath("1.1.0")}.restore`;
      copyFileSync(backup.logPath("1.1.0"), tmp);
      renameSync(tmp, store.logPath("1.1.0"));
    };
    restore();
    const s = JSON.parse((await hub.status("1.1.0")).json) as { lastSeq: number; environment: string };
    expect(s).toMatchObject({ lastSeq: 2, environment: "production" });
    // The same file cut short in place is not another log: it is refused, never folded as if whole.
    const text = readFileSync(store.logPath("1.1.0"), "utf8");
    truncateSync(store.logPath("1.1.0"), Buffer.byteLength(text.slice(0, text.indexOf("\n") + 1))); // event 2 gone
    await expect(hub.status("1.1.0")).rejects.toMatchObject({ code: "E_LOG_CORRUPT" });
    restore();
    expect((await hub.status("1.1.0")).seq).toBe(2);
  });

  it("a release that appears later is found (unknown releases are not cached)", async () => {
    await expect(hub.status("1.2.0")).rejects.toMatchObject({ code: "E_NO_ACTIVE_RELEASE" });
    await store.append("1.2.0", 0, [draft("ReleaseRequested", AT, HUM, { version: "1.2.0", environment: "staging" })]);
    expect((await hub.status("1.2.0")).seq).toBe(1);
  });

  it("keeps at most maxIdle releases folded: the least recently read is dropped, a streamed one never, and a dropped one reads right again", async () => {
    for (const v of ["1.2.0", "1.3.0", "1.4.0"])
      await store.append(v, 0, [draft("ReleaseRequested", AT, HUM, { version: v, environment: "staging" })]);
    const small = new ReleaseHub(store, { pollMs: 50, maxIdle: 2 });
    const feed = await small.subscribe("1.1.0"); // streamed: never dropped
    await small.status("1.2.0");
    await small.status("1.3.0");
    const kept = await small.session("1.3.0");
    await small.status("1.2.0"); // read again: now 1.3.0 is the least recently read idle one
    await small.status("1.4.0");
    expect(small.size).toBe(3); // 1.1.0 (streamed) + the two most recently read
    expect(await small.session("1.2.0")).toBe(await small.session("1.2.0"));
    expect(small.subscriberCount("1.1.0")).toBe(1);
    await store.append("1.3.0", 1, [draft("Note", AT, HUM, { text: "after the drop" })]);
    const again = await small.session("1.3.0");
    expect(again).not.toBe(kept); // folded again from the log, with the new event
    expect(again.lastSeq).toBe(2);
    expect(small.size).toBe(3);
    expect(small.subscriberCount("1.1.0")).toBe(1);
    feed.close();
    small.close();
  });

  it("summaries lists every release from the shared sessions, with appends by others", async () => {
    await store.append("1.2.0", 0, [
      draft("ReleaseRequested", AT, HUM, { version: "1.2.0", environment: "production" }),
    ]);
    expect((await hub.summaries()).map((r) => [r.version, r.environment])).toEqual([
      ["1.1.0", "staging"],
      ["1.2.0", "production"],
    ]);
    const before = await hub.session("1.1.0");
    await run(process.execPath, [appender, root, "1.1.0", "from another process"]);
    const [first] = await hub.summaries();
    expect(await hub.session("1.1.0")).toBe(before); // refreshed in place, not folded again
    expect(before.lastSeq).toBe(22);
    expect(first?.lastAt).toBe(before.state.lastAt);
  });
});

describe("the events endpoint over real HTTP", () => {
  let base: string;
  let store: CountingStore;
  let server: ReturnType<typeof serve>;
  let port: number;
  let token: string;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "brtops-hub-http-"));
    writeFileSync(join(base, "brtops.config.yaml"), `leads:\n  hum: [${HUM.id}]\n`);
    store = new CountingStore(base);
    await store.append("1.1.0", 0, [draft("ReleaseRequested", AT, HUM, { version: "1.1.0", environment: "staging" })]);
    const project = { ...(await openProject(base)), store };
    token = createToken(base, HUM.id, AT);
    server = serve({ fetch: createApp(project, { pollMs: 50 }).fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(base, { recursive: true, force: true });
  });

  /** An SSE client: resolves its frames' ids as they come. */
  function client(): {
    ids: number[];
    nextId: () => Promise<number>;
    res: Promise<IncomingMessage>;
    close: () => void;
  } {
    const ids: number[] = [];
    const waiters: ((id: number) => void)[] = [];
    let buf = "";
    const req = request({
      host: "127.0.0.1",
      port,
      path: "/api/releases/1.1.0/events",
      headers: { authorization: `Bearer ${token}` },
    });
    const res = new Promise<IncomingMessage>((ok, fail) => {
      req.on("response", (r) => {
        r.setEncoding("utf8");
        r.on("data", (chunk: string) => {
          buf += chunk;
          for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
            const id = Number(/^id: (\d+)$/m.exec(buf.slice(0, i))?.[1]);
            buf = buf.slice(i + 2);
            const w = waiters.shift();
            if (w) w(id);
            else ids.push(id);
          }
        });
        ok(r);
      });
      req.on("error", fail);
    });
    req.end();
    const nextId = () => (ids.length ? Promise.resolve(ids.shift()!) : new Promise<number>((r) => waiters.push(r)));
    return { ids, nextId, res, close: () => req.destroy() };
  }

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(check()).toBe(true);
  }

  it("two clients share one watcher and get each append; clients that disconnect are let go", async () => {
    const a = client();
    const b = client();
    expect((await a.res).headers["content-type"]).toContain("text/event-stream");
    expect(await a.nextId()).toBe(1);
    expect(await b.nextId()).toBe(1);
    expect(store.watchers).toBe(1);

    await store.append("1.1.0", 1, [draft("Note", AT, HUM, { text: "to both" })]);
    expect(await a.nextId()).toBe(2);
    expect(await b.nextId()).toBe(2);

    a.close();
    await store.append("1.1.0", 2, [draft("Note", AT, HUM, { text: "to b" })]);
    expect(await b.nextId()).toBe(3);
    expect(store.watchers).toBe(1);
    b.close();
    await until(() => store.watchers === 0);
  });

  it("GET /api/releases/:version serves appends made meanwhile, and 404s an unknown release", async () => {
    const get = (path: string) =>
      new Promise<{ status: number; body: any }>((ok, fail) => {
        request({ host: "127.0.0.1", port, path, headers: { authorization: `Bearer ${token}` } }, (r) => {
          let text = "";
          r.on("data", (c) => (text += c));
          r.on("end", () => ok({ status: r.statusCode ?? 0, body: JSON.parse(text) }));
        })
          .on("error", fail)
          .end();
      });
    const before = await get("/api/releases/1.1.0");
    expect(before.status).toBe(200);
    const seq = before.body.lastSeq as number;
    await new FileStore(base).append("1.1.0", seq, [draft("Note", AT, HUM, { text: "meanwhile" })]);
    expect((await get("/api/releases/1.1.0")).body.lastSeq).toBe(seq + 1);
    const unknown = await get("/api/releases/9.9.9");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("E_NO_ACTIVE_RELEASE");
  });
});

describe("token lookups (tokens.json read again only when it changes)", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "brtops-tokens-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("sees tokens created, revoked and edited out of the file by others, at once", () => {
    expect(identityForToken(root, "brt_none")).toBeNull();
    const a = createToken(root, "alice@example.com", AT);
    expect(identityForToken(root, a)).toBe("alice@example.com");
    const b = createToken(root, "bob@example.com", AT);
    expect(identityForToken(root, b)).toBe("bob@example.com");
    expect(identityForToken(root, a)).toBe("alice@example.com");

    expect(revokeToken(root, a)).toBe(true);
    expect(identityForToken(root, a)).toBeNull();

    // Edited in place (same inode), as a person removing a leaked token would.
    const file = join(root, ".brtops", "tokens.json");
    writeFileSync(file, JSON.stringify({ tokens: readTokens(root).filter((t) => t.id !== "bob@example.com") }));
    expect(identityForToken(root, b)).toBeNull();
    expect(identityForToken(root, `${b}x`)).toBeNull();

    writeFileSync(file, "{ not json");
    expect(() => identityForToken(root, b)).toThrow(expect.objectContaining({ code: "E_STORE" }));
  });
});
