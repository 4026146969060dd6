/** Serves the dashboard: the page at /, its script at /app.js and its style at /app.css (public; the data needs a session). */
import type { Hono } from "hono";
import { PHASES } from "../../core/workflow.js";
import type { AppEnv } from "../http.js";
import { CORE_JS } from "./js-core.js";
import { GATE_JS } from "./js-gate.js";
import { MANAGE_JS } from "./js-manage.js";
import { MARKDOWN_JS } from "./js-markdown.js";
import { PAGES_JS } from "./js-pages.js";
import { PASSKEY_JS } from "./js-passkey.js";
import { RELEASE_JS } from "./js-release.js";
import { SECTIONS_JS } from "./js-sections.js";
import { INDEX_HTML } from "./index-html.js";
import { STYLES_CSS } from "./styles-css.js";

/** The whole script; the pages part goes last because it starts the router. */
export function dashboardScript(): string {
  const phases = Object.fromEntries(PHASES.map((p) => [p.phase, p.name]));
  return [
    "(function () {",
    '"use strict";',
    `const PHASES = ${JSON.stringify(phases)};`,
    CORE_JS,
    MARKDOWN_JS,
    RELEASE_JS,
    GATE_JS,
    SECTIONS_JS,
    MANAGE_JS,
    PASSKEY_JS,
    PAGES_JS,
    "})();",
    "",
  ].join("\n");
}

/** Installs GET /, /app.js, /app.css and an empty /favicon.ico. */
export function installDashboard(app: Hono<AppEnv>): void {
  const script = dashboardScript();
  // Revalidated every time: a new brtops version must not meet an old cached script.
  const cache = { "Cache-Control": "no-cache" };
  app.get("/", (c) => c.html(INDEX_HTML, 200, cache));
  app.get("/app.js", (c) => c.body(script, 200, { ...cache, "Content-Type": "text/javascript; charset=utf-8" }));
  app.get("/app.css", (c) => c.body(STYLES_CSS, 200, { ...cache, "Content-Type": "text/css; charset=utf-8" }));
  app.get("/favicon.ico", (c) => c.body(null, 204));
}
