// Bundles brtops' own code into dist/ (dependencies stay external). One bundle with code
// splitting keeps `brtops status` fast: only the chunks a command imports are loaded.
import { build } from "esbuild";
import { chmodSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: {
    cli: "src/cli/main.ts",
    demo: "src/demo/main.ts",
    bench: "bench/main.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
chmodSync("dist/cli.js", 0o755);
