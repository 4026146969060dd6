// Bundles brtops' own code into dist/ (dependencies stay external, except those below). One bundle
// with code splitting keeps `brtops status` fast: only the chunks a command imports are loaded.
import { build } from "esbuild";
import { bundleDashboard } from "./dashboard-bundle.mjs";
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// yaml is bundled in, because every command reads the config: its CommonJS build for Node is ~70
// files whose resolution and compilation took a third of `brtops status`. Its ES module build
// (the same code, published for browsers, with no Node-only calls) becomes part of one chunk.
const YAML_ESM = fileURLToPath(new URL("../node_modules/yaml/browser/index.js", import.meta.url));
// zod (its ES modules: ~95 files, every locale, for the config schema), semver (~45 CommonJS
// files) and the GitHub client (~25 files) are loaded by every command that opens a project or
// runs a release: bundled in, their code is read from a few chunks instead of resolved file by file.
const BUNDLED =
  /^(zod|semver|@octokit\/[^/]+|before-after-hook|universal-user-agent|bottleneck|json-with-bigint|content-type|fast-content-type-parse)(\/|$)/;
// zod re-exports its ~65 locales (half of its bundled code, ~370 KB parsed before every command
// reads its config); brtops uses only the English messages zod configures itself with, so its
// `locales` namespace holds English alone.
const ZOD_LOCALES = fileURLToPath(new URL("../node_modules/zod/v4/locales/index.js", import.meta.url));
const ZOD_EN = fileURLToPath(new URL("../node_modules/zod/v4/locales/en.js", import.meta.url));
const externalExceptYaml = {
  name: "external-except-yaml",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path === "yaml"
        ? { path: YAML_ESM }
        : BUNDLED.test(args.path)
          ? undefined
          : { path: args.path, external: true },
    );
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) =>
      args.path === ZOD_LOCALES
        ? { contents: `export { default as en } from ${JSON.stringify(ZOD_EN)};\n`, loader: "js" }
        : undefined,
    );
  },
};

// BRTOPS_DIST builds elsewhere (e.g. .dist-a), so parallel work never rebuilds a dist/ a test is running.
const out = process.env.BRTOPS_DIST || "dist";
rmSync(out, { recursive: true, force: true });
// The dashboard's browser code (src/dashboard-web), bundled first and carried into the server's
// chunk as a string (src/server/dashboard/routes.ts reads BRTOPS_DASHBOARD_JS).
const dashboardJs = await bundleDashboard(build);
const common = {
  define: { BRTOPS_DASHBOARD_JS: JSON.stringify(dashboardJs) },
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  plugins: [externalExceptYaml],
  logLevel: "warning",
};
// What the package ships: the CLI and the demo. Source maps are for working on brtops here;
// package.json's `files` leaves them (and the benchmarks) out of the package.
await build({
  ...common,
  entryPoints: { cli: "src/cli/entry.ts", demo: "src/demo/main.ts" },
  outdir: out,
  splitting: true,
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
});
chmodSync(`${out}/cli.js`, 0o755);
// The benchmarks (`npm run bench`): one file of their own, so no chunk of the package is theirs.
await build({ ...common, entryPoints: ["bench/main.ts"], outfile: `${out}/bench.js`, sourcemap: "linked" });

// The config's JSON Schema, generated from the zod schema, beside the build's folder (dist →
// schema/brtops.config.schema.json, which the package ships). Bundled with its own zod and run.
const schemaDir = join(dirname(resolve(out)), "schema");
const tmp = mkdtempSync(join(tmpdir(), "brtops-schema-"));
try {
  const gen = join(tmp, "json-schema.mjs");
  await build({ ...common, plugins: [], entryPoints: ["src/config/json-schema.ts"], outfile: gen });
  const { configJsonSchema } = await import(pathToFileURL(gen).href);
  mkdirSync(schemaDir, { recursive: true });
  // Written whole, then renamed into place: a reader never sees half a schema.
  const file = join(schemaDir, "brtops.config.schema.json");
  writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  renameSync(`${file}.${process.pid}.tmp`, file);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
