/**
 * `brtops serve` runs releases (issue 15, points 1 and 2), on the file store, with no other brtops
 * process running: a release requested over the API (POST /api/releases) goes to its first gate,
 * a HUM LEAD's approvals over the API take it through deployment to certification, each step
 * seen live on the event stream; promotion to the next environment of `promotion:` is offered by
 * GET /api/environments and is a POST /api/releases. With --no-runner the server only records.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../../src/server/tokens.js";
import { AI, HUM, brtops, sampleProject, loggedEvents } from "../support/cli.js";
import { PRODUCTION_ENV, writeProductionScripts } from "../support/production-env.js";
import { api, startServe, statusFrames, waitFor, type ServeProcess, approval } from "../support/serve-process.js";

const ONCALL = "oncall@example.com";

/** A production environment beside the sample's `local` (alias staging), and the order local → production. */
function promotionProject() {
  const p = sampleProject({
    emergency: [ONCALL],
    envExtra: PRODUCTION_ENV,
    extra: "promotion: [local, production]\n",
  });
  const root = p.root;
  // The staging deploy takes a second, so the event stream (its poll is 500 ms) surely shows a phase-6 step.
  writeFileSync(
    join(root, "scripts/deploy.sh"),
    '#!/bin/sh\nset -e\nmkdir -p service\nsleep 1\necho "$1" > service/version\necho "deployed $1"\n',
  );
  chmodSync(join(root, "scripts/deploy.sh"), 0o755);
  writeProductionScripts(root);
  writeFileSync(join(root, ".gitignore"), ".brtops/\nservice/\nservice-prod/\n");
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["commit", "-q", "-m", "chore: production scripts"], { cwd: root });
  return p;
}

const LOADED = 400_000;

