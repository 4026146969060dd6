/**
 * Reading an OCI image layout (what `umoci`, `buildah push oci:`, `docker buildx --output
 * type=oci,tar=false`… write): `oci-layout`, `index.json`, `blobs/<alg>/<hex>`. The image is one
 * manifest of index.json (picked by its `org.opencontainers.image.ref.name`, or the only one);
 * the push plan lists every blob it needs (config and layers, those of each child manifest for
 * an image index) and the manifests, children first. Every file read is checked against its digest.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BrtopsError } from "../../core/errors.js";
import { sha256Digest } from "./oci-client.js";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface PushPlan {
  /** The image's manifest (the digest approved and pushed). */
  manifest: Descriptor;
  /** Blobs to push, each once, in order. */
  blobs: Descriptor[];
  /** Manifests to push by digest: the children of an index first, the image's manifest last. */
  manifests: Descriptor[];
}

const INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);
const REF_NAME = "org.opencontainers.image.ref.name";

function layoutError(dir: string, what: string): BrtopsError {
  return new BrtopsError("E_OCI_LAYOUT", `${dir} is not a usable OCI image layout: ${what}.`, {
    hint: "Make the build write an OCI image layout there (umoci, buildah push oci:DIR, docker buildx --output type=oci,tar=false,dest=DIR).",
  });
}

function readJson(file: string, dir: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw layoutError(dir, `${file.slice(dir.length + 1)} cannot be read (${(e as Error).message.split("\n")[0]})`);
  }
}

/** The path of a blob in the layout. */
export function blobPath(dir: string, digest: string): string {
  const m = /^([a-z0-9]+):([a-f0-9]{32,})$/.exec(digest);
  if (!m) throw layoutError(dir, `"${digest}" is not a digest`);
  return join(dir, "blobs", m[1]!, m[2]!);
}

/** A blob's bytes, checked against its digest (E_PACKAGE_CHANGED when they differ). */
export function readBlob(dir: string, digest: string): Uint8Array {
  const file = blobPath(dir, digest);
  if (!existsSync(file)) throw layoutError(dir, `the blob ${digest} is missing`);
  const bytes = readFileSync(file);
  if (!digest.startsWith("sha256:")) throw layoutError(dir, `${digest} uses a digest algorithm brtops does not check`);
  if (sha256Digest(bytes) !== digest) {
    throw new BrtopsError(
      "E_PACKAGE_CHANGED",
      `The blob ${digest} in ${dir} does not have its digest any more: what was approved is not what would ship.`,
      { hint: "Restore the approved build, or reject back to phase 2 to rebuild and approve the image again." },
    );
  }
  return bytes;
}

/** The manifests index.json lists, with their ref names. */
export function layoutManifests(dir: string): Descriptor[] {
  if (!existsSync(join(dir, "oci-layout"))) throw layoutError(dir, "there is no oci-layout file");
  const index = readJson(join(dir, "index.json"), dir) as { manifests?: Descriptor[] };
  if (!Array.isArray(index.manifests) || index.manifests.length === 0)
    throw layoutError(dir, "index.json lists no image");
  return index.manifests;
}

/**
 * The image of a layout: the manifest named `ref`, else the only one.
 * @example imageDescriptor("out/oci").digest // "sha256:…"
 */
export function imageDescriptor(dir: string, ref?: string): Descriptor {
  const all = layoutManifests(dir);
  const named = (d: Descriptor): string | undefined => d.annotations?.[REF_NAME];
  const hit = ref !== undefined ? all.filter((d) => named(d) === ref) : all;
  if (hit.length === 1) return hit[0]!;
  const names = all.map((d) => named(d) ?? d.digest).join(", ");
  throw layoutError(
    dir,
    ref !== undefined
      ? `no image named "${ref}" (it has ${names})`
      : `it holds ${all.length} images (${names}): name one with oci.ref`,
  );
}

/** Everything to push for the image `top`, read and checked. */
export function pushPlan(dir: string, top: Descriptor): PushPlan {
  const blobs = new Map<string, Descriptor>();
  const manifests: Descriptor[] = [];
  const visit = (d: Descriptor, depth: number): void => {
    if (depth > 2) throw layoutError(dir, "image indexes nest too deep");
    const doc = JSON.parse(Buffer.from(readBlob(dir, d.digest)).toString("utf8")) as {
      manifests?: Descriptor[];
      config?: Descriptor;
      layers?: Descriptor[];
      mediaType?: string;
    };
    if (INDEX_TYPES.has(d.mediaType) || Array.isArray(doc.manifests)) {
      for (const child of doc.manifests ?? []) visit(child, depth + 1);
    } else {
      for (const b of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) {
        if (!blobs.has(b.digest)) {
          readBlob(dir, b.digest); // present and intact before anything is pushed
          blobs.set(b.digest, b);
        }
      }
    }
    manifests.push(d);
  };
  visit(top, 0);
  return { manifest: top, blobs: [...blobs.values()], manifests };
}
