/**
 * The demo: a complete release on a generated sample project, with a scripted HUM LEAD (labelled
 * as such), through the real CLI (`cli`, run as a child process) and the embedded file store.
 * `npm run demo` and `brtops demo` (from the installed package) both run it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSampleProject } from "./sample-project.js";

const AI = "agent@example.com";
const HUM = "alice@example.com";

/** A fresh folder for the sample project. */
export function demoFolder(): string {
  return join(mkdtempSync(join(tmpdir(), "brtops-demo-")), "sample-service");
}

/**
 * Generates the sample project at `root` and takes release v1.1.0 to CERTIFIED; returns the exit
 * code (0 when certified and the audit chain is intact).
 * @example process.exitCode = runDemo("/usr/lib/node_modules/brtops/dist/cli.js", demoFolder())
 */
export function runDemo(cli: string, root: string): number {
  generateSampleProject(root);
  const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (s: string) => `\x1b[1m${s}\x1b[0m` : (s: string) => s;
  const env = { ...process.env, BRTOPS_ACTOR: "" };
  function brtops(as: string, ...argv: string[]): number {
    const label = as === AI ? "AI LEAD" : "HUM LEAD (scripted)";
    process.stdout.write(
      `\n${bold(`$ brtops ${argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`)}   # as ${as}, ${label}\n`,
    );
    const r = spawnSync(process.execPath, [cli, ...argv, "--as", as], { cwd: root, stdio: "inherit", env });
    return r.status ?? 1;
  }

  process.stdout.write(
    `brtops demo — sample project at ${root}\nThe HUM LEAD below is SCRIPTED: in real use a person reads each report and decides.\n`,
  );
  let code = brtops(AI, "RELEASE v1.1.0 to Staging");
  brtops(AI, "ask", "Should the search fix ship in this release too?");
  brtops(HUM, "answer", "Q1", "Yes, it is covered by the integration smoke test.");
  // Each gate: the scripted HUM LEAD approves what the report shows, then the AI LEAD runs on.
  for (let i = 0; i < 12 && code === 3; i++) {
    const status = spawnSync(process.execPath, [cli, "status", "--json"], { cwd: root, encoding: "utf8", env });
    const v = JSON.parse(status.stdout) as {
      state: string;
      step: string;
      gate: { kind: string; round: string } | null;
    };
    if (!v.gate) break;
    const note =
      v.gate.kind === "go-no-go"
        ? "GO: checklist complete"
        : v.gate.kind === "certification"
          ? "Certified: validation passed"
          : "Report reviewed";
    brtops(HUM, "approve", "--step", v.gate.round, "--note", note);
    code = brtops(AI, "run");
  }
  brtops(AI, "docs");
  const verify = brtops(AI, "audit", "verify");
  const final = spawnSync(process.execPath, [cli, "status", "--json", "--release", "1.1.0"], {
    cwd: root,
    encoding: "utf8",
    env,
  });
  const state = (JSON.parse(final.stdout || "{}") as { state?: string }).state ?? "unknown";
  process.stdout.write(
    `\nDocuments: ${join(root, "docs/01_application/6-releases/v1.1.0")}\naudit verify: ${verify === 0 ? "chain intact" : "FAILED"}\nRelease v1.1.0: ${state.toUpperCase()}\n`,
  );
  return code === 0 && verify === 0 && state === "certified" ? 0 : 1;
}
