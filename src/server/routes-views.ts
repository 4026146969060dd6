/** Read-only views beside the status object: deployment progress and the audit log with its verification. */
import type { Context, Hono } from "hono";
import { parseReleaseRef } from "../core/release-id.js";
import { readLedger } from "../engine/read-ledger.js";
import { deploymentStatus } from "../cli/views.js";
import { selectRelease, type Project } from "../engine/project.js";
import type { ReleaseSession } from "../engine/release-session.js";
import { verifyChain } from "../store/event-chain.js";
import { BrtopsError } from "../core/errors.js";
import type { AppEnv } from "./http.js";

/** Installs GET /api/environments, GET /api/releases/:version/deployment and GET /api/releases/:version/audit[?after=SEQ]. */
export function installViews(
  app: Hono<AppEnv>,
  project: Project,
  session: (c: Context<AppEnv>) => Promise<ReleaseSession>,
): void {
  // The ledger of what runs where: the same object as `brtops environments --json` and the MCP tool.
  app.get("/api/environments", async (c) =>
    c.json(await readLedger(project.store, Object.keys(project.config.environments), project.config.promotion)),
  );

  app.get("/api/releases/:version/deployment", async (c) => {
    const s = await session(c);
    return c.json(deploymentStatus(s.state));
  });

  // Reads the log itself rather than a folded session: a damaged or edited log must still be shown, with where it breaks.
  app.get("/api/releases/:version/audit", async (c) => {
    const version = c.req.param("version");
    // The exact run id when it exists ("1.1.0@production"), else the run the name selects.
    const direct = version.trim().replace(/^v(?=\d)/i, "");
    const known = parseReleaseRef(version) ? (await project.store.list()).some((r) => r.release === direct) : false;
    const id = !parseReleaseRef(version)
      ? null
      : known
        ? direct
        : (await selectRelease(project.store, version, { allowFinished: true })).release;
    const afterRaw = c.req.query("after");
    const after = afterRaw === undefined ? 0 : Number(afterRaw);
    if (!Number.isInteger(after) || after < 0)
      throw new BrtopsError("E_BAD_REQUEST", `?after takes an event sequence number, not "${afterRaw}".`, {
        hint: "GET /api/releases/1.1.0/audit?after=120 returns the events after 120.",
      });
    const r = id ? await project.store.read(id) : { events: [] };
    if (!id || (r.events.length === 0 && !("damage" in r && r.damage))) await selectRelease(project.store, version); // throws the same 400/404 as the other routes
    const v = verifyChain(id!, r.events);
    const bad = v.bad ?? ("damage" in r ? r.damage : undefined);
    return c.json({
      release: id,
      verification: { ok: !bad, count: v.count, lastHash: v.lastHash, ...(bad ? { bad } : {}) },
      after,
      events: r.events.filter((e) => e.seq > after),
    });
  });
}
