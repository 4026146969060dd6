/** Serves the dashboard: the page at /, its script at /app.js and its style at /app.css (public; the data needs a session). */
import type { Hono } from "hono";
import type { AppEnv } from "../http.js";
import { INDEX_HTML } from "./index-html.js";
import { STYLES_CSS } from "./styles-css.js";

/** The bundled browser code (src/dashboard-web), put here by scripts/build.mjs; absent when running from source. */
declare const BRTOPS_DASHBOARD_JS: string | undefined;

let script: Promise<string> | null = null;

/** The script of src/dashboard-web as one file: built into dist, or bundled from source once (tests, development). */
export function dashboardScript(): Promise<string> {
  script ??= typeof BRTOPS_DASHBOARD_JS === "string" ? Promise.resolve(BRTOPS_DASHBOARD_JS) : bundleFromSource();
  return script;
}

async function bundleFromSource(): Promise<string> {
  // Paths kept out of the bundler's sight: dist never carries the build script or esbuild.
  const helper = new URL("../../../scripts/dashboard-bundle.mjs", import.meta.url).href;
  const esbuild = "esbuild";
  const [{ bundleDashboard }, { build }] = (await Promise.all([import(helper), import(esbuild)])) as [
    { bundleDashboard: (b: unknown) => Promise<string> },
    { build: unknown },
  ];
  return bundleDashboard(build);
}

/** Installs GET /, /app.js, /app.css and an empty /favicon.ico. */
export function installDashboard(app: Hono<AppEnv>): void {
  // Revalidated every time: a new brtops version must not meet an old cached script.
  const cache = { "Cache-Control": "no-cache" };
  app.get("/", (c) => c.html(INDEX_HTML, 200, cache));
  app.get("/app.js", async (c) =>
    c.body(await dashboardScript(), 200, { ...cache, "Content-Type": "text/javascript; charset=utf-8" }),
  );
  app.get("/app.css", (c) => c.body(STYLES_CSS, 200, { ...cache, "Content-Type": "text/css; charset=utf-8" }));
  app.get("/favicon.ico", (c) => c.body(null, 204));
}
