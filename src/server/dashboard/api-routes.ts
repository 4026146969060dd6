/**
 * The dashboard's read views beside the status object: the open gate in structured sections
 * (core/gate-view), the releases with what each waits for (core/release-attention), and a release
 * document's text. Installed after the credentials check: every route here needs a session.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context, Hono } from "hono";
import { parseRemoteUrl } from "../../adapters/github/github-repository.js";
import { assertContained } from "../../adapters/fs-contained.js";
import { createGit } from "../../adapters/git.js";
import { BrtopsError } from "../../core/errors.js";
import { gateView, type ForgeLink } from "../../core/gate-view.js";
import { releaseAttention } from "../../core/release-attention.js";
import { releaseSummary, type Project } from "../../engine/project.js";
import type { ReleaseSession } from "../../engine/release-session.js";
import type { AppEnv } from "../http.js";

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

/** Installs GET /api/releases/:version/gate, GET /api/releases/:version/documents/:name and GET /api/dashboard/releases. */
export function installDashboardApi(app: Hono<AppEnv>, project: Project, source: SessionSource): void {
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
