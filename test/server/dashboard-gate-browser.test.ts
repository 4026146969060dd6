/**
 * Issue 15 on the dashboard, in Debian's Chromium: the gate page made for deciding (the changes
 * since the previous release with links to the forge, the artifacts with their digests, the
 * documents linked and rendered, who must approve and since when, GO's confirmation naming the
 * open question), the releases list marking what waits for a HUM LEAD, the decision first at
 * 390 px, the deployment followed live while the server's runner carries out the GO (a step seen
 * running before the test lets it finish; no other process runs the release), and a promotion
 * requested from the environments board, shown on it once deployed. Screenshots at 1366 and 390 px
 * land in test-output/screenshots/ (or BRTOPS_SCREENSHOTS).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PackageRef } from "../../src/core/events.js";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { startServerRunner, type RunnerError, type ServerRunner } from "../../src/server/runner.js";
import { addUser } from "../../src/server/users.js";
import { launchChromium, listen, pageFactory, signIn, SLOW_TEST_MS, TEST_PASSWORDS, text } from "../support/browser.js";
import { AI, HUM, HUM2, brtops, status } from "../support/cli.js";
import { dashboardProject, GO_ON_FILE } from "../support/dashboard-project.js";

const SHOTS = process.env.BRTOPS_SCREENSHOTS ?? resolve(__dirname, "../../test-output/screenshots");
const DESKTOP = { viewport: { width: 1366, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const FORGE = "https://github.com/acme/shop";
const QUESTION = "Is the search fix safe for the old clients?";
/** The tests where the server's runner deploys: several waits for it, each generous on a loaded machine. */
const RUNNER_TEST_MS = 420_000;

