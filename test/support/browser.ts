/** Debian's Chromium driven by playwright-core, and the app served on a real loopback port. */
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { AI, HUM, HUM2 } from "./cli.js";

/** Where CI installs Chromium (apt-get install chromium); never downloaded by the tests. */
export const CHROMIUM = process.env.BRTOPS_CHROMIUM ?? "/usr/bin/chromium";

/** Launches headless Chromium, or fails with what to install: a missing browser must not skip the tests silently. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The dashboard browser tests need Chromium at ${CHROMIUM}, and it is not there. Install Debian's package (apt-get install -y chromium) or point BRTOPS_CHROMIUM at a Chromium binary; the tests never download a browser.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** Serves a fetch handler on 127.0.0.1 with an OS-chosen port; `close` also ends open event streams. */
export async function listen(
  fetch: (req: Request) => Response | Promise<Response>,
): Promise<{ url: string; close: () => Promise<void> }> {
  let server: Server | undefined;
  const port = await new Promise<number>((res) => {
    server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => res(info.port)) as Server;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((res) => {
        server!.close(() => res());
        server!.closeAllConnections();
      }),
  };
}

/** Signs in through the dashboard's form and waits for the releases list. */
export async function signIn(page: Page, url: string, id: string, password: string): Promise<void> {
  await page.goto(url);
  await page.locator("#signin-id").fill(id);
  await page.locator("#signin-password").fill(password);
  await page.locator("#signin button[type=submit]").click();
  await page.locator("#releases").waitFor();
}

/** Counts full navigations (new documents) of a page: a live update must cause none. */
export function countNavigations(page: Page): () => number {
  let n = 0;
  page.on("load", () => (n += 1));
  return () => n;
}

/**
 * Pages in fresh browser contexts (separate cookie jars: separate people), each watched for page
 * errors and console errors, which land in `problems` for the test to assert empty. Refused
 * requests (403, 429) are logged by the browser as failed loads and are not problems.
 */
export function pageFactory(browser: () => Browser): {
  newPage(options?: BrowserContextOptions): Promise<Page>;
  problems: string[];
  closeAll(): Promise<void>;
} {
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  return {
    problems,
    async newPage(options = {}) {
      const ctx = await browser().newContext(options);
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error" && !m.text().startsWith("Failed to load resource"))
          problems.push(`console: ${m.text()}`);
      });
      return page;
    },
    async closeAll() {
      for (const c of contexts.splice(0)) await c.close().catch(() => {});
    },
  };
}

/** The browser suites' sign-in passwords, by identity (HUM, HUM2, AI of test/support/cli.ts). */
export const TEST_PASSWORDS: Record<string, string> = {
  [HUM]: "alice-password-1",
  [HUM2]: "bob-password-22",
  [AI]: "agent-password-3",
};
/** Tests that run CLI processes (and deploys) while the pages watch: room for a loaded 2-core machine. */
export const SLOW_TEST_MS = 180_000;

/** A page's visible text at `selector`. */
export const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText();
/** Waits until `selector`'s text is exactly `want`. */
export const waitText = (page: Page, selector: string, want: string) =>
  page.waitForFunction(([sel, w]) => document.querySelector(sel)?.textContent === w, [selector, want] as const);
/** Waits until `selector` has a text other than `not`. */
export const waitTextNot = (page: Page, selector: string, not: string) =>
  page.waitForFunction(
    ([sel, w]) => {
      const t = document.querySelector(sel)?.textContent;
      return !!t && t !== w;
    },
    [selector, not] as const,
  );

/** Saves a screenshot as `<prefix><name>.png` when BRTOPS_SCREENSHOTS names a folder (for a person to look at); does nothing otherwise. */
export function screenshots(prefix = ""): (page: Page, name: string, fullPage?: boolean) => Promise<void> {
  const dir = process.env.BRTOPS_SCREENSHOTS;
  return async (page, name, fullPage = true) => {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${prefix}${name}.png`), fullPage });
  };
}
