import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../../src/server/app.js";
import { createToken, readTokens } from "../../src/server/tokens.js";
import { addUser } from "../../src/server/users.js";
import { openProject, type Project } from "../../src/engine/project.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

describe("HTTP API", () => {
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let app: ReturnType<typeof createApp>;
  let humToken: string;
  let aiToken: string;

  beforeAll(async () => {
    p = sampleProject();
    const r = brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"]);
    expect(r.json?.step).toBe("2.10");
    project = await openProject(p.root);
    app = createApp(project, { pollMs: 100 });
    humToken = createToken(p.root, HUM, project.now());
    aiToken = createToken(p.root, AI, project.now());
  }, 120_000);

  afterAll(async () => {
    await project?.close();
    p?.cleanup();
  });

  const call = (path: string, token: string | null, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        "content-type": "application/json",
        ...(init.headers as Record<string, string> | undefined),
      },
    });

  it("stores only hashes of tokens", () => {
    const raw = readFileSync(join(p.root, ".brtops", "tokens.json"), "utf8");
    expect(raw).not.toContain(humToken);
    expect(readTokens(p.root).map((t) => t.id)).toEqual([HUM, AI]);
    expect(humToken).toMatch(/^brt_/);
  });

  it("refuses requests without valid credentials (401)", async () => {
    const none = await call("/api/releases", null);
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe("E_NO_IDENTITY");
    const bad = await call("/api/releases", "brt_nottherighttoken");
    expect(bad.status).toBe(401);
  });

  it("lists releases and shows one", async () => {
    const list = await call("/api/releases", aiToken);
    expect(list.status).toBe(200);
    expect((await list.json()).releases.map((r: { version: string }) => r.version)).toEqual(["1.1.0"]);
    const one = await call("/api/releases/1.1.0", aiToken);
    expect(one.status).toBe(200);
    expect((await one.json()).step).toBe("2.10");
  });

  it("unknown release → 404", async () => {
    const r = await call("/api/releases/9.9.9", humToken);
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe("E_NO_ACTIVE_RELEASE");
  });

  it("an error that quotes what the client sent passes the redactor: a token pasted into the path is not echoed", async () => {
    const pasted = `ghp_${"Zx9Yw8".repeat(6)}`;
    const r = await call(`/api/releases/${pasted}`, humToken);
    expect(r.status).toBe(400);
    const body = await r.text();
    expect(JSON.parse(body).error.code).toBe("E_VERSION_INVALID");
    expect(body).not.toContain(pasted);
    expect(body).toContain("[REDACTED]");
  });

  it("bad JSON and invalid bodies → 400, nothing recorded", async () => {
    const before = (await project.store.read("1.1.0")).events.length;
    const r = await call("/api/releases/1.1.0/approve", humToken, { method: "POST", body: "{not json" });
    expect(r.status).toBe(400);
    expect((await r.json()).error.message).toMatch(/not valid JSON/);
    const r2 = await call("/api/releases/1.1.0/reject", humToken, {
      method: "POST",
      body: JSON.stringify({ step: "2.10" }),
    });
    expect(r2.status).toBe(400);
    expect((await r2.json()).error.message).toMatch(/reason/);
    expect((await project.store.read("1.1.0")).events.length).toBe(before);
  });

  it("AI LEAD approving → 403 naming HUM LEAD", async () => {
    const r = await call("/api/releases/1.1.0/approve", aiToken, {
      method: "POST",
      body: JSON.stringify({ step: "2.10" }),
    });
    expect(r.status).toBe(403);
    const e = (await r.json()).error;
    expect(e.code).toBe("E_NOT_AUTHORIZED");
    expect(e.message).toContain("HUM LEAD");
  });

  it("HUM LEAD approves 2.10 (200, logged, streamed), a second approval of 2.10 → 409", async () => {
    const ctrl = new AbortController();
    const sse = await call("/api/releases/1.1.0/events", aiToken, { signal: ctrl.signal });
    expect(sse.status).toBe(200);
    expect(sse.headers.get("content-type")).toContain("text/event-stream");
    const { nextStatus, reader } = statusStream(sse);
    expect((await nextStatus()).step).toBe("2.10");

    const r = await call("/api/releases/1.1.0/approve", humToken, {
      method: "POST",
      body: JSON.stringify({ step: "2.10", note: "looks good" }),
    });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.recorded).toBe(true);
    expect(body.step).not.toBe("2.10");
    const events = (await project.store.read("1.1.0")).events;
    const approval = events.find((e) => e.type === "GateApproved");
    expect(approval?.actor.id).toBe(HUM);
    expect((approval?.data as { step: string }).step).toBe("2.10");

    const pushed = await nextStatus();
    expect(pushed.step).toBe(body.step);
    ctrl.abort();
    await reader.cancel().catch(() => {});

    const again = await call("/api/releases/1.1.0/approve", humToken, {
      method: "POST",
      body: JSON.stringify({ step: "2.10" }),
    });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("E_STEP_MISMATCH");
  });

  it("login with a scrypt password sets an HttpOnly SameSite=Strict session cookie that authenticates", async () => {
    await addUser(p.root, HUM, "correct horse battery", project.now());
    const raw = readFileSync(join(p.root, ".brtops", "users.json"), "utf8");
    expect(raw).not.toContain("correct horse battery");
    const wrong = await call("/api/login", null, {
      method: "POST",
      body: JSON.stringify({ id: HUM, password: "wrong password" }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const unknown = await call("/api/login", null, {
      method: "POST",
      body: JSON.stringify({ id: "nobody@example.com", password: "correct horse battery" }),
    });
    expect(unknown.status).toBe(401);
    const ok = await call("/api/login", null, {
      method: "POST",
      body: JSON.stringify({ id: HUM, password: "correct horse battery" }),
    });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(";")[0]!;
    const list = await call("/api/releases", null, { headers: { cookie: pair } });
    expect(list.status).toBe(200);
    const forged = await call("/api/releases", null, { headers: { cookie: "brtops_session=brt_forged" } });
    expect(forged.status).toBe(401);
  });

  it("streams changes made by another process; questions asked via the CLI are answered via the API", async () => {
    const ctrl = new AbortController();
    const sse = await call("/api/releases/1.1.0/events", humToken, { signal: ctrl.signal });
    const { nextStatus, reader } = statusStream(sse);
    const first = await nextStatus();
    expect(first.openQuestions).toEqual([]);

    expect(brtops(p.root, AI, ["ask", "--release", "1.1.0", "Should the migration run first?"]).code).toBe(0);
    let pushed = await nextStatus();
    while (pushed.openQuestions.length === 0) pushed = await nextStatus();
    expect(pushed.openQuestions[0]).toMatchObject({ id: "Q1", by: AI });
    ctrl.abort();
    await reader.cancel().catch(() => {});

    const unknown = await call("/api/releases/1.1.0/answer", humToken, {
      method: "POST",
      body: JSON.stringify({ id: "Q9", text: "yes" }),
    });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.code).toBe("E_QUESTION_UNKNOWN");
    const ok = await call("/api/releases/1.1.0/answer", humToken, {
      method: "POST",
      body: JSON.stringify({ id: "Q1", text: "Yes, first." }),
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).openQuestions).toEqual([]);

    const fb = await call("/api/releases/1.1.0/feedback", humToken, {
      method: "POST",
      body: JSON.stringify({ text: "Nice notes." }),
    });
    expect(fb.status).toBe(200);
    expect((await fb.json()).feedback.at(-1)).toMatchObject({ text: "Nice notes.", by: HUM });
    const empty = await call("/api/releases/1.1.0/feedback", humToken, {
      method: "POST",
      body: JSON.stringify({ text: "" }),
    });
    expect(empty.status).toBe(400);
  });
});

/** Reads `event: status` frames off an SSE response, one parsed status object per call. */
function statusStream(sse: Response): {
  nextStatus: () => Promise<any>;
  reader: ReadableStreamDefaultReader<Uint8Array>;
} {
  const reader = sse.body!.getReader();
  const dec = new TextDecoder();
  let buf = "";
  const nextStatus = async (): Promise<any> => {
    for (;;) {
      const i = buf.indexOf("\n\n");
      if (i >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (!frame.includes("event: status")) continue;
        return JSON.parse(
          frame
            .split("\n")
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trim())
            .join("\n"),
        );
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      buf += dec.decode(value, { stream: true });
    }
  };
  return { nextStatus, reader };
}
