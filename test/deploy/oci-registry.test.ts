/**
 * The OCI registry client against a real registry on loopback (Debian's docker-registry): basic
 * auth (htpasswd) with OCI_USERNAME / OCI_PASSWORD, token auth (a Bearer challenge, a token from
 * the realm with basic credentials — Docker Hub's flow) with ~/.docker/config.json, images made by
 * umoci, checked with skopeo. Secrets never appear in errors.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryClient } from "../../src/adapters/oci/oci-client.js";
import { resolveOciCredentials } from "../../src/adapters/oci/oci-credentials.js";
import { imageDescriptor, pushPlan, readBlob } from "../../src/adapters/oci/oci-layout.js";
import { imageTags, movingTags, parseImage } from "../../src/adapters/oci/oci-reference.js";
import { makeImage, startRegistry, type Registry } from "../support/oci-registry.js";

const PASSWORD = "s3cret-Registry-Passw0rd";
const noRedact = (s: string): string => s;
let dir: string;
const registries: Registry[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "brtops-oci-"));
});
afterAll(async () => {
  for (const r of registries) await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function push(reg: Registry, layout: string, env: Record<string, string>, tag: string): Promise<string> {
  const ref = parseImage(`${reg.host}/acme/widget`);
  const client = createRegistryClient(ref, { credentials: resolveOciCredentials(env, ref.registry), redact: noRedact });
  const top = imageDescriptor(layout);
  const plan = pushPlan(layout, top);
  for (const b of plan.blobs) {
    expect(await client.blobExists(b.digest)).toBe(false);
    await client.pushBlob(b.digest, readBlob(layout, b.digest));
    expect(await client.blobExists(b.digest)).toBe(true);
  }
  for (const m of plan.manifests) await client.putManifest(m.digest, readBlob(layout, m.digest), m.mediaType);
  expect(await client.manifestDigest(top.digest)).toBe(top.digest);
  await client.putManifest(tag, readBlob(layout, top.digest), top.mediaType);
  return top.digest;
}

/** skopeo, asynchronously: the token server answers from this process. */
const skopeoDigest = async (image: string, creds: string): Promise<string> =>
  (
    await promisify(execFile)(
      "skopeo",
      ["inspect", "--tls-verify=false", "--creds", creds, "--format", "{{.Digest}}", `docker://${image}`],
      { encoding: "utf8" },
    )
  ).stdout.trim();

describe("image references and tags", () => {
  it.each([
    ["docker.io/acme/widget", "https://registry-1.docker.io", "acme/widget"],
    ["nginx", "https://registry-1.docker.io", "library/nginx"],
    ["ghcr.io/acme/widget", "https://ghcr.io", "acme/widget"],
    ["127.0.0.1:5000/acme/widget", "http://127.0.0.1:5000", "acme/widget"],
    ["localhost:5000/widget", "http://localhost:5000", "widget"],
    ["registry.example.com:5000/a/b", "https://registry.example.com:5000", "a/b"],
  ])("%s → %s %s (plain HTTP only on loopback)", (image, apiBase, repository) => {
    expect(parseImage(image)).toMatchObject({ apiBase, repository });
  });
  it("substitutes the version and knows the moving tags", () => {
    expect(imageTags(["{version}", "latest"], "1.1.0+build.5")).toEqual(["1.1.0_build.5", "latest"]);
    expect(movingTags(["{version}", "latest", "v{version}", "stable"])).toEqual(["latest", "stable"]);
    expect(() => imageTags([".bad"], "1.0.0")).toThrow(/not a valid image tag/);
    expect(() => parseImage("docker.io/acme/widget:1.0")).toThrow(/tag or digest/);
  });
});

describe("a real registry with basic auth (htpasswd)", () => {
  it("pushes an umoci image with OCI_USERNAME/OCI_PASSWORD; a wrong password is E_OCI_AUTH without the secret", async () => {
    const reg = await startRegistry({ auth: "htpasswd", users: { ci: PASSWORD } });
    registries.push(reg);
    const layout = join(dir, "basic");
    const digest = makeImage(layout, "1.0.0\n");
    expect(await push(reg, layout, { OCI_USERNAME: "ci", OCI_PASSWORD: PASSWORD }, "1.0.0")).toBe(digest);
    expect(await skopeoDigest(`${reg.host}/acme/widget:1.0.0`, `ci:${PASSWORD}`)).toBe(digest);

    const ref = parseImage(`${reg.host}/acme/widget`);
    const wrong = createRegistryClient(ref, {
      credentials: { username: "ci", password: "not-the-Passw0rd", source: "OCI_USERNAME/OCI_PASSWORD" },
      redact: noRedact,
    });
    const e = (await wrong.blobExists(digest).catch((x: unknown) => x)) as {
      code: string;
      message: string;
      hint: string;
    };
    expect(e).toMatchObject({ code: "E_OCI_AUTH" });
    expect(JSON.stringify({ m: e.message, h: e.hint })).not.toContain("not-the-Passw0rd");
    const anonymous = createRegistryClient(ref, { credentials: null, redact: noRedact });
    await expect(anonymous.blobExists(digest)).rejects.toMatchObject({
      code: "E_OCI_AUTH",
      message: expect.stringContaining("none are set"),
    });
  }, 60_000);
});

describe("a real registry with token auth (Bearer challenge, as Docker Hub)", () => {
  it("gets a token with the credentials of ~/.docker/config.json and pushes; the registry cannot delete a tag and says so", async () => {
    const reg = await startRegistry({ auth: "token", users: { ci: PASSWORD } });
    registries.push(reg);
    const home = join(dir, "home");
    mkdirSync(join(home, ".docker"), { recursive: true });
    writeFileSync(
      join(home, ".docker", "config.json"),
      JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`ci:${PASSWORD}`).toString("base64") } } }),
    );
    const env = { HOME: home };
    expect(resolveOciCredentials(env, reg.host)).toMatchObject({
      username: "ci",
      source: join(home, ".docker", "config.json"),
    });
    const layout = join(dir, "token");
    const digest = makeImage(layout, "2.0.0\n");
    expect(await push(reg, layout, env, "latest")).toBe(digest);
    expect(reg.tokenRequests.some((t) => t.user === "ci" && t.scope.includes("repository:acme/widget:pull,push"))).toBe(
      true,
    );
    expect(await skopeoDigest(`${reg.host}/acme/widget:latest`, `ci:${PASSWORD}`)).toBe(digest);

    const ref = parseImage(`${reg.host}/acme/widget`);
    const client = createRegistryClient(ref, {
      credentials: resolveOciCredentials(env, ref.registry),
      redact: noRedact,
    });
    const d = await client.deleteTag("latest");
    expect(d.deleted).toBe(false);
    expect(d.why).toMatch(/does not let a tag be deleted/);
    expect(await client.manifestDigest("latest")).toBe(digest);
    const bad = createRegistryClient(ref, {
      credentials: { username: "ci", password: "wrong-Passw0rd", source: "OCI_USERNAME/OCI_PASSWORD" },
      redact: noRedact,
    });
    await expect(bad.blobExists(digest)).rejects.toMatchObject({
      code: "E_OCI_AUTH",
      message: expect.stringContaining("refused the credentials from OCI_USERNAME/OCI_PASSWORD"),
    });
  }, 60_000);
});
