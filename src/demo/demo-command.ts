/** `brtops demo`: the demo from the installed package, through the very CLI that was started. */
import { realpathSync } from "node:fs";
import type { Ctx } from "../cli/context.js";
import { demoFolder, runDemo } from "./run-demo.js";

export async function cmdDemo(_ctx: Ctx): Promise<number> {
  // process.argv[1] is the `brtops` that runs: a global install's bin link resolves to its dist/cli.js.
  return Promise.resolve(runDemo(realpathSync(process.argv[1]!), demoFolder()));
}
