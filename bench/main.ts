/** `npm run bench`: every benchmark, figures printed (never asserted). Pick some with arguments: status intel release deploy server postgres. */
import { benchStatus } from "./status-bench.js";

const only = new Set(process.argv.slice(2));
const want = (name: string): boolean => only.size === 0 || only.has(name);
const all: Record<string, Record<string, number>> = {};

if (want("status")) all.status = await benchStatus();
if (want("intel")) all.intel = await (await import("./intel-bench.js")).benchIntel();
if (want("intel") || want("release")) all.release = await (await import("./intel-bench.js")).benchReleaseProcess();
if (want("deploy")) all.deploy = await (await import("./deploy-bench.js")).benchDeploy();
if (want("server")) all.server = await (await import("./server-bench.js")).benchServer();
if (want("postgres") && !process.env.BRTOPS_SKIP_PG)
  all.postgres = await (await import("./store-postgres-bench.js")).benchPostgresAppends();
console.log(JSON.stringify(all, null, 2));
