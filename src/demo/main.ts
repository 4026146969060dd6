/**
 * `npm run demo`: a complete release on a generated sample project, with a scripted HUM LEAD
 * (labelled as such), through the real CLI and the embedded file store.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSampleProject } from "./sample-project.js";

const cli = join(dirname(fileURLToPath(import.meta.url)), "cli.js");
const args = process.argv.slice(2);
const target = args[0] === "--generate-only" ? args[1] : undefined;
const root = target ?? join(mkdtempSync(join(tmpdir(), "brtops-demo-")), "sample-service");
generateSampleProject(root);
if (target) process.exit(0);

const AI = "agent@example.com";
const HUM = "alice@example.com";
function brtops(as: string, ...argv: string[]): number {
  const label = as === AI ? "AI LEAD" : "HUM LEAD (scripted)";
  process.stdout.write(
    `\n\x1b[1m$ brtops ${argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}\x1b[0m   # as ${as}, ${label}\n`,
  );
  const r = spawnSync(process.execPath, [cli, ...argv, "--as", as], { cwd: root, stdio: "inherit" });
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
  const status = spawnSync(process.execPath, [cli, "status", "--json"], { cwd: root, encoding: "utf8" });
  const v = JSON.parse(status.stdout) as { state: string; step: string; gate: { kind: string; round: string } | null };
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
process.stdout.write(
  `\nDocuments: ${join(root, "docs/01_application/6-releases/v1.1.0")}\naudit verify: ${verify === 0 ? "chain intact" : "FAILED"}\n`,
);
process.exit(code === 0 && verify === 0 ? 0 : 1);
