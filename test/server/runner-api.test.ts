/**
 * The server's runner in-process (createApp with a ServerRunner, as `brtops serve` builds it):
 * a browser session requests a release (CSRF as on every POST), its runner takes it to the gate,
 * an approval from the same session wakes it at once; a log that cannot be read is an error kept
 * in the runner's status (GET /api/runner), never swallowed, and nothing is run on it.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { startServerRunner, type ServerRunner } from "../../src/server/runner.js";
import { addUser } from "../../src/server/users.js";
import { HUM, HUM2, sampleProject } from "../support/cli.js";
import { waitFor } from "../support/serve-process.js";

const PW = "a long enough password";

describe("the server's runner behind the API (in-process)", () => {
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let runner: ServerRunner;
  let app: ReturnType<typeof createApp>;
  /** Browser sessions: HUM2 requests the release, HUM approves it (a requester is never the only approver). */
  const sessions: Record<string, { cookie: string; csrf: string }> = {};

  beforeAll(async () => {
    p = sampleProject();
    project = await openProject(p.root);
    runner = startServerRunner(project, { pollMs: 200, onError: () => undefined });
    app = createApp(project, { pollMs: 100, runner });
    for (const id of [HUM, HUM2]) {
      await addUser(p.root, id, PW, project.now());
      const login = await app.request("/api/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id, password: PW }),
      });
      sessions[id] = {
        cookie: login.headers.get("set-cookie")!.split(";")[0]!,
        csrf: ((await login.json()) as { csrfToken: string }).csrfToken,
      };
    }
  }, 120_000);

  afterAll(async () => {
    await runner?.close();
    await project?.close();
    p?.cleanup();
  });

  const post = (as: string, path: string, body: unknown, withCsrf = true) =>
    app.request(path, {
      method: "POST",
      headers: {
        cookie: sessions[as]!.cookie,
        "content-type": "application/json",
        ...(withCsrf ? { "x-csrf-token": sessions[as]!.csrf } : {}),
      },
      body: JSON.stringify(body),
    });
  const get = async (path: string): Promise<any> =>
    (await app.request(path, { headers: { cookie: sessions[HUM]!.cookie } })).json();

  it("a browser session's request needs the CSRF token; with it the runner takes the release to its gate, and an approval on", async () => {
    const refused = await post(HUM2, "/api/releases", { version: "1.1.0", environment: "staging" }, false);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("E_CSRF");
    expect(await project.store.list()).toEqual([]);

    const heard: string[] = [];
    const stop = runner.onProgress((release, e) => heard.push(`${release} ${e.kind} ${e.step}`));
    const r = await post(HUM2, "/api/releases", { version: "1.1.0", environment: "staging" });
    expect(r.status).toBe(201);
    const gate = await waitFor("the 2.10 gate", async () => {
      const s = await get("/api/releases/1.1.0");
      return s.gate?.step === "2.10" ? s.gate : undefined;
    });
    const critical = gate.findings.some((f: any) => f.severity === "critical");
    const a = await post(HUM, "/api/releases/1.1.0/approve", {
      step: "2.10",
      ...(critical ? { waive: "accepted in this test" } : {}),
    });
    expect(a.status).toBe(200);
    // Carried out by this server's runner: the answer names no command to run.
    const answer = await a.json();
    expect(answer.then).toBeNull();
    expect(answer.said).toMatch(/server's runner carries it out/);
    const next = await waitFor(
      "the next gate",
      async () => {
        const s = await get("/api/releases/1.1.0");
        return s.gate && s.gate.step !== "2.10" ? s : undefined;
      },
      180_000,
      () => JSON.stringify(runner.status()),
    );
    expect(next.state).toBe("awaiting-hum-lead");
    await runner.settled();
    const st = runner.releaseStatus("1.1.0");
    expect(st).toMatchObject({ state: "idle", stopped: "awaiting", error: null });
    expect(st!.runs).toBeGreaterThanOrEqual(2);
    // Progress of the runs reaches whoever listens (a page streaming a deployment's output).
    stop();
    expect(heard).toContain("1.1.0 info 1.1");
    expect(heard.some((h) => /^1\.1\.0 step [3-7]\./.test(h))).toBe(true);
  }, 300_000);

  it("an abort decided in the browser is finished by the runner (nothing else runs)", async () => {
    const a = await post(HUM, "/api/releases/1.1.0/abort", { note: "not this week" });
    expect(a.status).toBe(200);
    const aborted = await waitFor("the runner to finish the abort", async () => {
      const s = await get("/api/releases/1.1.0");
      return s.state === "aborted" ? s : undefined;
    });
    expect(aborted.state).toBe("aborted");
    const done = (await project.store.read("1.1.0")).events.find((e) => e.type === "Aborted");
    expect(done?.actor).toEqual({ id: "brtops", role: "system" });
    await runner.settled();
    expect(runner.releaseStatus("1.1.0")).toMatchObject({ state: "finished", error: null });
  });

  it("a log that cannot be read is a runner error shown in GET /api/runner; nothing is appended to it", async () => {
    const log = join(p.root, ".brtops/releases/1.1.0/events.jsonl");
    appendFileSync(log, "{not an event\n");
    const before = (await project.store.read("1.1.0")).events.length;
    runner.wake("1.1.0");
    const status = await waitFor("the runner to record the error", async () => {
      const s = await get("/api/runner");
      return s.errors.some((e: any) => e.release === "1.1.0") ? s : undefined;
    });
    expect(status.errors.find((e: any) => e.release === "1.1.0")).toMatchObject({ code: "E_LOG_CORRUPT" });
    expect(status.releases.find((x: any) => x.release === "1.1.0")).toMatchObject({
      state: "error",
      error: { code: "E_LOG_CORRUPT" },
    });
    expect((await project.store.read("1.1.0")).events.length).toBe(before);
  });
});
