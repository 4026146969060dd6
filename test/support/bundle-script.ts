/** Builds a small TypeScript program that imports the real src/ modules into one .mjs file, to run as another process. */
import { resolve } from "node:path";
import { build } from "esbuild";

const REPO = resolve(__dirname, "../..");

/** Example: `await bundleScript('import { FileStore } from "./src/store/store-file.js"; …', join(tmp, "appender.mjs"))`; import paths are relative to the repository root. */
export async function bundleScript(contents: string, outfile: string): Promise<string> {
  await build({
    stdin: { contents, resolveDir: REPO, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "error",
  });
  return outfile;
}
