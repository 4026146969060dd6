/**
 * `brtops status` on a release with 10,000 events: median wall time next to `node -e 0`, both
 * measured in the same run. Target: at most 2× the bare Node start.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSampleProject } from "../src/demo/sample-project.js";
import { FileStore } from "../src/store/store-file.js";
import type { AnyDraft } from "../src/core/events.js";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(argv: string[], cwd: string, runs: number): number {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { cwd, stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}`);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(out);
}

export async function benchStatus(): Promise<Record<string, number>> {
  const base = mkdtempSync(join(tmpdir(), "brtops-bench-status-"));
  try {
    const root = join(base, "p");
    generateSampleProject(root);
    const cli = join(dirname(fileURLToPath(import.meta.url)), "cli.js");
    spawnSync(process.execPath, [cli, "release", "1.1.0", "--to", "staging", "--as", "agent@example.com"], {
      cwd: root,
      stdio: "ignore",
    });
    const store = new FileStore(root);
    let last = (await store.read("1.1.0")).events.length;
    const actor = { id: "alice@example.com", role: "hum-lead" as const };
    while (last < 10_000) {
      const n = Math.min(500, 10_000 - last);
      const drafts: AnyDraft[] = Array.from({ length: n }, (_, i) => ({
        type: "FeedbackGiven",
        at: new Date().toISOString(),
        actor,
        data: { id: `F${last + i}`, phase: 2, step: "2.10", text: `feedback number ${last + i} on the package` },
      }));
      // One event per append, as a real log grows (no batching tricks in the file's shape).
      for (const d of drafts) await store.append("1.1.0", last++, [d]);
    }
    const runs = 21;
    time(["-e", "0"], root, 3);
    time([cli, "status"], root, 3);
    const node = time(["-e", "0"], root, runs);
    const status = time([cli, "status"], root, runs);
    const statusJson = time([cli, "status", "--json"], root, runs);
    const figures = {
      events: last,
      nodeMedianMs: round(node),
      statusMedianMs: round(status),
      statusJsonMedianMs: round(statusJson),
      ratio: round(status / node),
    };
    console.log(
      `status on ${last} events: median ${figures.statusMedianMs} ms (--json ${figures.statusJsonMedianMs} ms) vs node -e 0 ${figures.nodeMedianMs} ms → ${figures.ratio}× (target ≤ 2×)`,
    );
    return figures;
  } finally {
    if (process.env.BRTOPS_BENCH_KEEP) console.log(`kept ${base}`);
    else rmSync(base, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;
