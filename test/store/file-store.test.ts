/** The file store: the conformance suite, plus what only a file can do (torn lines, crashes, real processes). */
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyChain } from "../../src/store/event-chain.js";
import { tryLock } from "../../src/store/file-lock.js";
import { FileStore } from "../../src/store/store-file.js";
import { describeStoreConformance } from "./store-conformance.js";
import { fileHarness, note, notes } from "./store-helpers.js";

describeStoreConformance("file", fileHarness);

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "..", "..");
const child = join(here, "fixtures", "append-child.mjs");

describe("FileStore specifics", () => {
  let root: string;
  let store: FileStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "brtops-file-"));
    store = new FileStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("ignores a torn last line and cuts it off on the next append", async () => {
    await store.append("2.1.0", 0, notes(2));
    const file = store.logPath("2.1.0");
    const whole = readFileSync(file, "utf8");
    appendFileSync(file, '{"seq":3,"release":"2.1.0","type":"No');
    expect((await store.read("2.1.0")).events.map((e) => e.seq)).toEqual([1, 2]);
    expect((await store.read("2.1.0")).damage).toBeUndefined();
    expect(await store.list()).toEqual([{ release: "2.1.0", lastSeq: 2 }]);
    const [third] = await store.append("2.1.0", 2, [note("after the tear")]);
    const text = readFileSync(file, "utf8");
    expect(text.startsWith(whole)).toBe(true);
    expect(text.slice(whole.length)).toBe(JSON.stringify(third) + "\n");
    const { events } = await store.read("2.1.0");
    expect(verifyChain("2.1.0", events)).toMatchObject({ ok: true, count: 3 });
  });

  // An empty lock file is never a stale one: a holder writes its name aside and links it into
  // place (src/store/file-lock.ts), so a lock without a name is one being made, not one left behind.
  it("does not take over a lock whose holder has created it but not yet written its name", () => {
    const lock = join(root, "events.jsonl.lock");
    writeFileSync(lock, "");
    expect(tryLock(lock)).toBe(false);
    expect(readFileSync(lock, "utf8")).toBe("");
  });

  it("reports a damaged middle line as damage at the next seq", async () => {
    await store.append("2.1.0", 0, notes(1));
    appendFileSync(store.logPath("2.1.0"), "not json\n");
    const r = await store.read("2.1.0");
    expect(r.events).toHaveLength(1);
    expect(r.damage).toMatchObject({ seq: 2 });
  });
});

describe("FileStore across real processes", () => {
  let tmp: string;
  let bundle: string;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "brtops-procs-"));
    bundle = join(tmp, "store-file.mjs");
    await build({
      entryPoints: [join(repo, "src/store/store-file.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      logLevel: "silent",
    });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const p = spawn(process.execPath, [child, bundle, ...args], {
      cwd: tmp,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (b: Buffer) => (out += b.toString()));
    p.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      p.stdout.on("data", () => out.includes("ready\n") && resolve());
      p.once("exit", (code) => reject(new Error(`child exited (${code}) before it was ready: ${err}`)));
    });
    // "close", not "exit": a child's last output may still be in the pipe when it has exited (the
    // race test then saw 18 conflicts and an empty outcome: the 19th conflict, not yet read).
    const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
      p.once("close", (code, signal) => resolve({ code, signal, out: out.replace("ready\n", "").trim() })),
    );
    return { p, ready, done };
  }

  it("lets exactly one of 20 processes appending with the same expected seq win", async () => {
    const root = join(tmp, "race");
    for (const expected of [0, 1]) {
      const kids = Array.from({ length: 20 }, (_, i) => run([root, "3.0.0", String(expected), `proc-${i}`]));
      await Promise.all(kids.map((k) => k.ready));
      for (const k of kids) k.p.stdin.end("go\n");
      const outs = await Promise.all(kids.map((k) => k.done));
      const winners = outs.flatMap((o, i) => (o.out === "won" ? [i] : []));
      const log = (await new FileStore(root).read("3.0.0")).events.map((e) => `${e.seq}:${e.actor.id}`);
      expect(winners, `winners ${JSON.stringify(winners)}, log ${JSON.stringify(log)}`).toHaveLength(1);
      expect(
        outs.filter((o) => o.out === "E_CONFLICT"),
        `outcomes ${JSON.stringify(outs.filter((o) => o.out !== "E_CONFLICT"))}`,
      ).toHaveLength(19);
      const { events } = await new FileStore(root).read("3.0.0");
      expect(events).toHaveLength(expected + 1);
      expect(events.at(-1)!.actor.id).toBe(`proc-${winners[0]}`);
      expect(verifyChain("3.0.0", events).ok).toBe(true);
    }
  });

  it("loses nothing committed when a process is killed half-way through an append", async () => {
    const root = join(tmp, "crash");
    const store = new FileStore(root);
    await store.append("3.0.0", 0, notes(2));
    const k = run([root, "3.0.0", "2", "crasher"], { BRTOPS_FAULT: "torn-append:Note" });
    await k.ready;
    k.p.stdin.end("go\n");
    expect(await k.done).toMatchObject({ signal: "SIGKILL" });
    expect(readFileSync(store.logPath("3.0.0"), "utf8").endsWith("\n")).toBe(false);
    expect((await store.read("3.0.0")).events).toHaveLength(2);
    await store.append("3.0.0", 2, [note("after the crash")]);
    const { events } = await store.read("3.0.0");
    expect(verifyChain("3.0.0", events)).toMatchObject({ ok: true, count: 3 });
  });
});
