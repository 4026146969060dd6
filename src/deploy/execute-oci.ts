/**
 * The container image target inside 6.1, as recorded effects so that a crash anywhere is
 * recovered by asking the registry what is already there:
 *  - `6.1:oci-push`: every blob the approved image needs (`6.1:oci-blob-<digest>`: HEAD, and only
 *    when absent POST + PUT), then its manifest(s) by digest (`6.1:oci-manifest-<digest>`);
 *  - `6.1:oci-tags`: each tag pointed at the pushed manifest (`6.1:oci-tag-<tag>`), recording what
 *    the tag pointed at before.
 * A blob or manifest the registry already has is adopted, never uploaded twice. The manifest
 * pushed is the approved one: its bytes must hash to the digest recorded at 2.4.
 */
import { BrtopsError } from "../core/errors.js";
import type { StepContext } from "../engine/step-types.js";
import { createRegistryClient, sha256Digest, type RegistryClient } from "../adapters/oci/oci-client.js";
import { resolveOciCredentials } from "../adapters/oci/oci-credentials.js";
import { blobPath, pushPlan, readBlob } from "../adapters/oci/oci-layout.js";
import { imageTags, parseImage } from "../adapters/oci/oci-reference.js";
import { approvedImage } from "../package/oci-package.js";
import type { DeployTarget } from "./deploy-target.js";
export { OCI_PUSH, OCI_TAGS } from "./deploy-plan.js";
import { statSync } from "node:fs";

const short = (digest: string): string => digest.replace(/^sha256:/, "").slice(0, 16);

/** A registry client for the target's image, with its credentials. */
export function ociClient(ctx: Pick<StepContext, "env" | "redact">, t: DeployTarget): RegistryClient {
  const o = t.oci!;
  const ref = parseImage(o.image);
  return createRegistryClient(ref, {
    credentials: resolveOciCredentials(ctx.env, ref.registry, o),
    redact: ctx.redact,
  });
}

/** 6.1:oci-push — blobs, then manifests by digest; returns the digest pushed. */
export async function pushImage(ctx: StepContext, t: DeployTarget): Promise<Record<string, unknown>> {
  const o = t.oci!;
  const img = approvedImage(ctx, o);
  const client = ociClient(ctx, t);
  const plan = pushPlan(img.dir, { mediaType: img.mediaType, digest: img.digest, size: 0 });
  const where = `${client.ref.registry}/${client.ref.repository}`;
  let uploaded = 0;
  for (const b of plan.blobs) {
    const r = await ctx.effect(
      `oci-blob-${short(b.digest)}`,
      `push blob ${b.digest.slice(0, 19)}… (${statSync(blobPath(img.dir, b.digest)).size} bytes) to ${where}`,
      {
        idempotent: true,
        check: () => client.blobExists(b.digest),
        adopt: async () => ({ digest: b.digest, action: "adopted" }),
      },
      async () => {
        if (await client.blobExists(b.digest)) return { digest: b.digest, action: "exists" };
        await client.pushBlob(b.digest, readBlob(img.dir, b.digest));
        return { digest: b.digest, action: "uploaded" };
      },
    );
    if (r["action"] === "uploaded") uploaded += 1;
  }
  for (const m of plan.manifests) {
    const bytes = readBlob(img.dir, m.digest);
    if (sha256Digest(bytes) !== m.digest)
      throw new BrtopsError("E_PACKAGE_CHANGED", `The manifest ${m.digest} no longer hashes to its digest.`, {
        hint: "Restore the approved build, or reject back to phase 2.",
      });
    await ctx.effect(
      `oci-manifest-${short(m.digest)}`,
      `push manifest ${m.digest.slice(0, 19)}… to ${where}`,
      {
        idempotent: true,
        check: async () => (await client.manifestDigest(m.digest)) === m.digest,
        adopt: async () => ({ digest: m.digest, action: "adopted" }),
      },
      async () => {
        if ((await client.manifestDigest(m.digest)) === m.digest) return { digest: m.digest, action: "exists" };
        await client.putManifest(m.digest, bytes, m.mediaType);
        return { digest: m.digest, action: "pushed" };
      },
    );
  }
  return {
    kind: "oci",
    image: where,
    digest: img.digest,
    approved: img.approved,
    blobs: plan.blobs.length,
    uploadedThisRun: uploaded,
    detail: `${where}@${img.digest}`,
  };
}

/** 6.1:oci-tags — each tag at the pushed manifest (what it pointed at before is recorded). */
export async function pointTags(ctx: StepContext, t: DeployTarget): Promise<Record<string, unknown>> {
  const o = t.oci!;
  const img = approvedImage(ctx, o);
  const client = ociClient(ctx, t);
  const bytes = readBlob(img.dir, img.digest);
  const tags = imageTags(o.tags, t.vars.version);
  const where = `${client.ref.registry}/${client.ref.repository}`;
  const out: Record<string, string | null> = {};
  for (const tag of tags) {
    const r = await ctx.effect(
      `oci-tag-${tag}`,
      `point ${where}:${tag} at ${img.digest.slice(0, 19)}…`,
      {
        idempotent: true,
        check: async () => (await client.manifestDigest(tag)) === img.digest,
        adopt: async () => ({ tag, digest: img.digest, action: "adopted" }),
      },
      async () => {
        const before = await client.manifestDigest(tag);
        if (before === img.digest) return { tag, digest: img.digest, before, action: "unchanged" };
        await client.putManifest(tag, bytes, img.mediaType);
        return { tag, digest: img.digest, before, action: "tagged" };
      },
    );
    out[tag] = typeof r["before"] === "string" ? r["before"] : null;
  }
  return {
    kind: "oci",
    image: where,
    digest: img.digest,
    tags,
    before: out,
    detail: `${tags.map((x) => `${where}:${x}`).join(", ")} → ${img.digest.slice(0, 19)}…`,
  };
}
