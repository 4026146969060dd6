// The dashboard's browser code (src/dashboard-web, TypeScript) bundled into the one script the
// server serves as /app.js: an IIFE (no module loader, no globals), UTF-8 kept as written. Used by
// scripts/build.mjs (the script is built into dist) and, when running from source (tests), by
// src/server/dashboard/routes.ts at the first request.
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("../src/dashboard-web/main.ts", import.meta.url));

/** `build` is esbuild's; returns the script's text. */
export async function bundleDashboard(build) {
  const r = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome109", "firefox115", "safari16"],
    charset: "utf8",
    legalComments: "none",
    write: false,
    logLevel: "warning",
  });
  return r.outputFiles[0].text;
}
