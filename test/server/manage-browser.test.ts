/**
 * Managing a release from the dashboard in Debian's Chromium, against the app on a loopback port
 * and a sample project that deploys a real local service: pause and resume seen live by a second
 * HUM LEAD, GO RELEASE, the AI LEAD's response to feedback, a stakeholder's sign-off at phase 5,
 * and an incident (a failing health check, onFailure: ask) rolled back from the page and then
 * carried out by `brtops run`. Controls show only for the roles that may use them.
 */
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { addUser } from "../../src/server/users.js";
import {
  launchChromium,
  listen,
  pageFactory,
  screenshots,
  signIn,
  SLOW_TEST_MS,
  TEST_PASSWORDS,
  text,
  waitText,
} from "../support/browser.js";
import { AI, HUM, HUM2, brtops, sampleProject, status } from "../support/cli.js";
import { createTestService, deployTestServiceFrom, serviceEnvironment, type TestService } from "../support/service.js";

describe("managing a release from the dashboard", () => {
  let browser: Browser;
  let svc: TestService;
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let server: { url: string; close: () => Promise<void> };
  let alice: Page; // HUM LEAD, decides
  let bob: Page; // second HUM LEAD, watches; the stakeholder who signs off
  let agent: Page; // AI LEAD
  const pages = pageFactory(() => browser);
  const { newPage, problems } = pages;

  const shot = screenshots("manage-");
  const events = async () => (await project.store.read("1.1.0")).events;
  const open = async (id: string, options: BrowserContextOptions = {}) => {
    const page = await newPage(options);
    await signIn(page, server.url, id, TEST_PASSWORDS[id]!);
    await page.locator('a[href="#/r/1.1.0"]').click();
    await page.locator("#live.on").waitFor();
    return page;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    svc = await createTestService();
    p = sampleProject({ extra: `signoffs: {stakeholders: [${HUM2}]}\n` });
    deployTestServiceFrom(p.root, svc, serviceEnvironment(svc));
    const r = brtops(p.root, AI, ["release", "1.1.0", "--to", "staging", "--json"]);
    expect(r.json?.step, r.stdout + r.stderr).toBe("2.10");
    project = await openProject(p.root);
    for (const [id, pw] of Object.entries(TEST_PASSWORDS)) await addUser(p.root, id, pw, project.now());
    server = await listen(createApp(project, { pollMs: 100 }).fetch);
  }, 180_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await server?.close();
    await project?.close();
    await svc?.dispose();
    p?.cleanup();
  });

  it("a HUM LEAD pauses from the page and the second HUM LEAD sees it paused live; the AI LEAD may pause but not resume", async () => {
    alice = await open(HUM);
    bob = await open(HUM2);
    agent = await open(AI);
    await alice.locator("#pause").waitFor();
    expect(await alice.locator("#resume").count()).toBe(0);
    await agent.locator("#pause").waitFor(); // a lead may pause
    expect(await agent.locator("#abort").count()).toBe(0);
    expect(await agent.locator("#go-release").count()).toBe(0);
    expect(await text(alice, "#controls")).toContain("it does not run the release");
    await alice.locator("#pause").click();
    await waitText(bob, "#state", "paused");
    await bob.locator("#paused-info").waitFor();
    await bob.locator("#resume").waitFor();
    await agent.locator("#paused-info").waitFor();
    await shot(bob, "paused");
    expect(await agent.locator("#resume").count()).toBe(0);
    expect(await agent.locator("#pause").count()).toBe(0);
    expect((await events()).at(-1)).toMatchObject({ type: "PauseRequested", actor: { id: HUM } });
  });

  it("resume from the page: both pages are back at the gate", async () => {
    await alice.locator("#resume").click();
    await waitText(bob, "#state", "awaiting-hum-lead");
    await waitText(alice, "#state", "awaiting-hum-lead");
    await bob.locator("#pause").waitFor();
    expect(await bob.locator("#paused-info").count()).toBe(0);
    expect((await events()).at(-1)).toMatchObject({ type: "Resumed", actor: { id: HUM } });
  });

  it("GO RELEASE: the button explains itself in one line; the grant shows live on the other page", async () => {
    expect(await text(bob, "#go-explain")).toMatch(
      /^Gates without findings are approved on this grant for SEV-2 and lower \(this release is SEV-3\)/,
    );
    await bob.locator("#go-release").click();
    await alice.locator("#go-info").waitFor();
    expect(await text(alice, "#go-info")).toContain(`GO RELEASE granted by ${HUM2}`);
    expect(await alice.locator("#go-release").count()).toBe(0);
    expect((await events()).at(-1)).toMatchObject({ type: "AutoProceedGranted", actor: { id: HUM2 } });
  });

  it("the AI LEAD responds to a HUM LEAD's feedback from the page and asks a question; HUM LEADs get no respond form", async () => {
    await alice.locator("#feedback-text").fill("Name the search fix in the notes.");
    await alice.locator("#feedback-send").click();
    const form = agent.locator('#thread li[data-id="F1"] form.respond-form');
    await form.waitFor();
    await bob.locator('#thread li[data-id="F1"]').waitFor();
    expect(await bob.locator("form.respond-form").count()).toBe(0);
    expect(await alice.locator("#ask-form").isHidden()).toBe(true);
    await form.locator("textarea").fill("Added: search coerces queries to strings.");
    await form.locator("button").click();
    await bob.locator('#thread li[data-id="F1"] .reply').waitFor();
    expect(await text(bob, '#thread li[data-id="F1"] .reply .text')).toBe("Added: search coerces queries to strings.");
    expect((await events()).find((e) => e.type === "FeedbackAddressed")).toMatchObject({
      actor: { id: AI },
      data: { id: "F1" },
    });
    await agent.locator("#ask-text").fill("Should the release wait for the docs team?");
    await agent.locator("#ask-send").click();
    await alice.locator('#thread li[data-id="Q1"] form.answer-form').waitFor();
  });

  it(
    "at phase 5 the stakeholder signs off from the page; the others see it without a button of their own",
    async () => {
      expect(brtops(p.root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
      expect(brtops(p.root, AI, ["run"]).code).toBe(3);
      await waitText(alice, "#step", "5.10");
      await bob.locator("#signoff-stakeholders").waitFor();
      for (const page of [alice, agent]) {
        await page.waitForFunction(
          (who) => document.querySelector("#signoffs")?.textContent?.includes(`waiting ${who}`),
          HUM2,
        );
        expect(await page.locator("#signoff-stakeholders").count()).toBe(0);
      }
      await shot(bob, "signoff");
      await bob.locator("#signoff-stakeholders-note").fill("Looks good to me");
      await bob.locator("#signoff-stakeholders").click();
      await alice.waitForFunction(() =>
        document.querySelector("#signoffs")?.textContent?.includes("1 of 1 — complete"),
      );
      await bob.waitForFunction(() => document.querySelector("#signoff-stakeholders") === null);
      const note = (await events()).at(-1)!;
      expect(note).toMatchObject({
        type: "Note",
        actor: { id: HUM2 },
        data: { kind: "signoff", data: { for: "stakeholders", decision: "approve" } },
      });
      expect((note.data as { text: string }).text).toContain("Looks good to me");
    },
    SLOW_TEST_MS,
  );

  it(
    "a failed deployment shows Retry / Roll back / Continue to HUM LEADs only, usable at 390 px",
    async () => {
      // The sign-off changed 5.2's report: the run takes 5.2 again and the gate opens as its second round.
      expect(brtops(p.root, AI, ["run"]).code).toBe(3);
      expect(status(p.root).gate.round).toBe("5.10#2");
      expect(brtops(p.root, HUM, ["approve", "--step", "5.10#2"]).code).toBe(0);
      svc.setFailing("1.1.0");
      expect(brtops(p.root, AI, ["run"]).code).toBe(1);
      const step = status(p.root).incident.step as string;
      for (const page of [alice, bob]) {
        await page.locator("#incident #guide-rollback").waitFor(); // offered once the page knows something is deployed
        expect(await page.locator("#guide-retry").count()).toBe(1);
        expect(await page.locator("#guide-continue").count()).toBe(1);
        expect(await text(page, "#incident h2")).toBe(`Incident at step ${step}`);
      }
      await shot(alice, "incident");
      await agent.locator("#incident-info").waitFor();
      await shot(agent, "incident-ai-lead");
      expect(await agent.locator("#incident button").count()).toBe(0);
      expect(await text(agent, "#incident pre")).toContain(`brtops guide rollback --step ${step}`);
      await alice.locator("#rollback").waitFor(); // deployed: the controls offer a rollback too

      const phone = await open(HUM2, {
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      await phone.locator("#guide-rollback").waitFor();
      await phone.locator("#guide-rollback").click(); // opens the confirmation only
      await phone.locator("#guide-rollback-ask").waitFor();
      await phone.locator("#abort").click();
      await phone.locator("#audit-count").click();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // One column: incident and controls come before the conversation, the deployment and the audit log.
      const tops = await phone.evaluate(() =>
        ["#incident", "#controls", "#conversation", "#deploy", "#audit-card"].map(
          (s) => document.querySelector(s)!.getBoundingClientRect().top,
        ),
      );
      expect(tops).toEqual([...tops].sort((a, b) => a - b));
      await phone.locator("#incident").scrollIntoViewIfNeeded();
      await shot(phone, "phone-incident", false);
      await phone.locator("#controls").scrollIntoViewIfNeeded();
      await shot(phone, "phone-controls", false);
      const box = await phone.locator("#guide-rollback-confirm").boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      await phone.locator("#guide-rollback-cancel").click();
      await phone.locator("#abort-cancel").click();
      expect(await phone.locator("#guide-rollback").isVisible()).toBe(true);
      expect((await events()).some((e) => e.type === "IncidentGuidance")).toBe(false); // cancelled: nothing recorded
    },
    SLOW_TEST_MS,
  );

  it(
    "Roll back asks for confirmation and records the guidance; `brtops run` then rolls back and the pages show it",
    async () => {
      const before = (await events()).length;
      await alice.locator("#guide-note").fill("health is red");
      await alice.locator("#guide-rollback").click();
      expect(await text(alice, "#guide-rollback-ask")).toContain("back to v1.0.0");
      expect((await events()).length).toBe(before); // nothing recorded before the confirmation
      await alice.locator("#guide-rollback-confirm").click();
      await bob.waitForFunction(() => document.querySelector("#state")?.textContent === "rolling-back");
      // The other page may see the new state (SSE) before this page has the POST's answer: wait for it.
      await alice.locator("#toast", { hasText: "brtops run --release 1.1.0" }).waitFor();
      // The guidance, then the record write of the incident's documents that follows it.
      const [guidance, record] = (await events()).slice(-2);
      expect(guidance).toMatchObject({
        type: "IncidentGuidance",
        actor: { id: HUM },
        data: { choice: "rollback", note: "health is red" },
      });
      expect(record).toMatchObject({ type: "DocumentsWritten", data: { reason: "guidance", upTo: guidance!.seq } });
      expect(await bob.locator("#incident").isHidden()).toBe(true); // hidden with the same status update
      expect(await bob.locator("#stopping-info").innerText()).toContain("Rollback recorded");

      brtops(p.root, AI, ["run"]);
      await waitText(bob, "#state", "rolled-back");
      await waitText(alice, "#state", "rolled-back");
      expect(await svc.currentVersion()).toBe("1.0.0");
      await alice.waitForFunction(() => document.querySelectorAll("#controls button, #incident button").length === 0);
      expect(problems).toEqual([]);
    },
    SLOW_TEST_MS,
  );
});
