// Bundles brtops' own code into dist/ (dependencies stay external, except those below). One bundle
// with code splitting keeps `brtops status` fast: only the chunks a command imports are loaded.
import { build } from "esbuild";
import { chmodSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

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
await build({
  entryPoints: {
    cli: "src/cli/main.ts",
    demo: "src/demo/main.ts",
    bench: "bench/main.ts",
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  plugins: [externalExceptYaml],
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
chmodSync(`${out}/cli.js`, 0o755);
