/**
 * A sample project with an `app-store` environment against a local App Store Connect API
 * (fake-app-store.ts): the project's own upload command hands the build to the fake, "What's New"
 * comes from store/whats-new/{locale}.txt, and the key reaches brtops through its environment.
 * Shared by the App Store e2e test and the dashboard's App Store test.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { sampleProject } from "./cli.js";
import { makeKey, startFakeAppStore, type FakeAppStore, type FakeKey } from "./fake-app-store.js";

export interface AppStoreProject {
  root: string;
  asc: FakeAppStore;
  key: FakeKey;
  /** ASC_KEY_ID, ASC_ISSUER_ID, ASC_PRIVATE_KEY (and any extra given): the environment brtops runs in. */
  env: Record<string, string>;
}

export const GERMAN_WHATS_NEW = "Neu: das Widget.\n";

const git = async (cwd: string, ...args: string[]): Promise<string> =>
  (await promisify(execFile)("git", args, { cwd, encoding: "utf8" })).stdout.trim();

/** Starts the fake and writes the project; what must be stopped or removed goes to `cleanups`. */
export async function appStoreProject(
  cleanups: (() => void | Promise<void>)[],
  o: { whatsNew?: Record<string, string>; locales?: string[]; env?: Record<string, string> } = {},
): Promise<AppStoreProject> {
  const key = makeKey();
  const asc = await startFakeAppStore({ key, bundleId: "com.acme.widget", readsUntilValid: 1 });
  cleanups.push(() => asc.close());
  const locales = o.locales ?? ["en-US", "de-DE"];
  const p = sampleProject({
    envExtra: [
      "  app-store:",
      "    appStore:",
      "      bundleId: com.acme.widget",
      '      upload: [./scripts/upload.mjs, "{version}"]',
      `      locales: [${locales.join(", ")}]`,
      "      whatsNew: store/whats-new/{locale}.txt",
      "      phasedRelease: true",
      `      apiBase: "${asc.url}"`,
      "      pollSeconds: 0.1",
      "",
    ].join("\n"),
  });
  cleanups.push(p.cleanup);
  // The project's own upload command: hands the build of the version to App Store Connect.
  writeFileSync(
    join(p.root, "scripts/upload.mjs"),
    `#!/usr/bin/env node\nconst r = await fetch(${JSON.stringify(`${asc.url}/fake/upload`)}, {method: "POST", body: JSON.stringify({version: process.argv[2]})});\nconsole.log("uploaded", process.argv[2], r.status);\n`,
  );
  chmodSync(join(p.root, "scripts/upload.mjs"), 0o755);
  mkdirSync(join(p.root, "store/whats-new"), { recursive: true });
  for (const [locale, text] of Object.entries(o.whatsNew ?? { "de-DE": GERMAN_WHATS_NEW }))
    writeFileSync(join(p.root, `store/whats-new/${locale}.txt`), text);
  await git(p.root, "add", "-A");
  await git(p.root, "commit", "-q", "-m", "build: upload to the App Store");
  const env = { ASC_KEY_ID: key.keyId, ASC_ISSUER_ID: key.issuerId, ASC_PRIVATE_KEY: key.p8, ...o.env };
  return { root: p.root, asc, key, env };
}