describe("brtops serve carries out what is decided over the API (file store)", () => {
  let p: { root: string; cleanup: () => void };
  let server: ServeProcess;
  let hum: ReturnType<typeof api>;
  let ai: ReturnType<typeof api>;
  let oncall: ReturnType<typeof api>;
  let aiToken: string;

  beforeAll(async () => {
    p = promotionProject();
    const now = new Date().toISOString();
    aiToken = createToken(p.root, AI, now);
    const humToken = createToken(p.root, HUM, now);
    const oncallToken = createToken(p.root, ONCALL, now);
    server = await startServe(p.root);
    hum = api(server.url, humToken);
    ai = api(server.url, aiToken);
    oncall = api(server.url, oncallToken);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    p?.cleanup();
  });

  const status = async (release: string) => (await ai.get(`/api/releases/${encodeURIComponent(release)}`)).json;

  it("POST /api/releases refuses an identity without the authority to request, and bad input: nothing is written", async () => {
    const refused = await oncall.post("/api/releases", { phrase: "RELEASE v1.1.0 to Staging" });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error.code).toBe("E_NOT_AUTHORIZED");
    expect(refused.json.error.message).toContain(ONCALL);

    const cases: [unknown, number, string][] = [
      [{ phrase: "APPROVE" }, 400, "E_TRIGGER_UNKNOWN"],
      [{ phrase: "RELEASE PAUSE" }, 400, "E_BAD_REQUEST"],
      [{ phrase: "RELEASE v1.1.0 to Mars" }, 400, "E_ENVIRONMENT_UNKNOWN"],
      [{ version: "1.1.0" }, 400, "E_BAD_REQUEST"],
      [{ version: "1.1.0", environment: "staging", phrase: "RELEASE v1.1.0 to Staging" }, 400, "E_BAD_REQUEST"],
      [{ version: "not-a-version", environment: "staging" }, 400, "E_VERSION_INVALID"],
      [{ version: "1.1.0", environment: "staging", extra: 1 }, 400, "E_BAD_REQUEST"],
      ["{not json", 400, "E_BAD_REQUEST"],
    ];
    for (const [body, code, error] of cases) {
      const r = await ai.post("/api/releases", body);
      expect([r.status, r.json?.error?.code], `${JSON.stringify(body)}: ${r.text}`).toEqual([code, error]);
    }
    expect((await ai.get("/api/releases")).json.releases).toEqual([]);
  });

  it(
    "a release requested over the API goes to its first gate with only the server running; a second one on the environment is E_ENVIRONMENT_BUSY",
    async () => {
      const r = await ai.post("/api/releases", { phrase: "RELEASE v1.1.0 to Staging" });
      expect(r.status, r.text).toBe(201);
      expect(r.json).toMatchObject({ recorded: true, release: "1.1.0", environment: "local", then: null });
      expect(r.headers.get("location")).toBe("/api/releases/1.1.0");

      const stream = await statusFrames(server.url, aiToken, "1.1.0");
      try {
        const gate = await stream.until("the 2.10 gate", (s) => s.gate?.step === "2.10");
        expect(gate.state).toBe("awaiting-hum-lead");
      } finally {
        stream.close();
      }
      // The server's runner did the work: every step was started by brtops itself, nobody else.
      const starts = loggedEvents(p.root, "1.1.0").filter((e) => e.type === "StepStarted");
      expect(starts.length).toBeGreaterThan(5);
      expect(new Set(starts.map((e) => e.actor.id))).toEqual(new Set(["brtops"]));

      const busy = await ai.post("/api/releases", { version: "1.2.0", environment: "staging" });
      expect(busy.status, busy.text).toBe(409);
      expect(busy.json.error.code).toBe("E_ENVIRONMENT_BUSY");
      expect(busy.json.error.message).toContain("1.1.0");
      expect((await ai.get("/api/releases")).json.releases.map((x: any) => x.release)).toEqual(["1.1.0"]);

      // Nothing is certified yet: nothing to promote.
      expect((await ai.get("/api/environments")).json.promotable).toEqual([]);
      const runner = await waitFor("the runner to be idle at the gate", async () => {
        const s = (await ai.get("/api/runner")).json;
        const one = s.releases.find((x: any) => x.release === "1.1.0");
        return one?.state === "idle" && one.stopped === "awaiting" ? s : undefined;
      });
      expect(runner).toMatchObject({ enabled: true, actor: "brtops", errors: [] });
      const mine = (await ai.get("/api/releases/1.1.0/runner")).json;
      expect(mine).toMatchObject({ release: "1.1.0", enabled: true, status: { state: "idle", error: null } });
    },
    LOADED,
  );

  it(
    "a HUM LEAD's approvals over the API take it through deployment to certification, streamed live; promotion is then offered",
    async () => {
      const seen: string[] = [];
      for (let i = 0; i < 8; i++) {
        const s = await status("1.1.0");
        if (s.state === "certified") break;
        expect(s.gate, JSON.stringify(s)).not.toBeNull();
        seen.push(s.gate.step);
        // The stream is opened before the decision: the run that follows is seen as it happens.
        const stream = await statusFrames(server.url, aiToken, "1.1.0");
        try {
          await stream.until(`the open gate ${s.gate.step}`, (f) => f.gate?.step === s.gate.step);
          const a = await hum.post("/api/releases/1.1.0/approve", approval(s.gate));
          expect(a.status, a.text).toBe(200);
          expect(a.json.recorded).toBe(true);
          expect(a.json.then).toBeNull(); // carried out by the server's runner
          const next = await stream.until(
            `the release to go on past ${s.gate.step}`,
            (f) => f.state === "certified" || (f.gate !== null && f.gate.step !== s.gate.step),
          );
          if (s.gate.step === "5.10") {
            // The deployment happened between the two gates, and the stream showed its steps.
            expect(next.gate?.step ?? next.step).toMatch(/^7\./);
            expect(stream.frames.some((f) => /^6\./.test(f.step))).toBe(true);
          }
        } finally {
          stream.close();
        }
      }
      // The gates its SEV plan has (2.10 … 5.10 GO/NO-GO … 7.10 certification).
      expect(seen[0]).toBe("2.10");
      expect(seen).toContain("5.10");
      expect(seen.at(-1)).toBe("7.10");
      const done = await waitFor("certification", async () => {
        const s = await status("1.1.0");
        return s.state === "certified" ? s : undefined;
      });
      expect(done.state).toBe("certified");
      expect(readFileSync(join(p.root, "service/version"), "utf8").trim()).toBe("1.1.0");

      const envs = (await ai.get("/api/environments")).json;
      expect(envs.environments.find((e: any) => e.name === "local")).toMatchObject({
        version: "1.1.0",
        state: "certified",
      });
      expect(envs.promotable).toEqual([
        { version: "1.1.0", from: "local", to: "production", release: "1.1.0", certifiedAt: expect.any(String) },
      ]);
      // The CLI shows the same object.
      expect(brtops(p.root, AI, ["environments", "--json"]).json).toEqual(envs);
      expect(brtops(p.root, AI, ["environments"]).stdout).toMatch(
        /Can be promoted:\n\s+v1\.1\.0\s+local → production\s+brtops release 1\.1\.0 --to production/,
      );
    },
    LOADED,
  );

  it(
    "the promotion offered is a POST /api/releases: the runner takes 1.1.0@production to its first gate",
    async () => {
      const r = await ai.post("/api/releases", { version: "1.1.0", environment: "production" });
      expect(r.status, r.text).toBe(201);
      expect(r.json.release).toBe("1.1.0@production");
      expect(r.json.promotion).toMatchObject({ from: "1.1.0", environment: "local" });
      const gate = await waitFor("1.1.0@production at its 2.10 gate", async () => {
        const s = await status("1.1.0@production");
        return s.gate?.step === "2.10" ? s : undefined;
      });
      expect(gate.state).toBe("awaiting-hum-lead");
      // Open on production now: not offered again.
      expect((await ai.get("/api/environments")).json.promotable).toEqual([]);
      expect((await ai.get("/api/runner")).json.errors).toEqual([]);
    },
    LOADED,
  );
});

