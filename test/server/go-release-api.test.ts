/**
 * "GO RELEASE v1.1.0 to Staging" over HTTP (POST /api/releases, in-process): a HUM LEAD's phrase
 * grants GO RELEASE on the release the AI LEAD requested (no second release); an AI LEAD's is
 * refused and writes nothing. The same engine function as the CLI (engine/go-release).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { createToken } from "../../src/server/tokens.js";
import { AI, HUM, brtops, sampleProject } from "../support/cli.js";

describe("POST /api/releases with GO RELEASE v{version} to {target}", () => {
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let app: ReturnType<typeof createApp>;
  const events = async () => (await project.store.read("1.1.0")).events.map((e) => e.type);
  const post = (token: string, phrase: string) =>
    app.request("/api/releases", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ phrase }),
    });

  beforeAll(async () => {
    p = sampleProject();
    expect(brtops(p.root, AI, ["RELEASE v1.1.0 to Staging"]).code).toBe(3);
    project = await openProject(p.root);
    app = createApp(project, { pollMs: 100 });
  });
  afterAll(async () => {
    await project.close();
    p.cleanup();
  });

  it("from an AI LEAD: 403, nothing recorded", async () => {
    const before = await events();
    const r = await post(createToken(p.root, AI, project.now()), "GO RELEASE v1.1.0 to Staging");
    const b = (await r.json()) as { error: { code: string } };
    expect(r.status).toBe(403);
    expect(b.error.code).toBe("E_NOT_AUTHORIZED");
    expect(await events()).toEqual(before);
  });

  it("from a HUM LEAD: the open release gets the grant, no second release", async () => {
    const r = await post(createToken(p.root, HUM, project.now()), "OK, GO RELEASE v1.1.0 to the staging environment");
    const b = (await r.json()) as { release: string; autoProceed: { by: string } | null };
    expect(r.status, JSON.stringify(b)).toBe(201);
    expect(b.release).toBe("1.1.0");
    expect(b.autoProceed?.by).toBe(HUM);
    expect((await events()).filter((t) => t === "AutoProceedGranted")).toHaveLength(1);
    expect((await project.store.list()).map((x) => x.release)).toEqual(["1.1.0"]);
  });
});
