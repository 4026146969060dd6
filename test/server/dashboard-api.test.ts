/**
 * The dashboard's server side, in-process (app.request): the page and its headers, /api/me,
 * sign-in and sign-out, CSRF for cookie sessions, the sign-in rate limit, session expiry, and the
 * deployment and audit endpoints.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { FailureLimiter } from "../../src/server/rate-limit.js";
import { createToken, readTokens } from "../../src/server/tokens.js";
import { addUser } from "../../src/server/users.js";
import { AI, HUM, HUM2, brtops, sampleProject } from "../support/cli.js";

const PW = "correct horse battery";
type App = ReturnType<typeof createApp>;

describe("dashboard API", () => {
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let app: App;
  let humToken: string;
  let aiToken: string;

  beforeAll(async () => {
    p = sampleProject();
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"]).json?.step).toBe("2.10");
    project = await openProject(p.root);
    app = createApp(project, { pollMs: 100 });
    humToken = createToken(p.root, HUM, project.now());
    aiToken = createToken(p.root, AI, project.now());
    await addUser(p.root, HUM, PW, project.now());
    await addUser(p.root, HUM2, PW, project.now());
  }, 120_000);

  afterAll(async () => {
    await project?.close();
    p?.cleanup();
  });

  const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  });
  const eventCount = async () => (await project.store.read("1.1.0")).events.length;

  /** Signs in; returns the cookie pair and the CSRF token the page would use. */
  async function login(a: App, id = HUM): Promise<{ cookie: string; csrf: string; setCookie: string }> {
    const r = await a.request("/api/login", json({ id, password: PW }));
    expect(r.status).toBe(200);
    const body = (await r.json()) as { csrfToken: string };
    const setCookie = r.headers.get("set-cookie")!;
    return { cookie: setCookie.split(";")[0]!, csrf: body.csrfToken, setCookie };
  }

  it("serves the page with a strict CSP, no inline script or style, and a phone viewport", async () => {
    const r = await app.request("/");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    const csp = r.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    const html = await r.text();
    expect(html).toContain('<script src="/app.js" defer></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(html).toContain('name="viewport" content="width=device-width, initial-scale=1"');
  });

  it("serves /app.js as valid JavaScript with the phase names, and /app.css", async () => {
    const js = await app.request("/app.js");
    expect(js.headers.get("content-type")).toContain("text/javascript");
    const code = await js.text();
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiles the served script, never runs it (it runs only in a browser)
    expect(() => new Function(code)).not.toThrow();
    expect(code).toContain("Pre-Deployment Validation & GO/NO-GO Decision"); // core's phase table, bundled in
    expect(code).not.toContain("innerHTML");
    const css = await app.request("/app.css");
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(await css.text()).toContain("@media");
  });

  it("GET /api/me tells the identity, its role and what it may decide; 401 without credentials", async () => {
    const hum = await (await app.request("/api/me", bearer(humToken))).json();
    expect(hum).toMatchObject({
      id: HUM,
      role: "hum-lead",
      via: "bearer",
      csrfToken: null,
      can: { approve: true, reject: true, answer: true, feedback: true },
    });
    const ai = await (await app.request("/api/me", bearer(aiToken))).json();
    expect(ai).toMatchObject({
      id: AI,
      role: "ai-lead",
      can: { approve: false, reject: false, answer: false, feedback: true, ask: true },
    });
    const stranger = createToken(p.root, "mallory@example.com", project.now());
    const m = await (await app.request("/api/me", bearer(stranger))).json();
    expect(m).toMatchObject({ role: null, can: { approve: false, feedback: false } });
    const none = await app.request("/api/me");
    expect(none.status).toBe(401);
    expect(none.headers.get("cache-control")).toBe("no-store");
  });

  it("login sets a 12-hour HttpOnly SameSite=Strict cookie for /api and returns the CSRF token; a form post cannot sign in", async () => {
    const s = await login(app);
    expect(s.setCookie).toMatch(/HttpOnly/);
    expect(s.setCookie).toMatch(/SameSite=Strict/);
    expect(s.setCookie).toMatch(/Path=\/api/);
    expect(s.setCookie).toMatch(/Max-Age=43200/);
    expect(s.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await (await app.request("/api/me", { headers: { cookie: s.cookie } })).json();
    expect(me).toMatchObject({ id: HUM, via: "cookie", csrfToken: s.csrf });
    const form = await app.request("/api/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `id=${encodeURIComponent(HUM)}&password=${encodeURIComponent(PW)}`,
    });
    expect(form.status).toBe(400);
    expect((await form.json()).error.message).toMatch(/JSON body/);
    expect(form.headers.get("set-cookie")).toBeNull();
  });

  it("a cookie-session change needs the session's CSRF token (403 E_CSRF otherwise, nothing written); bearer requests do not", async () => {
    const a = await login(app);
    const b = await login(app, HUM2);
    const before = await eventCount();
    const feedback = (headers: Record<string, string>) =>
      app.request(
        "/api/releases/1.1.0/feedback",
        json({ text: "From the dashboard" }, { cookie: a.cookie, ...headers }),
      );
    const missing = await feedback({});
    expect(missing.status).toBe(403);
    const err = (await missing.json()).error;
    expect(err.code).toBe("E_CSRF");
    expect(err.message).toMatch(/CSRF token is missing/);
    expect(err.hint).toMatch(/x-csrf-token/);
    expect((await feedback({ "x-csrf-token": "forged" })).status).toBe(403);
    expect((await feedback({ "x-csrf-token": b.csrf })).status).toBe(403); // another session's token
    expect((await feedback({ "x-csrf-token": a.csrf, "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect(await eventCount()).toBe(before);
    expect((await app.request("/api/releases/1.1.0", { headers: { cookie: a.cookie } })).status).toBe(200); // reading needs none
    const ok = await feedback({ "x-csrf-token": a.csrf, "sec-fetch-site": "same-origin" });
    expect(ok.status).toBe(200);
    expect((await ok.json()).feedback.at(-1)).toMatchObject({ by: HUM, text: "From the dashboard" });
    const viaBearer = await app.request("/api/releases/1.1.0/feedback", bearer(humToken, json({ text: "From CI" })));
    expect(viaBearer.status).toBe(200);
    // Each feedback is recorded, and (at 2.10) followed by the record write of the changelog that shows it.
    const written = (await project.store.read("1.1.0")).events.slice(before);
    expect(written.map((e) => e.type)).toEqual([
      "FeedbackGiven",
      "DocumentsWritten",
      "FeedbackGiven",
      "DocumentsWritten",
    ]);
    expect(written.filter((e) => e.type === "FeedbackGiven").map((e) => e.actor.id)).toEqual([HUM, HUM]);
    expect(written[1]).toMatchObject({ data: { reason: "feedback", files: [{ name: "changelog.md" }] } });
  });

  it("an AI LEAD's cookie session with a valid CSRF token still cannot approve: 403 from the core, log unchanged", async () => {
    await addUser(p.root, AI, PW, project.now());
    const s = await login(app, AI);
    const before = await eventCount();
    const r = await app.request(
      "/api/releases/1.1.0/approve",
      json({ step: "2.10" }, { cookie: s.cookie, "x-csrf-token": s.csrf }),
    );
    expect(r.status).toBe(403);
    expect((await r.json()).error.code).toBe("E_NOT_AUTHORIZED");
    expect(await eventCount()).toBe(before);
  });

  it("logout (CSRF-checked, form field _csrf accepted) revokes the session and clears the cookie; bearer logout is refused", async () => {
    const s = await login(app);
    const sessions = () => readTokens(p.root).filter((t) => t.kind === "session").length;
    const n = sessions();
    const noToken = await app.request("/api/logout", { method: "POST", headers: { cookie: s.cookie } });
    expect(noToken.status).toBe(403);
    const out = await app.request("/api/logout", {
      method: "POST",
      headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: `_csrf=${encodeURIComponent(s.csrf)}`,
    });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/brtops_session=;.*Max-Age=0/);
    expect(sessions()).toBe(n - 1);
    expect((await app.request("/api/me", { headers: { cookie: s.cookie } })).status).toBe(401);
    const b = await app.request("/api/logout", bearer(humToken, { method: "POST" }));
    expect(b.status).toBe(400);
    expect((await b.json()).error.message).toMatch(/bearer token/);
    expect((await app.request("/api/me", bearer(humToken))).status).toBe(200);
  });

  it("a session expires after its time to live", async () => {
    let clock = Date.parse("2030-01-01T00:00:00Z");
    const timed = await openProject(p.root, { now: () => new Date(clock).toISOString() });
    try {
      const a = createApp(timed, { sessionTtlMs: 60_000 });
      const s = await login(a);
      expect((await a.request("/api/me", { headers: { cookie: s.cookie } })).status).toBe(200);
      clock += 60_001;
      const r = await a.request("/api/me", { headers: { cookie: s.cookie } });
      expect(r.status).toBe(401);
      expect((await r.json()).error.code).toBe("E_NO_IDENTITY");
    } finally {
      await timed.close();
    }
  });

  it("5 failed sign-ins per identity and address in 15 minutes, then 429 E_RATE_LIMITED with Retry-After, even for the right password", async () => {
    let t = 1_000_000;
    const a = createApp(project, { rateLimit: { now: () => t } });
    const attempt = (id: string, password: string) => a.request("/api/login", json({ id, password }));
    for (let i = 0; i < 5; i++) expect((await attempt(HUM, `wrong ${i}`)).status).toBe(401);
    const limited = await attempt(HUM, PW);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("900");
    const e = (await limited.json()).error;
    expect(e.code).toBe("E_RATE_LIMITED");
    expect(e.message).toMatch(/try again in 15 minute/);
    expect(limited.headers.get("set-cookie")).toBeNull();
    t += 10 * 60 * 1000;
    expect((await attempt(HUM, PW)).headers.get("retry-after")).toBe("300");
    t += 5 * 60 * 1000 + 1;
    expect((await attempt(HUM, PW)).status).toBe(200);
  });

  it("concurrent wrong guesses cannot slip past the limit", async () => {
    const a = createApp(project, { rateLimit: { now: () => 5_000_000 } });
    const all = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => a.request("/api/login", json({ id: HUM2, password: `guess ${i}` }))),
    );
    const codes = all.map((r) => r.status);
    expect(codes.filter((c) => c === 401).length).toBe(5);
    expect(codes.filter((c) => c === 429).length).toBe(7);
  });

  it("the limiter counts per identity and per address separately, and forgives a success", () => {
    let t = 0;
    const l = new FailureLimiter({ max: 2, windowMs: 1000, now: () => t });
    l.record(["id:a", "addr:1"]);
    l.record(["id:b", "addr:1"]);
    expect(l.retryAfter(["id:c", "addr:1"])).toBe(1); // the address is used up
    expect(l.retryAfter(["id:a", "addr:2"])).toBe(0); // identity a failed once
    const forgive = l.record(["id:a", "addr:2"]);
    expect(l.retryAfter(["id:a", "addr:3"])).toBe(1);
    forgive();
    expect(l.retryAfter(["id:a", "addr:3"])).toBe(0);
    t = 1001;
    expect(l.retryAfter(["id:c", "addr:1"])).toBe(0);
  });

  it("GET /deployment shows deployment progress (none yet at 2.10); unknown release 404", async () => {
    const r = await app.request("/api/releases/1.1.0/deployment", bearer(aiToken));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      release: "1.1.0",
      environment: "local",
      state: "awaiting-hum-lead",
      deployed: false,
      steps: [],
    });
    expect((await app.request("/api/releases/9.9.9/deployment", bearer(aiToken))).status).toBe(404);
    expect((await app.request("/api/releases/1.1.0/deployment")).status).toBe(401);
  });

  it("GET /audit returns the stored events and the chain verification; ?after= returns only newer ones", async () => {
    const n = await eventCount();
    const r = await app.request("/api/releases/1.1.0/audit", bearer(aiToken));
    expect(r.status).toBe(200);
    const a = await r.json();
    expect(a.verification).toMatchObject({ ok: true, count: n });
    expect(a.events).toHaveLength(n);
    expect(a.events[0]).toMatchObject({ seq: 1, type: "ReleaseRequested", actor: { id: AI } });
    expect(a.verification.lastHash).toBe(a.events.at(-1).hash);
    const tail = await (await app.request(`/api/releases/1.1.0/audit?after=${n - 2}`, bearer(aiToken))).json();
    expect(tail.events.map((e: { seq: number }) => e.seq)).toEqual([n - 1, n]);
    expect(tail.verification.count).toBe(n);
    const bad = await app.request("/api/releases/1.1.0/audit?after=last", bearer(aiToken));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/\?after/);
    expect((await app.request("/api/releases/9.9.9/audit", bearer(aiToken))).status).toBe(404);
    const invalid = await app.request("/api/releases/not-a-version/audit", bearer(aiToken));
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.code).toBe("E_VERSION_INVALID");
  });

  it("GET /gate gives the open gate in structured sections, decided in core; 401 without credentials", async () => {
    const r = await app.request("/api/releases/1.1.0/gate", bearer(aiToken));
    expect(r.status).toBe(200);
    const { gate } = await r.json();
    expect(gate).toMatchObject({
      release: "1.1.0",
      step: "2.10",
      round: "2.10#1",
      kind: "approval",
      phase: 2,
      decision: { yes: "Approve", no: "Reject", waiverRequired: false, returnTo: null },
      approvals: { required: 1, approved: [], waitingFor: [HUM, HUM2] },
      open: { questions: [], criticalFindings: 0 },
    });
    // The feedback the earlier tests gave has no response yet: open, beside the decision.
    expect(gate.open.feedback.map((f: { id: string }) => f.id)).toEqual(["F1", "F2"]);
    expect(gate.steps.map((x: { step: string }) => x.step)).toEqual(["2.1", "2.2", "2.3", "2.4", "2.5"]);
    // The changes since v1.0.0 as step 2.2 recorded them; no forge link, the origin is a local bare repository.
    expect(gate.changes.previous).toBe("v1.0.0");
    const fixed = gate.changes.groups.find((g: { key: string }) => g.key === "fixed");
    expect(fixed.entries[0]).toMatchObject({ scope: "search", description: "coerce queries to strings", url: null });
    expect(gate.changes.compareUrl).toBeNull();
    const severities = gate.findings.map((f: { severity: string }) => f.severity);
    expect(severities).toEqual(
      [...severities].sort(
        (a: string, b: string) =>
          ["critical", "warning", "info"].indexOf(a) - ["critical", "warning", "info"].indexOf(b),
      ),
    );
    expect(gate.report).toContain("PHASE 2: RELEASE PACKAGE ASSEMBLY & VERSION MANAGEMENT");
    expect((await app.request("/api/releases/1.1.0/gate")).status).toBe(401);
    expect((await app.request("/api/releases/9.9.9/gate", bearer(aiToken))).status).toBe(404);
  });

  it("GET /api/dashboard/releases says what each release waits for and since when", async () => {
    const { releases } = await (await app.request("/api/dashboard/releases", bearer(aiToken))).json();
    expect(releases).toEqual([
      expect.objectContaining({
        release: "1.1.0",
        attention: expect.objectContaining({ kind: "gate", waitsFor: "hum-lead", step: "2.10", gateKind: "approval" }),
      }),
    ]);
    expect(Date.parse(releases[0].attention.since)).not.toBeNaN();
  });

  it("GET /documents/NAME serves a document the log says was written, and nothing else: 404 E_DOCUMENT_NOT_FOUND", async () => {
    // The feedback given above was recorded in changelog.md (a record write): listed by the gate, served.
    const { gate } = await (await app.request("/api/releases/1.1.0/gate", bearer(aiToken))).json();
    expect(gate.documents.map((d: { name: string }) => d.name)).toContain("changelog.md");
    const doc = await app.request("/api/releases/1.1.0/documents/changelog.md", bearer(aiToken));
    expect(doc.status).toBe(200);
    const body = await doc.json();
    expect(body).toMatchObject({ name: "changelog.md" });
    expect(body.text).toBe(readFileSync(join(p.root, "docs/01_application/6-releases/v1.1.0/changelog.md"), "utf8"));
    for (const name of ["..%2F..%2F..%2F..%2Fbrtops.config.yaml", "nothing.md", "..%2Fv1.1.0%2Fchangelog.md"]) {
      const r = await app.request(`/api/releases/1.1.0/documents/${name}`, bearer(aiToken));
      expect(r.status).toBe(404);
      const e = await r.json();
      expect(e.error.code).toBe("E_DOCUMENT_NOT_FOUND");
      expect(e.error.message).toMatch(/^Release 1\.1\.0 has no document "/);
      expect(JSON.stringify(e)).not.toContain("leads:"); // nothing of the config file came back
    }
    expect((await app.request("/api/releases/1.1.0/documents/changelog.md")).status).toBe(401);
  });

  it("GET /progress says when the server runs no releases (no runner: nothing to stream)", async () => {
    const r = await app.request("/api/releases/1.1.0/progress", bearer(aiToken));
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    expect(await r.text()).toContain('event: runner\ndata: {"enabled":false}');
  });

  it("GET /audit names the event where an edited log breaks", async () => {
    const file = join(p.root, ".brtops/releases/1.1.0/events.jsonl");
    const lines = readFileSync(file, "utf8").split("\n");
    const i = lines.findIndex((l) => l.includes('"From the dashboard"'));
    expect(i).toBeGreaterThan(0);
    const seq = JSON.parse(lines[i]!).seq as number;
    lines[i] = lines[i]!.replace('"From the dashboard"', '"From the dashboarD"');
    writeFileSync(file, lines.join("\n"));
    const a = await (await app.request("/api/releases/1.1.0/audit", bearer(aiToken))).json();
    expect(a.verification.ok).toBe(false);
    expect(a.verification.bad).toEqual({ seq, reason: expect.stringMatching(/content does not match its hash/) });
  });
});
