/**
 * Passkey-signed decisions in Chromium (issue 12, point 4), with Chromium's virtual authenticator
 * (CDP WebAuthn domain: ctap2, internal, resident key, user verification): a HUM LEAD registers a
 * passkey in the dashboard (brtops.keys.json, then committed), the project requires signatures, an
 * unsigned approval is refused (403 E_SIGNATURE_REQUIRED), and the approval made in the page is
 * signed by the passkey over the canonical decision, recorded, and verified by `audit verify`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { addUser } from "../../src/server/users.js";
import { launchChromium, listen, pageFactory, SLOW_TEST_MS, TEST_PASSWORDS } from "../support/browser.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

describe("passkey-signed decisions in Chromium", () => {
  let browser: Browser;
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let server: { url: string; close: () => Promise<void> };
  let url: string;
  let alice: Page;
  const pages = pageFactory(() => browser);

  const events = async () => (await project.store.read("1.1.0")).events;

  beforeAll(async () => {
    browser = await launchChromium();
    p = sampleProject({ extra: "authority:\n  requireSignatures: true\n" });
    project = await openProject(p.root);
    await addUser(p.root, HUM, TEST_PASSWORDS[HUM]!, project.now());
    server = await listen(createApp(project, { pollMs: 100 }).fetch);
    // WebAuthn needs a domain for its relying party: localhost (a secure context over http), not an IP address.
    url = server.url.replace("127.0.0.1", "localhost");
  }, 120_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await server?.close();
    await project?.close();
    p?.cleanup();
  });

  it(
    "a HUM LEAD registers a passkey with the virtual authenticator: its public key lands in brtops.keys.json",
    async () => {
      alice = await pages.newPage();
      const cdp = await alice.context().newCDPSession(alice);
      await cdp.send("WebAuthn.enable");
      await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: {
          protocol: "ctap2",
          transport: "internal",
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
        },
      });
      // No release yet (the list is empty and hidden): signed in once the header names her.
      await alice.goto(url);
      await alice.locator("#signin-id").fill(HUM);
      await alice.locator("#signin-password").fill(TEST_PASSWORDS[HUM]!);
      await alice.locator("#signin button[type=submit]").click();
      await alice.waitForFunction((id) => document.getElementById("who")?.textContent?.startsWith(id), HUM);
      await alice.locator("#passkey").click();
      await alice.waitForFunction(() => document.getElementById("toast")?.textContent?.includes("Passkey added"));
      const keys = JSON.parse(readFileSync(join(p.root, "brtops.keys.json"), "utf8"));
      expect(keys.passkeys).toEqual([expect.objectContaining({ id: HUM, rpID: "localhost", origin: url })]);
      expect(keys.passkeys[0].publicKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      // The reviewed change: the keys file is committed before the release (and so is in the scope it is approved on).
      execFileSync("git", ["add", "brtops.keys.json"], { cwd: p.root });
      execFileSync("git", ["commit", "-q", "-m", "Add alice's passkey"], { cwd: p.root });
      expect(pages.problems).toEqual([]);
    },
    SLOW_TEST_MS,
  );

  it(
    "an approval without the passkey's signature is refused with 403 E_SIGNATURE_REQUIRED, and nothing is recorded",
    async () => {
      expect(brtops(p.root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
      const before = (await events()).length;
      const r = await alice.evaluate(async () => {
        const me = await (await fetch("/api/me")).json();
        const res = await fetch("/api/releases/1.1.0/approve", {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
          body: JSON.stringify({ step: "2.10" }),
        });
        return { status: res.status, body: await res.json(), passkeys: me.passkeys };
      });
      expect(r.passkeys).toBe(1);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("E_SIGNATURE_REQUIRED");
      expect((await events()).length).toBe(before);
    },
    SLOW_TEST_MS,
  );

  it(
    "the approval made in the page is signed by the passkey over the canonical decision, recorded, and verified by audit verify",
    async () => {
      await alice.goto(`${url}/#/r/1.1.0`);
      await alice.locator("#approve").waitFor();
      await alice.locator("#decide-note").fill("signed with my passkey");
      await alice.locator("#approve").click();
      await alice.waitForFunction(() => /recorded/.test(document.getElementById("toast")?.textContent ?? ""));
      const approved = (await events()).filter((e) => e.type === "GateApproved").at(-1)!;
      expect(approved.actor.id).toBe(HUM);
      const data = approved.data as {
        note?: string;
        signature?: { kind: string; keyId: string; clientDataJSON?: string };
      };
      expect(data.note).toBe("signed with my passkey");
      const keys = JSON.parse(readFileSync(join(p.root, "brtops.keys.json"), "utf8"));
      expect(data.signature).toEqual(
        expect.objectContaining({ kind: "webauthn", keyId: keys.passkeys[0].credentialId }),
      );
      expect(JSON.parse(Buffer.from(data.signature!.clientDataJSON!, "base64url").toString()).type).toBe(
        "webauthn.get",
      );

      const v = brtops(p.root, AI, ["audit", "verify", "--json"]);
      expect(v.code).toBe(0);
      const rel = v.json.releases.find((x: { release: string }) => x.release === "1.1.0");
      expect(rel.signed).toEqual([expect.objectContaining({ seq: approved.seq, actor: HUM, kind: "webauthn" })]);
      expect(rel.unsigned).toEqual([]);
      expect(pages.problems).toEqual([]);
    },
    SLOW_TEST_MS,
  );
});