describe("brtops serve --no-runner records decisions and runs nothing", () => {
  let p: { root: string; cleanup: () => void };
  let server: ServeProcess;

  beforeAll(async () => {
    p = sampleProject();
    server = await startServe(p.root, {}, ["--no-runner"]);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    p?.cleanup();
  });

  it(
    "a release requested and approved over the API waits for `brtops run`, which does every step itself",
    async () => {
      const now = new Date().toISOString();
      const ai = api(server.url, createToken(p.root, AI, now));
      const hum = api(server.url, createToken(p.root, HUM, now));
      expect((await ai.get("/api/runner")).json).toMatchObject({ enabled: false, releases: [] });

      const r = await ai.post("/api/releases", { version: "1.1.0", environment: "staging" });
      expect(r.status, r.text).toBe(201);
      expect(r.json.then).toBe("brtops run --release 1.1.0");
      expect(r.json.step).toBe("1.1");

      // Had the server run it, `brtops run` would meet its lock (exit 5) or find its steps done by brtops.
      const run = brtops(p.root, AI, ["run", "--json"]);
      expect(run.code, run.stderr).toBe(3);
      const gate = (await ai.get("/api/releases/1.1.0")).json.gate;
      expect(gate.step).toBe("2.10");
      const a = await hum.post("/api/releases/1.1.0/approve", approval(gate));
      expect(a.status, a.text).toBe(200);
      expect(a.json.then).toBe("brtops run --release 1.1.0");
      const again = brtops(p.root, AI, ["run", "--json"]);
      expect(again.code, again.stderr).toBe(3);
      expect(again.json.step).toBe("5.10");
      const actors = new Set(
        loggedEvents(p.root, "1.1.0").flatMap((e) => (e.type === "StepStarted" ? [e.actor.id] : [])),
      );
      expect(actors).toEqual(new Set([AI]));
      expect((await ai.get("/api/releases/1.1.0/runner")).json).toMatchObject({ enabled: false, status: null });
    },
    LOADED,
  );
});

describe("brtops serve beside the CLI on one project folder", () => {
  let p: { root: string; cleanup: () => void };
  let server: ServeProcess;

  beforeAll(async () => {
    p = sampleProject();
    server = await startServe(p.root);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    p?.cleanup();
  });

  it(
    "`brtops release` keeps its own run; a decision made by another process (the CLI) is carried out by the server, seen through the store",
    async () => {
      // The server does not take a request from under the CLI that made it: `release` runs it to the gate itself.
      const rel = brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"]);
      expect(rel.code, rel.stdout + rel.stderr).toBe(3);
      expect(rel.json.step).toBe("2.10");
      const byCli = loggedEvents(p.root, "1.1.0").filter((e) => e.type === "StepStarted");
      expect(new Set(byCli.map((e) => e.actor.id))).toEqual(new Set([AI]));

      // Approved from the terminal: no request reaches the server, its runner hears of it from the store.
      const ai = api(server.url, createToken(p.root, AI, new Date().toISOString()));
      const gate = (await ai.get("/api/releases/1.1.0")).json.gate;
      const a = brtops(p.root, HUM, ["approve", "--step", "2.10", ...(approval(gate).waive ? ["--waive", "ok"] : [])]);
      expect(a.code, a.stderr).toBe(0);
      const next = await waitFor("the server to run 1.1.0 to its next gate", async () => {
        const s = (await ai.get("/api/releases/1.1.0")).json;
        return s.gate && s.gate.step !== "2.10" ? s : undefined;
      });
      expect(next.state).toBe("awaiting-hum-lead");
      const later = loggedEvents(p.root, "1.1.0")
        .slice(byCli.at(-1)!.seq)
        .filter((e) => e.type === "StepStarted");
      expect(later.length).toBeGreaterThan(0);
      expect(new Set(later.map((e) => e.actor.id))).toEqual(new Set(["brtops"]));
    },
    LOADED,
  );
});
