/**
 * The dashboard's read views beside the status object: the open gate in structured sections
 * (core/gate-view), the releases with what each waits for (core/release-attention), and a release
 * document's text. Installed after the credentials check: every route here needs a session.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { parseRemoteUrl } from "../../adapters/github/github-repository.js";
import { assertContained } from "../../adapters/fs-contained.js";
import { createGit } from "../../adapters/git.js";
import { BrtopsError } from "../../core/errors.js";
import { gateView, type ForgeLink } from "../../core/gate-view.js";
import { releaseAttention } from "../../core/release-attention.js";
import { releaseSummary, type Project } from "../../engine/project.js";
import type { ReleaseSession } from "../../engine/release-session.js";
import type { AppEnv } from "../http.js";
import type { ServerRunner } from "../runner.js";

/** What the routes read releases through: the server's shared, incrementally refreshed sessions. */
export interface SessionSource {
  session(version: string): Promise<ReleaseSession>;
  summaries(): Promise<{ release: string }[]>;
}

/** The forge's web address from the project's remote, read at each request (a remote can be changed while the server runs). */
function forgeReader(project: Project): () => Promise<ForgeLink | null> {
  const remote = project.config.release.tag.remote;
  return async () => {
    const r = await createGit(project.root, project.redact).run(["remote", "get-url", remote], { allowFail: true });
    const parsed = r.code === 0 ? parseRemoteUrl(r.stdout.trim()) : null;
    // Only the host and the repository's path are kept: credentials in the URL never reach the page.
    return parsed ? { web: `https://${parsed.host}/${parsed.owner}/${parsed.repo}` } : null;
  };
}

/** How many progress events wait for a slow reader; older ones are dropped (the log keeps what matters). */
const PROGRESS_BACKLOG = 200;
const KEEP_ALIVE_MS = 15_000;

/**
 * Installs GET /api/releases/:version/gate, …/documents/:name, …/progress (SSE) and GET
 * /api/dashboard/releases. `runner`: the server's runner, whose progress the page streams.
 */
export function installDashboardApi(
  app: Hono<AppEnv>,
  project: Project,
  source: SessionSource,
  runner: ServerRunner | null = null,
): void {
  const forge = forgeReader(project);
  const session = (c: Context<AppEnv>) => source.session(c.req.param("version") ?? "");

  app.get("/api/releases/:version/gate", async (c) => {
    const s = await session(c);
    return c.json({ gate: project.redact.deep(gateView(s.state, await forge())) });
  });

  app.get("/api/releases/:version/documents/:name", async (c) => {
    const s = await session(c);
    const name = c.req.param("name");
    // Only a document the log says was written: the name never becomes an arbitrary path.
    const known = Object.entries(s.state.documents).find(([, d]) => d.files.some((f) => f.name === name));
    const dir = project.releaseDir(s.state.version);
    const file = join(dir, name);
    if (!known || !existsSync(file))
      throw new BrtopsError("E_DOCUMENT_NOT_FOUND", `Release ${s.state.release} has no document "${name}".`, {
        hint: "GET /api/releases/VERSION/gate lists the documents written so far.",
      });
    assertContained(project.root, file);
    return c.json({ name, phase: Number(known[0]), text: project.redact(readFileSync(file, "utf8")) });
  });

  // What the server's runner is doing right now, as it happens: steps and effects starting and
  // ending, a deploy command's output lines, each health probe. Not in the log (the log keeps the
  // outcomes); the page shows it beside the deployment. Messages are redacted by the runner and again here.
  app.get("/api/releases/:version/progress", async (c) => {
    const release = (await session(c)).state.release;
    return streamSSE(c, async (stream) => {
      if (!runner) {
        await stream.writeSSE({ event: "runner", data: JSON.stringify({ enabled: false }) });
        return;
      }
      const queue: string[] = [];
      let wake: (() => void) | null = null;
      const off = runner.onProgress((r, p) => {
        if (r !== release) return;
        queue.push(JSON.stringify(project.redact.deep({ ...p, at: new Date().toISOString() })));
        if (queue.length > PROGRESS_BACKLOG) queue.splice(0, queue.length - PROGRESS_BACKLOG);
        wake?.();
      });
      stream.onAbort(() => {
        off();
        wake?.();
      });
      try {
        await stream.writeSSE({ event: "runner", data: JSON.stringify({ enabled: true }) });
        while (!stream.aborted && !stream.closed) {
          if (!queue.length) {
            await new Promise<void>((res) => {
              const t = setTimeout(res, KEEP_ALIVE_MS);
              wake = () => {
                clearTimeout(t);
                res();
              };
            });
            wake = null;
          }
          if (!queue.length) {
            await stream.write(": keep-alive\n\n");
            continue;
          }
          for (const data of queue.splice(0)) await stream.writeSSE({ event: "progress", data });
        }
      } finally {
        off();
      }
    });
  });

  app.get("/api/dashboard/releases", async (c) => {
    const releases = [];
    for (const ref of await source.summaries()) {
      const s = (await source.session(ref.release)).state;
      releases.push({
        ...releaseSummary(s),
        sev: s.sev,
        requestedBy: s.requestedBy.id,
        attention: releaseAttention(s),
      });
    }
    return c.json({ releases });
  });
}
