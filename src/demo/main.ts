/**
 * `npm run demo` (node dist/demo.js): the demo of run-demo.ts, through the dist/cli.js beside it.
 * `--generate-only DIR` writes the sample project and stops.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSampleProject } from "./sample-project.js";
import { demoFolder, runDemo } from "./run-demo.js";

const args = process.argv.slice(2);
if (args[0] === "--generate-only" && args[1]) {
  generateSampleProject(args[1]);
} else {
  process.exitCode = runDemo(join(dirname(fileURLToPath(import.meta.url)), "cli.js"), demoFolder());
}
