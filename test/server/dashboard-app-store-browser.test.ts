/**
 * Issue 16 on the dashboard, in Debian's Chromium: "RELEASE v1.1.0 to App Store" taken through the
 * built CLI against the local App Store Connect API (test/support/fake-app-store.ts) until App
 * Review approves; then `brtops serve` runs, the HUM LEAD signs in, and the release page's live
 * deployment panel shows App Review's state, when it was seen and the phased release's state.
 */
import { spawn } from "node:child_process";
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { addUser } from "../../src/server/users.js";
import { launchChromium, pageFactory, signIn, TEST_PASSWORDS } from "../support/browser.js";
import { AI, CLI, HUM, brtopsAsync, type CliResult } from "../support/cli.js";
import { appStoreProject } from "../support/app-store-project.js";
import { startServe } from "../support/serve-process.js";

// ~10 CLI processes, a server and a browser: minutes on a loaded machine, never a fixed wait.
const TIMEOUT = 600_000;
const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("dashboard: the App Store review state on the live deployment panel", () => {
  it(
    "after App Review approves v1.1.0, #deploy-app-store shows READY_FOR_DISTRIBUTION, when it was seen and the phased release",
    async () => {
      // The App Store e2e harness: a fake App Store Connect, an app-store environment, the project's upload command.
      const p = await appStoreProject(cleanups);
      const { asc, env } = p;
      const cli = async (as: string, args: string[], code: number): Promise<CliResult> => {
        const r = await brtopsAsync(p.root, as, args, env);
        expect(r.code, `brtops ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`).toBe(code);
        return r;
      };
      const status = async (): Promise<any> =>
        JSON.parse((await cli(AI, ["status", "--json"], 0)).stdout.trim().split("\n").at(-1)!);

      // Requested, through 2.10 and GO / NO-GO: the next run deploys.
      await cli(AI, ["RELEASE v1.1.0 to App Store"], 3);
      await cli(HUM, ["approve", "--step", "2.10"], 0);
      await cli(AI, ["run"], 3);
      expect((await status()).step).toBe("5.10");
      await cli(HUM, ["approve", "--step", "5.10"], 0);

      // 6.1 follows App Review in a background runner; the fake approves once the version waits for review.
      const child = spawn(process.execPath, [CLI, "run", "--as", AI], {
        cwd: p.root,
        env: { ...process.env, BRTOPS_ACTOR: "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (c) => (out += c));
      child.stderr.on("data", (c) => (out += c));
      const exited = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
      });
      let ended = false;
      void exited.then(() => (ended = true));
      // Each look is a fact held by the fake in this process; the 10 ms only yields to its server.
      while (asc.version("1.1.0")?.state !== "WAITING_FOR_REVIEW") {
        if (ended) throw new Error(`the runner ended before the version waited for review:\n${out}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      asc.approve("1.1.0");
      expect(await exited, out).toBe(3);
      const s = await status();
      expect(s.step).toBe("7.10");
      expect(s.appStore).toMatchObject({ state: "READY_FOR_DISTRIBUTION", phasedRelease: "ACTIVE" });

      // The dashboard, served by `brtops serve`, read by the HUM LEAD.
      await addUser(p.root, HUM, TEST_PASSWORDS[HUM]!, new Date().toISOString());
      const server = await startServe(p.root, env);
      cleanups.push(async () => void (await server.stop()));
      const browser: Browser = await launchChromium();
      cleanups.push(() => browser.close());
      const pages = pageFactory(() => browser);
      cleanups.push(() => pages.closeAll());
      const page = await pages.newPage({ viewport: { width: 1366, height: 900 } });
      page.setDefaultTimeout(120_000); // a loaded machine draws slowly; every wait is for a fact
      await signIn(page, server.url, HUM, TEST_PASSWORDS[HUM]!);
      await page.locator('a[href="#/r/1.1.0"]').first().click();
      const line = page.locator("#deploy-app-store");
      await line.waitFor();
      expect(await line.getAttribute("data-state")).toBe("READY_FOR_DISTRIBUTION");
      const text = (await line.textContent()) ?? "";
      expect(text).toContain(s.appStore.text);
      expect(text).toMatch(/seen \d.* ago/);
      expect(text).toContain("phased release ACTIVE");
      expect(await line.locator("time").getAttribute("datetime")).toBe(s.appStore.at);
      expect(pages.problems).toEqual([]);
    },
    TIMEOUT,
  );
});
