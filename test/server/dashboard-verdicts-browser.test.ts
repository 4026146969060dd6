/**
 * Issue 11 point 1 on the dashboard, in Debian's Chromium: each step of the release is drawn with
 * its verdict's mark and word from core's one table — a not-configured check ○, a failing one ✘,
 * and ✔ only for a pass.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERDICT_LABELS, VERDICT_MARKS } from "../../src/core/verdict.js";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { addUser } from "../../src/server/users.js";
import { launchChromium, listen, pageFactory, signIn, SLOW_TEST_MS, TEST_PASSWORDS } from "../support/browser.js";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

describe("dashboard: step verdicts in Chromium", () => {
  let browser: Browser;
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let server: { url: string; close: () => Promise<void> };
  const pages = pageFactory(() => browser);

  beforeAll(async () => {
    browser = await launchChromium();
    p = sampleProject();
    // The integration check fails; performance and security checks are not configured.
    const cfg = join(p.root, "brtops.config.yaml");
    writeFileSync(
      cfg,
      readFileSync(cfg, "utf8").replace(
        "- {name: smoke, run: [./scripts/check.sh]}",
        '- {name: smoke, run: [sh, -c, "echo 1 of 1 failed; exit 1"]}',
      ),
    );
    execFileSync("git", ["commit", "-q", "-am", "test: a failing integration check"], { cwd: p.root });
    expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
    expect(brtops(p.root, HUM, ["sev", "SEV-1", "--reason", "verdicts on the dashboard"]).code).toBe(0);
    expect(brtops(p.root, HUM, ["approve"]).code).toBe(0);
    brtops(p.root, AI, ["run"]);
    project = await openProject(p.root);
    for (const [id, pw] of Object.entries(TEST_PASSWORDS)) await addUser(p.root, id, pw, project.now());
    server = await listen(createApp(project, { pollMs: 100 }).fetch);
  }, 120_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await server?.close();
    await project?.close();
    p?.cleanup();
  });

  it(
    "draws each step with its verdict: ○ NOT CONFIGURED and ✘ FAIL, ✔ PASS only for a pass",
    async () => {
      const s = status(p.root);
      const verdictOf = (id: string) => s.steps.find((x: { step: string }) => x.step === id)?.verdict;
      expect(verdictOf("3.1")).toBe("fail");
      expect(verdictOf("3.3")).toBe("not-configured");
      const page = await pages.newPage();
      await signIn(page, server.url, HUM, TEST_PASSWORDS[HUM]!);
      await page.locator('a[href="#/r/1.1.0"]').click();
      await page.locator('#steps li[data-step="3.3"]').waitFor();
      const drawn = await page.locator("#steps li").evaluateAll((lis) =>
        lis.map((li) => ({
          step: (li as HTMLElement).dataset.step!,
          verdict: (li as HTMLElement).dataset.verdict!,
          mark: li.querySelector(".mark")?.textContent ?? "",
          word: li.querySelector(".word")?.textContent ?? "",
        })),
      );
      // Every step of the status object is drawn, each with its own verdict's mark and word.
      expect(drawn.map((d) => d.step)).toEqual(s.steps.map((x: { step: string }) => x.step));
      for (const d of drawn) {
        const v = verdictOf(d.step) as keyof typeof VERDICT_MARKS;
        expect(d).toEqual({ step: d.step, verdict: v, mark: VERDICT_MARKS[v], word: VERDICT_LABELS[v] });
      }
      const at = (id: string) => drawn.find((d) => d.step === id)!;
      expect(at("3.3")).toMatchObject({ mark: "○", word: "NOT CONFIGURED" });
      expect(at("3.2")).toMatchObject({ mark: "○", word: "NOT CONFIGURED" });
      expect(at("3.1")).toMatchObject({ mark: "✘", word: "FAIL" });
      expect(drawn.filter((d) => d.mark === "✔").every((d) => d.verdict === "pass")).toBe(true);
      expect(drawn.some((d) => d.mark === "✔")).toBe(true);
      expect(pages.problems).toEqual([]);
    },
    SLOW_TEST_MS,
  );
});
