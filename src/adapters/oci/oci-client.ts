/**
 * A small client of the OCI distribution HTTP API (what Docker Hub, GHCR, the CNCF registry… speak):
 * blobs (HEAD to check, POST + PUT monolithic upload), manifests (HEAD, GET, PUT by digest or tag,
 * DELETE of a tag where the registry allows it), with the token dance of ./oci-auth.ts done once
 * per client and repeated when a token expires. Every failure is a BrtopsError with a code.
 */
import { createHash } from "node:crypto";
import { BrtopsError } from "../../core/errors.js";
import { basicAuth, fetchToken, parseChallenge } from "./oci-auth.js";
import type { OciCredentials } from "./oci-credentials.js";
import type { ImageRef } from "./oci-reference.js";

export const MANIFEST_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
] as const;

export interface RegistryClientOptions {
  credentials: OciCredentials | null;
  /** Applied to any text from the registry that reaches an error message. */
  redact: (s: string) => string;
  timeoutMs?: number;
}

export const sha256Digest = (bytes: Uint8Array): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** The client of one repository. Example: `await createRegistryClient(parseImage("127.0.0.1:5000/acme/widget"), o).blobExists("sha256:…")`. */
export function createRegistryClient(ref: ImageRef, o: RegistryClientOptions) {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const scope = `repository:${ref.repository}:pull,push`;
  const where = `${ref.registry}/${ref.repository}`;
  let authorization: string | null = null;

  async function send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: Uint8Array,
  ): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: { ...headers, ...(authorization ? { authorization } : {}) },
        ...(body ? { body: body as unknown as ArrayBuffer } : {}),
        redirect: "follow",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new BrtopsError(
        "E_OCI_UNREACHABLE",
        `${ref.registry} did not answer ${method} ${new URL(url).pathname}: ${cause ?? (e as Error).message}`,
        { hint: "Check that the registry is reachable from this machine, then run `brtops run` again." },
      );
    }
  }

  /** A request, authenticated on the registry's demand (once per 401: a new token, then give up). */
  async function request(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Uint8Array,
  ): Promise<Response> {
    const url = /^https?:\/\//.test(path) ? path : `${ref.apiBase}${path}`;
    if (new URL(url).origin !== new URL(ref.apiBase).origin) {
      throw new BrtopsError(
        "E_OCI_PROTOCOL",
        `${ref.registry} sent brtops to another host (${new URL(url).origin}) for an upload.`,
        { hint: "brtops sends blobs only to the registry named in oci.image." },
      );
    }
    let r = await send(method, url, headers, body);
    if (r.status !== 401) return r;
    const challenge = parseChallenge(r.headers.get("www-authenticate"));
    await r.body?.cancel();
    if (!challenge) throw authError(null);
    if (challenge.scheme === "basic") {
      if (!o.credentials) throw authError(null);
      authorization = basicAuth(o.credentials);
    } else {
      authorization = `Bearer ${await fetchToken(challenge, scope, o.credentials, { registry: ref.registry, timeoutMs })}`;
    }
    r = await send(method, url, headers, body);
    if (r.status === 401) {
      await r.body?.cancel();
      throw authError(o.credentials);
    }
    return r;
  }

  function authError(c: OciCredentials | null): BrtopsError {
    return new BrtopsError(
      "E_OCI_AUTH",
      c
        ? `${ref.registry} refused the credentials from ${c.source} for ${ref.repository}.`
        : `${ref.registry} needs credentials to push ${ref.repository}, and none are set.`,
      {
        hint: c
          ? `Check the user name and password (or access token) in ${c.source}, and that it may push to ${ref.repository}.`
          : "Set OCI_USERNAME and OCI_PASSWORD (an access token as the password), or run `docker login` for the runner's user.",
      },
    );
  }

  async function failure(r: Response, what: string): Promise<BrtopsError> {
    const text = o.redact((await r.text().catch(() => "")).slice(0, 400)).trim();
    const code = r.status === 403 ? "E_OCI_AUTH" : r.status === 404 ? "E_OCI_NOT_FOUND" : "E_OCI_REGISTRY";
    return new BrtopsError(code, `${where}: ${what} answered HTTP ${r.status}${text ? ` — ${text}` : ""}`, {
      hint:
        r.status === 403
          ? `The credentials may read but not push ${ref.repository}.`
          : "Look at the registry's answer; run `brtops run` again when the cause is fixed (what is already there is adopted).",
      details: { status: r.status },
    });
  }

  const repoPath = `/v2/${ref.repository}`;
  return {
    ref,
    /**
     * Preflight: the registry answers `/v2/`, the credentials get a token for the repository, and
     * may push to it — an upload is started and cancelled, so nothing is written (as
     * go-containerregistry's CheckPushPermission does). Throws E_OCI_UNREACHABLE, E_OCI_AUTH, ….
     */
    async checkPush(): Promise<{ authenticated: boolean }> {
      const ping = await request("GET", "/v2/");
      await ping.body?.cancel();
      if (ping.status !== 200) throw await failure(ping, "GET /v2/");
      const start = await request("POST", `${repoPath}/blobs/uploads/`, { "content-length": "0" });
      if (start.status !== 202) throw await failure(start, "starting an upload (the push permission check)");
      await start.body?.cancel();
      const location = start.headers.get("location");
      // Cancelled as a courtesy: a registry expires an unfinished upload session by itself.
      if (location) {
        try {
          const cancel = await request("DELETE", new URL(location, ref.apiBase).toString());
          await cancel.body?.cancel();
        } catch {
          /* left to expire */
        }
      }
      return { authenticated: authorization !== null };
    },
    /** True when the registry has the blob. */
    async blobExists(digest: string): Promise<boolean> {
      const r = await request("HEAD", `${repoPath}/blobs/${digest}`);
      await r.body?.cancel();
      if (r.status === 200) return true;
      if (r.status === 404) return false;
      throw await failure(r, `HEAD blob ${digest}`);
    },
    /** Uploads a blob in one request (POST for a session, then PUT with the digest). */
    async pushBlob(digest: string, bytes: Uint8Array): Promise<void> {
      const start = await request("POST", `${repoPath}/blobs/uploads/`, { "content-length": "0" });
      if (start.status !== 202) throw await failure(start, `starting the upload of ${digest}`);
      await start.body?.cancel();
      const location = start.headers.get("location");
      if (!location)
        throw new BrtopsError("E_OCI_PROTOCOL", `${where} started an upload without a Location.`, {
          hint: "The registry does not follow the distribution API.",
        });
      const url = new URL(location, ref.apiBase);
      url.searchParams.set("digest", digest);
      const put = await request(
        "PUT",
        url.toString(),
        { "content-type": "application/octet-stream", "content-length": String(bytes.byteLength) },
        bytes,
      );
      if (put.status !== 201) throw await failure(put, `uploading ${digest}`);
      await put.body?.cancel();
    },
    /** The digest a tag (or digest) resolves to, or null when the registry does not know it. */
    async manifestDigest(reference: string): Promise<string | null> {
      const r = await request("HEAD", `${repoPath}/manifests/${reference}`, { accept: MANIFEST_TYPES.join(", ") });
      await r.body?.cancel();
      if (r.status === 404) return null;
      if (r.status !== 200) throw await failure(r, `HEAD manifest ${reference}`);
      const d = r.headers.get("docker-content-digest");
      if (d) return d;
      return sha256Digest((await this.getManifest(reference))!.bytes);
    },
    /** The manifest's bytes and media type, or null. */
    async getManifest(reference: string): Promise<{ bytes: Uint8Array; mediaType: string } | null> {
      const r = await request("GET", `${repoPath}/manifests/${reference}`, { accept: MANIFEST_TYPES.join(", ") });
      if (r.status === 404) {
        await r.body?.cancel();
        return null;
      }
      if (r.status !== 200) throw await failure(r, `GET manifest ${reference}`);
      return {
        bytes: new Uint8Array(await r.arrayBuffer()),
        mediaType: (r.headers.get("content-type") ?? "").split(";")[0]!.trim(),
      };
    },
    /** PUTs a manifest by digest or tag; checks the registry computed the same digest. */
    async putManifest(reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
      const r = await request("PUT", `${repoPath}/manifests/${reference}`, { "content-type": mediaType }, bytes);
      if (r.status !== 201) throw await failure(r, `PUT manifest ${reference}`);
      await r.body?.cancel();
      const expected = sha256Digest(bytes);
      const got = r.headers.get("docker-content-digest");
      if (got && got !== expected)
        throw new BrtopsError("E_OCI_PROTOCOL", `${where} stored ${reference} as ${got}, not ${expected}.`, {
          hint: "The registry changed the manifest: it cannot be the approved image.",
        });
      return expected;
    },
    /** Deletes a tag (not the manifest). `{deleted: false, why}` where the registry does not allow it. */
    async deleteTag(tag: string): Promise<{ deleted: boolean; why?: string }> {
      const r = await request("DELETE", `${repoPath}/manifests/${tag}`);
      if (r.status === 202 || r.status === 200 || r.status === 404) {
        await r.body?.cancel();
        return { deleted: true };
      }
      if ([400, 405, 403].includes(r.status)) {
        const text = o.redact((await r.text().catch(() => "")).slice(0, 200)).trim();
        return {
          deleted: false,
          why: `${ref.registry} does not let a tag be deleted (HTTP ${r.status}${text ? `: ${text}` : ""})`,
        };
      }
      throw await failure(r, `DELETE tag ${tag}`);
    },
  };
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;