describe("dashboard: deciding at the gate, the live deployment and the environments board", () => {
  let browser: Browser;
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let server: { url: string; close: () => Promise<void> };
  let runner: ServerRunner;
  const runnerErrors: RunnerError[] = [];
  let origin: string;
  let alice: Page; // HUM LEAD at 1366 px
  const pages = pageFactory(() => browser);

  const git = (...args: string[]) => execFileSync("git", args, { cwd: p.root, encoding: "utf8" }).trim();
  const events = async (release = "1.1.0") => (await project.store.read(release)).events;
  const shot = async (page: Page, name: string, fullPage = true) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  };
  const openRelease = async (page: Page, release = "1.1.0") => {
    await page
      .locator(`a[href="#/r/${encodeURIComponent(release)}"]`)
      .first()
      .click();
    await page.locator("#live.on").waitFor();
  };

  beforeAll(async () => {
    browser = await launchChromium();
    p = dashboardProject();
    // The build and the deploy scripts make it SEV-1 (infrastructure changed): all seven phases, no GO RELEASE.
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(status(p.root)).toMatchObject({ step: "2.10", sev: "SEV-1" });
    project = await openProject(p.root);
    for (const [id, pw] of Object.entries(TEST_PASSWORDS)) await addUser(p.root, id, pw, project.now());
    // The server's runner carries out what is decided; no `brtops run` runs after this.
    runner = startServerRunner(project, { pollMs: 200, onError: (e) => runnerErrors.push(e) });
    server = await listen(createApp(project, { pollMs: 100, runner }).fetch);
  }, 240_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await server?.close();
    if (p) writeFileSync(join(p.root, GO_ON_FILE), "go\n"); // a deploy left waiting by a failed test finishes, so the runner can stop
    await runner?.close();
    await project?.close();
    p?.cleanup();
  });

  it(
    "at SEV-1 the page offers no GO RELEASE (it would change nothing), though the other controls are there",
    async () => {
      alice = await pages.newPage(DESKTOP);
      alice.setDefaultTimeout(90_000); // a loaded machine draws slowly; every wait is for a fact
      await signIn(alice, server.url, HUM, TEST_PASSWORDS[HUM]!);
      await openRelease(alice);
      await alice.locator("#pause").waitFor();
      await alice.locator("#abort").waitFor();
      expect(await alice.locator("#go-release").count()).toBe(0);
      await alice.locator("a.brand").click();
      await alice.locator("#releases").waitFor();
    },
    SLOW_TEST_MS,
  );

  it(
    "the releases list puts the GO / NO-GO gate under what needs the HUM LEAD, with how long it has waited",
    async () => {
      // To the GO / NO-GO gate at SEV-3 (the HUM LEAD lowers it), with a question from the AI LEAD open.
      expect(brtops(p.root, HUM, ["sev", "SEV-3", "--reason", "a small release"]).code).toBe(0);
      expect(brtops(p.root, HUM, ["approve", "--step", status(p.root).gate.round]).code).toBe(0);
      // The server's runner hears of the approval from the store and takes the release to GO / NO-GO.
      await expect
        .poll(() => status(p.root).gate?.step, {
          timeout: 150_000,
          interval: 500,
          message: `the runner's status: ${JSON.stringify(runner.status())}`,
        })
        .toBe("5.10");
      expect(brtops(p.root, AI, ["ask", QUESTION]).code).toBe(0);
      // The origin as a GitHub repository, so the page links commits to the forge; set back before anything pushes.
      origin = git("remote", "get-url", "origin");
      git("remote", "set-url", "origin", `${FORGE}.git`);

      await alice.reload();
      const card = alice.locator('#needs li[data-release="1.1.0"]');
      await card.waitFor();
      expect(await text(alice, "#needs h2")).toBe("Needs you (1)");
      expect(await card.getAttribute("data-attention")).toBe("gate");
      const line = await card.innerText();
      expect(line).toContain("gate: GO / NO-GO");
      expect(line).toMatch(/Waiting for a HUM LEAD for \d/);
      await shot(alice, "list-1366");
    },
    RUNNER_TEST_MS,
  );

  it(
    "the gate page shows the commits linked to the forge, the artifacts with their digests, and the documents, rendered",
    async () => {
      await openRelease(alice);
      await alice.locator("#changes li[data-commit]").first().waitFor();
      expect(await text(alice, "#changes h3")).toBe("Changes since v1.0.0");
      // Each change of the changelog model step 2.2 recorded, grouped as in the changelog, linked to its commit.
      const commits = await alice.locator("#changes li[data-commit]").evaluateAll((lis) =>
        lis.map((li) => ({
          text: li.textContent ?? "",
          href: li.querySelector("a.commit")?.getAttribute("href") ?? null,
          commit: (li as HTMLElement).dataset.commit!,
        })),
      );
      expect(commits.length).toBe(4); // the sample's three and the test project's own
      expect(commits.map((c) => c.text).join("\n")).toContain("search: coerce queries to strings");
      for (const c of commits) expect(c.href).toMatch(new RegExp(`^${FORGE}/commit/${c.commit}$`));
      expect(await alice.locator('#changes [data-group="added"] h4').textContent()).toBe("Added");
      expect(await alice.locator('#changes [data-group="fixed"] h4').textContent()).toBe("Fixed");

      // The artifact with the digest fixed into the approved package.
      const fixed = (await events()).find((e) => e.type === "PackageFixed")!.data;
      const artifact = fixed.artifacts.find((a) => a.name.endsWith("app.txt"))!;
      expect(artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(await text(alice, `#artifacts li[data-artifact="${artifact.name}"] .digest`)).toBe(
        `sha256:${artifact.sha256}`,
      );

      // Findings come first in the report, before the steps, the changes and the artifacts.
      const order = await alice.evaluate(() =>
        ["#findings-sec", "#gate-steps-sec", "#changes", "#artifacts", "#documents"].map(
          (s) => document.querySelector(s)!.getBoundingClientRect().top,
        ),
      );
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(await text(alice, "#approvals")).toContain("Approvals 0 of 1");
      expect(await text(alice, "#waiting")).toMatch(/^Waiting for a HUM LEAD for \d/);
      await shot(alice, "gate-1366");

      // The documents phase 2's approval wrote, each linked to its page, rendered from markdown as DOM nodes.
      const docs = await alice.locator("#documents a[data-doc]").evaluateAll((as) => as.map((a) => a.textContent));
      expect(docs).toEqual(expect.arrayContaining(["changelog.md", "release-notes.md"]));
      await alice.locator('#documents a[data-doc="changelog.md"]').click();
      await alice.locator("#document .md").waitFor();
      expect(await text(alice, "#document h1")).toBe("changelog.md");
      expect(await alice.locator("#document .md h3, #document .md h4").count()).toBeGreaterThan(0);
      expect(await text(alice, "#document .md")).toContain("coerce queries to strings");
      await shot(alice, "document-1366");
      await alice.goBack();
      await alice.locator("#approve").waitFor();
    },
    SLOW_TEST_MS,
  );

  it(
    "GO asks for confirmation and names the AI LEAD's unanswered question; cancelled, nothing is recorded",
    async () => {
      expect(await text(alice, "#approve")).toBe("GO");
      expect(await text(alice, "#open-items")).toContain(QUESTION);
      const before = (await events()).length;
      await alice.locator("#decide-note").fill("ready");
      await alice.locator("#approve").click();
      await alice.locator("#approve-ask").waitFor();
      const ask = await text(alice, "#approve-ask");
      expect(ask).toContain("GO: v1.1.0 goes on to deployment to local.");
      expect(ask).toContain("Still open:");
      expect(await text(alice, '#approve-open li[data-open="Q1"]')).toContain(QUESTION);
      await shot(alice, "go-confirm-1366", false);
      await alice.locator("#approve-cancel").click();
      await alice.locator("#approve").waitFor();
      expect((await events()).length).toBe(before);
    },
    SLOW_TEST_MS,
  );

  it(
    "at 390 px the decision comes first, and nothing scrolls sideways",
    async () => {
      const phone = await pages.newPage(PHONE);
      phone.setDefaultTimeout(90_000);
      await signIn(phone, server.url, HUM2, TEST_PASSWORDS[HUM2]!);
      await shot(phone, "list-390", false);
      await openRelease(phone);
      await phone.locator("#approve").waitFor();
      const tops = await phone.evaluate(() =>
        ["#decision", "#overview", "#gate", "#conversation"].map(
          (s) => document.querySelector(s)!.getBoundingClientRect().top,
        ),
      );
      expect(tops).toEqual([...tops].sort((a, b) => a - b));
      // The GO button is on the first screen.
      const go = await phone.locator("#approve").boundingBox();
      expect(go!.y + go!.height).toBeLessThanOrEqual(844);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(phone, "gate-390", false);
      await shot(phone, "gate-390-full");
    },
    SLOW_TEST_MS,
  );

  it(
    "after GO, with no other process running, the server's runner deploys and the page shows it live: the step running with its time, then done with its output, then health",
    async () => {
      git("remote", "set-url", "origin", origin); // the runner pushes the tag at 6.10
      await alice.locator('#open-items li[data-open="Q1"]').waitFor();
      const form = alice.locator('#thread li[data-id="Q1"] form.answer-form');
      await form.locator("textarea").fill("Yes: old clients send strings already.");
      await form.locator("button").click();
      await alice.locator("#open-items.none").waitFor(); // answered: nothing open any more
      await alice.locator("#approve").click();
      expect(await text(alice, "#approve-ask")).toContain("Nothing is open at this gate.");
      await alice.locator("#approve-confirm").click();
      await alice.locator("#decision").waitFor({ state: "hidden" });
      expect((await events()).filter((e) => e.type === "GateApproved").at(-1)).toMatchObject({
        actor: { id: HUM },
        data: { step: "5.10" },
      });

      const ship = alice.locator('#deployment li[data-step="6.1:ship"]');
      // A fact, not a time: the step is shown running (its StepStarted is in the log) before the test lets it finish.
      await alice.locator('#deployment li[data-step="6.1:ship"][data-status="started"]').waitFor({ timeout: 120_000 });
      expect(await ship.locator(".elapsed").innerText()).toMatch(/^running for \d/);
      expect(await text(alice, "#deploy-summary")).toContain("Deploying to local");
      // What the command printed so far, streamed from the runner while it still runs (not yet in the log).
      await alice.locator('#live-feed [data-step="6.1:ship"] pre').waitFor();
      expect(await text(alice, '#live-feed [data-step="6.1:ship"] pre')).toBe("preparing 1.1.0");
      expect(await alice.locator('#deployment li[data-step="6.1:ship"]').getAttribute("data-status")).toBe("started");
      await shot(alice, "deploy-running-1366");
      writeFileSync(join(p.root, GO_ON_FILE), "go\n");
      await alice
        .locator('#deployment li[data-step="6.1:ship"][data-status="succeeded"]')
        .waitFor({ timeout: 120_000 });
      expect(await ship.locator("pre.output").innerText()).toContain("deployed 1.1.0");
      await alice.waitForFunction(
        () => document.querySelector('#deployment li[data-step="6.2"]')?.getAttribute("data-status") === "succeeded",
        null,
        { timeout: 120_000 },
      );
      expect(await text(alice, '#deployment li[data-step="6.2"]')).toContain("Health: up: healthy");
      // Each health probe as it answered, streamed live.
      await alice.locator('#probes li[data-check="up"]').waitFor(); // its own stream: may land after the status
      expect(await text(alice, '#probes li[data-check="up"]')).toMatch(/^✔ up: exit 0 in \d+ ms · 6\.2 · /);
      await alice.locator("#approve").waitFor({ timeout: 150_000 }); // the runner went on to the certification gate
      expect(await text(alice, "#approve")).toBe("Certify");
      await shot(alice, "deploy-done-1366");
    },
    RUNNER_TEST_MS,
  );

  it(
    "a promotion requested from the environments board; once deployed, the board shows v1.1.0 on local and production",
    async () => {
      await alice.locator("#approve").click();
      await alice.locator("#approve-confirm").click();
      await alice.waitForFunction(() => document.querySelector("#state")?.textContent === "certified", null, {
        timeout: 150_000,
      });
      // The server lists the promotion as possible; a HUM LEAD requests it from the board (POST /api/releases).
      await alice.locator("#nav-environments").click();
      const promote = alice.locator("#promote-1_1_0-production");
      await promote.waitFor();
      expect(await promote.innerText()).toBe("Promote v1.1.0 from local → production");
      await shot(alice, "environments-promote-1366");
      await promote.click();
      await alice.locator("#promote-1_1_0-production-confirm").click();
      await alice.locator("#title").waitFor(); // the new run's page
      expect(await text(alice, "#title")).toBe("v1.1.0");
      const requested = (await events("1.1.0@production"))[0]!;
      expect(requested).toMatchObject({
        type: "ReleaseRequested",
        actor: { id: HUM },
        data: { environment: "production" },
      });
      expect((requested.data as { promotion?: { from: string } }).promotion?.from).toBe("1.1.0");
      // Its gates approved from the terminal by the other HUM LEAD; the server's runner does the rest.
      for (let i = 0; i < 8; i++) {
        let now: any;
        // The runner has stopped: a gate waits, or the run is certified.
        await expect
          .poll(
            () => {
              now = status(p.root);
              return !!now.gate || now.state === "certified";
            },
            { timeout: 150_000, interval: 500 },
          )
          .toBe(true);
        if (now.state === "certified") break;
        // The second HUM LEAD: the one who requested a release never approves it alone.
        const critical = now.gate.findings.some((f: { severity: string }) => f.severity === "critical");
        const waive = critical ? ["--waive", "not configured in this sample project"] : [];
        const a = brtops(p.root, HUM2, [
          "approve",
          "--step",
          now.gate.round,
          "--release",
          "1.1.0@production",
          ...waive,
        ]);
        expect(a.code, a.stdout + a.stderr).toBe(0);
      }
      expect(status(p.root).state).toBe("certified");
      expect(runnerErrors).toEqual([]);

      await alice.locator("#nav-environments").click();
      await alice.locator("#board").waitFor();
      const cell = (env: string) => alice.locator(`#board tr[data-version="1.1.0"] td[data-env="${env}"]`);
      expect(await cell("local").getAttribute("data-current")).toBe("yes");
      expect(await cell("production").getAttribute("data-current")).toBe("yes");
      const prod = alice.locator('section.env[data-env="production"]');
      expect(await prod.locator(".env-version").innerText()).toMatch(/^v1\.1\.0 for \d/);
      expect(await prod.innerText()).toContain(`by ${HUM}`);
      expect(await prod.locator('li[data-kind="promoted"]').innerText()).toContain("v1.1.0 promoted from 1.1.0");
      expect(await alice.locator('section.env[data-env="local"] li[data-kind="deployed"]').innerText()).toContain(
        "v1.1.0 deployed",
      );
      await shot(alice, "environments-1366");
      const phone = await pages.newPage(PHONE);
      await signIn(phone, server.url, HUM2, TEST_PASSWORDS[HUM2]!);
      await phone.locator("#nav-environments").click();
      await phone.locator("#board").waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(phone, "environments-390");
      expect(pages.problems).toEqual([]);
    },
    RUNNER_TEST_MS,
  );
});
