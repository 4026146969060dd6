/**
 * The dashboard in Debian's Chromium (playwright-core, never a downloaded browser), against the app
 * on a real loopback port and a real sample project: sign-in, reading the gate report, deciding,
 * live updates in a second browser, authority and CSRF refusals, escaping, phone width, rate limit.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { createToken } from "../../src/server/tokens.js";
import { addUser } from "../../src/server/users.js";
import {
  countNavigations,
  launchChromium,
  listen,
  pageFactory,
  screenshots,
  signIn,
  SLOW_TEST_MS,
  TEST_PASSWORDS,
  text,
  waitText,
  waitTextNot,
} from "../support/browser.js";
import { AI, HUM, HUM2, brtops, sampleProject } from "../support/cli.js";

describe("dashboard in Chromium", () => {
  let browser: Browser;
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let server: { url: string; close: () => Promise<void> };
  let aiToken: string;
  let alice: Page; // HUM LEAD, decides
  let bob: Page; // second HUM LEAD, watches
  const pages = pageFactory(() => browser);
  const { newPage, problems } = pages;

  const events = async () => (await project.store.read("1.1.0")).events;
  const shot = screenshots("");
  const openRelease = async (page: Page) => {
    await page.locator('a[href="#/r/1.1.0"]').click();
    await page.locator("#report").waitFor();
    await page.locator("#live.on").waitFor();
  };

  beforeAll(async () => {
    browser = await launchChromium(); // first: without Chromium the suite fails here, saying what to install
    p = sampleProject();
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"]).json?.step).toBe("2.10");
    project = await openProject(p.root);
    for (const [id, pw] of Object.entries(TEST_PASSWORDS)) await addUser(p.root, id, pw, project.now());
    aiToken = createToken(p.root, AI, project.now());
    server = await listen(createApp(project, { pollMs: 100 }).fetch);
  }, 120_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await server?.close();
    await project?.close();
    p?.cleanup();
  });

  it("an AI LEAD signed in sees the gate without decision controls; its forged and bearer approvals get 403 and the log is unchanged", async () => {
    const page = await newPage();
    await signIn(page, server.url, AI, TEST_PASSWORDS[AI]!);
    await openRelease(page);
    expect(await page.locator("#approve").count()).toBe(0);
    expect(await text(page, "#decide-info")).toContain("Only a HUM LEAD");
    const before = (await events()).length;
    const forged = await page.evaluate(async () => {
      const me = await (await fetch("/api/me")).json();
      const r = await fetch("/api/releases/1.1.0/approve", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
        body: JSON.stringify({ step: "2.10" }),
      });
      return { role: me.role, status: r.status, body: await r.json() };
    });
    expect(forged.role).toBe("ai-lead");
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe("E_NOT_AUTHORIZED");
    const bearer = await fetch(`${server.url}/api/releases/1.1.0/approve`, {
      method: "POST",
      headers: { authorization: `Bearer ${aiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ step: "2.10" }),
    });
    expect(bearer.status).toBe(403);
    expect((await bearer.json()).error.message).toContain("HUM LEAD");
    expect((await events()).length).toBe(before);
  });

  it("a HUM LEAD signs in through the form and reads the gate's report; the session cookie is out of the page's reach", async () => {
    alice = await newPage();
    await alice.goto(server.url);
    await shot(alice, "signin");
    await signIn(alice, server.url, HUM, TEST_PASSWORDS[HUM]!);
    expect(await text(alice, "#who")).toContain(`${HUM} · HUM LEAD`);
    await openRelease(alice);
    await shot(alice, "release-2.10");
    // The report in sections: the phase's steps with their verdicts, not a text dump.
    expect(await text(alice, "#gate-steps-sec h3")).toBe("Phase 2 · Release Package Assembly & Version Management");
    expect(await alice.locator('#gate-steps li[data-step="2.1"]').textContent()).toContain(
      "Execute semantic versioning analysis and validation",
    );
    expect(await alice.locator("#report-text").textContent()).toContain(
      "PHASE 2: RELEASE PACKAGE ASSEMBLY & VERSION MANAGEMENT",
    );
    expect(await text(alice, "#step")).toBe("2.10");
    expect(await text(alice, "#approve")).toBe("Approve");
    const phases = await alice
      .locator("#timeline li")
      .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.status));
    expect(phases).toEqual(["done", "current", "skipped", "skipped", "pending", "pending", "pending"]);
    expect(await alice.evaluate(() => document.cookie)).not.toContain("brtops_session");
  });

  it("a cookie-session POST without the CSRF token (or with another one) gets 403 E_CSRF and the log is unchanged", async () => {
    const before = (await events()).length;
    const tries = await alice.evaluate(async () => {
      const post = (headers: Record<string, string>) =>
        fetch("/api/releases/1.1.0/approve", {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ step: "2.10" }),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      return [await post({}), await post({ "x-csrf-token": "not-the-token" })];
    });
    for (const t of tries) {
      expect(t.status).toBe(403);
      expect(t.body.error.code).toBe("E_CSRF");
      expect(t.body.error.message).toMatch(/CSRF token/);
    }
    expect((await events()).length).toBe(before);
  });

  it("at 390 px width the sign-in, list and release pages have no horizontal scroll", async () => {
    const phone = await newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const width = () => phone.evaluate(() => document.documentElement.scrollWidth);
    await phone.goto(server.url);
    await phone.locator("#signin").waitFor();
    expect(await width()).toBeLessThanOrEqual(390);
    await signIn(phone, server.url, HUM2, TEST_PASSWORDS[HUM2]!);
    expect(await width()).toBeLessThanOrEqual(390);
    await openRelease(phone);
    await shot(phone, "phone-top", false);
    await phone.locator("#audit-count").click(); // open the event list: long hashes and types must wrap too
    await phone.locator("#reject-details summary").click();
    await phone.locator("#audit-events li").first().waitFor();
    expect(await width()).toBeLessThanOrEqual(390);
    await phone.locator("#gate").scrollIntoViewIfNeeded();
    await shot(phone, "phone-gate", false);
  });

  it("HTML in a feedback text is shown as text, runs nothing, and reaches the other HUM LEAD live", async () => {
    bob = await newPage();
    await signIn(bob, server.url, HUM2, TEST_PASSWORDS[HUM2]!);
    await openRelease(bob);
    const hostile = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold?</b>`;
    await alice.locator("#feedback-text").fill(hostile);
    await alice.locator("#feedback-send").click();
    for (const page of [alice, bob]) {
      await page.locator('#thread li.feedback[data-id="F1"]').waitFor();
      expect(await text(page, '#thread li[data-id="F1"] .text')).toBe(hostile);
      // The consolidated report quotes the feedback too. The report is drawn from the status and the
      // thread from the audit log, fetched separately: a page can show F1 (an audit fetch that raced
      // the append) one status before its report has it, so wait for the report's own redraw.
      await expect.poll(() => text(page, "#report"), { timeout: 30_000 }).toContain(hostile);
      expect(
        await page.locator("#thread img, #thread script, #thread b, #report img, #report script, #report b").count(),
      ).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    }
    const given = (await events()).find((e) => e.type === "FeedbackGiven");
    expect(given?.actor.id).toBe(HUM);
    expect((given?.data as { text: string }).text).toBe(hostile);
  });

  it(
    "a question the AI LEAD asks from the CLI appears live with an answer form; the answer reaches the other page",
    async () => {
      expect(
        brtops(p.root, AI, ["ask", "--release", "1.1.0", "Should the migration run before the deploy?"]).code,
      ).toBe(0);
      const form = alice.locator('#thread li[data-id="Q1"] form.answer-form');
      await form.waitFor();
      expect(await text(alice, '#thread li[data-id="Q1"] .text')).toBe("Should the migration run before the deploy?");
      await form.locator("textarea").fill("Yes, migrations first.");
      await form.locator("button").click();
      // Each page redraws the thread from its own copy of the log (alice's from the POST answer or the
      // stream, whichever comes first), so wait for the reply on each page before reading it: the reply
      // and the removed form are drawn in the same pass.
      for (const page of [bob, alice]) {
        await page.locator('#thread li[data-id="Q1"] .reply').waitFor();
        expect(await text(page, '#thread li[data-id="Q1"] .reply .text')).toBe("Yes, migrations first.");
        expect(await page.locator('#thread li[data-id="Q1"] form').count()).toBe(0);
      }
      const answered = (await events()).find((e) => e.type === "QuestionAnswered");
      expect(answered?.actor.id).toBe(HUM);
      expect(answered?.data).toMatchObject({ id: "Q1", text: "Yes, migrations first." });
    },
    SLOW_TEST_MS,
  );

  it("the HUM LEAD approves; the second HUM LEAD's page shows the new step without a reload", async () => {
    await bob.evaluate(() => ((window as unknown as { __stay: number }).__stay = 42));
    const navigations = countNavigations(bob);
    const bobUrl = bob.url();
    await alice.locator("#decide-note").fill("Package looks right");
    await alice.locator("#approve").click();
    // F1 has no response yet: the approval asks again and names it; nothing is recorded before the answer.
    expect(await text(alice, "#approve-open")).toContain("feedback F1");
    await alice.locator("#approve-confirm").click();
    await waitTextNot(alice, "#step", "2.10");
    await waitTextNot(bob, "#step", "2.10");
    expect(await text(bob, "#step")).toBe(await text(alice, "#step"));
    expect(await bob.locator("#gate").isHidden()).toBe(true);
    expect(await bob.evaluate(() => (window as unknown as { __stay?: number }).__stay)).toBe(42);
    expect(navigations()).toBe(0);
    expect(bob.url()).toBe(bobUrl);
    const approval = (await events()).find((e) => e.type === "GateApproved");
    expect(approval?.actor.id).toBe(HUM);
    expect(approval?.data).toMatchObject({ step: "2.10", note: "Package looks right" });
  });

  it(
    "NO-GO returns to a phase, GO deploys (progress and health shown), Certify at 7.10; the audit shows the chain intact",
    async () => {
      expect(brtops(p.root, AI, ["run", "--json"]).json?.step).toBe("5.10");
      await waitText(alice, "#approve", "GO");
      await waitText(bob, "#step", "5.10");
      expect(await alice.locator("#reject").textContent()).toBe("NO-GO"); // inside the closed <details>
      await shot(alice, "release-5.10");
      await alice.locator("#reject-details summary").click();
      expect(await alice.locator("#reject-return").inputValue()).toBe("2");
      await alice.locator("#reject-reason").fill("Staging smoke test still red");
      await alice.locator("#reject").click();
      await waitTextNot(alice, "#step", "5.10");
      const rejected = (await events()).find((e) => e.type === "GateRejected");
      expect(rejected?.data).toMatchObject({ step: "5.10", returnTo: 2, reason: "Staging smoke test still red" });
      await bob.waitForFunction(
        () => document.querySelector('#timeline li[data-phase="2"]')?.getAttribute("data-status") === "current",
      );

      expect(brtops(p.root, AI, ["run", "--json"]).json?.step).toBe("2.10");
      await waitText(alice, "#step", "2.10");
      await alice.locator("#approve").click();
      await alice.locator("#approve-confirm").click(); // F1 is still open on phase 2
      await waitTextNot(alice, "#step", "2.10");
      expect(brtops(p.root, AI, ["run", "--json"]).json?.step).toBe("5.10");
      await waitText(alice, "#approve", "GO");
      await alice.locator("#approve").click();
      await alice.locator("#approve-confirm").click(); // GO always asks again
      await waitTextNot(alice, "#step", "5.10");

      expect(brtops(p.root, AI, ["run", "--json"]).json?.step).toBe("7.10");
      await waitText(alice, "#approve", "Certify");
      // Bob's page may have drawn the deployment from a status of the run's middle (6.2 started, not
      // yet healthy): wait for its redraw from the finished deployment before reading it.
      await bob.waitForFunction(() => {
        const t = document.querySelector("#deployment")?.textContent ?? "";
        return (
          !!document.querySelector('#deployment li[data-step="6.2"]') &&
          t.includes("Deployed to") &&
          t.includes("Health:")
        );
      });
      const deployment = await text(bob, "#deployment");
      expect(deployment).toMatch(/Deployed to/);
      expect(deployment).toMatch(/Health: up: healthy/);
      await alice.locator("#approve").click();
      await alice.locator("#approve-confirm").click(); // so does certification
      await waitTextNot(alice, "#step", "7.10");
      brtops(p.root, AI, ["run", "--json"]);
      await bob.waitForFunction(() => document.querySelector("#state")?.textContent === "certified");
      await shot(bob, "release-certified");
      const phases = await bob
        .locator("#timeline li")
        .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.status));
      expect(phases).toEqual(["done", "done", "skipped", "skipped", "done", "done", "done"]);

      const count = (await events()).length;
      await bob.waitForFunction(
        (n) => document.querySelector("#audit-verify")?.textContent?.includes(`${n} events`),
        count,
      );
      expect(await text(bob, "#audit-verify")).toMatch(/^✔ Chain intact: \d+ events, last hash [0-9a-f]{12}$/);
      expect(problems).toEqual([]);
    },
    SLOW_TEST_MS,
  );

  it("repeated wrong passwords get 429 with Retry-After, shown on the form, even for the right password after", async () => {
    const fresh = await listen(createApp(project).fetch); // its own limiter: the other pages keep signing in
    try {
      const page = await newPage();
      await page.goto(fresh.url);
      const attempt = async (id: string, pw: string) => {
        await page.locator("#signin-id").fill(id);
        await page.locator("#signin-password").fill(pw);
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith("/api/login")),
          page.locator("#signin button[type=submit]").click(),
        ]);
        await page.waitForFunction(() => document.querySelector("#signin-error")?.textContent !== "");
        return {
          status: res.status(),
          retryAfter: res.headers()["retry-after"],
          message: await text(page, "#signin-error"),
        };
      };
      for (let i = 0; i < 5; i++) {
        const r = await attempt(HUM, `wrong-password-${i}`);
        expect(r.status).toBe(401);
        expect(r.message).toContain("Unknown user or wrong password.");
      }
      const limited = await attempt(HUM, TEST_PASSWORDS[HUM]!);
      expect(limited.status).toBe(429);
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
      expect(limited.message).toContain("Too many failed sign-ins");
      // The address is limited too: another identity from the same browser is refused.
      expect((await attempt(HUM2, TEST_PASSWORDS[HUM2]!)).status).toBe(429);
      expect(await page.locator("#releases").count()).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
