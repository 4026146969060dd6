/**
 * Step 2.4 for container images: each OCI image layout an `oci:` target names (`from`) is copied
 * from the clean checkout's build into the approved package (`artifacts/oci/<from>/`), every file
 * listed with its sha256, and the image's manifest digest recorded (PackageFixed `images`): the
 * digest 6.1 pushes and nothing else.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Finding, PackageImage, PackageRef } from "../core/events.js";
import { BrtopsError, isBrtopsError } from "../core/errors.js";
import type { OciTargetConfig } from "../config/schema-oci.js";
import { imageDescriptor, pushPlan } from "../adapters/oci/oci-layout.js";
import { hashFile } from "../intel/read-artifact-files.js";
import { repoPath } from "../intel/read-features.js";
import type { ArtifactRecord } from "../intel/run-build.js";
import type { StepContext } from "../engine/step-types.js";
import { deployTarget } from "../deploy/deploy-target.js";
import { artifactsDir } from "./package-store.js";

/** The stored-artifact folder of a layout: `oci/<from>/` ("out/oci" → "oci/out__oci/"). */
export function ociArtifactPrefix(from: string): string {
  const f = from.replace(/^\.\/+/, "").replace(/\/+$/, "");
  return `oci/${f === "" || f === "." ? "root" : f.replace(/[\\/]/g, "__")}/`;
}

/** The oci targets of the release's environment and of every configured one, one per layout. */
export function ociTargets(ctx: Pick<StepContext, "config" | "state">): OciTargetConfig[] {
  const out = new Map<string, OciTargetConfig>();
  const t = deployTarget(ctx);
  for (const o of [t.oci, ...Object.values(ctx.config.environments).map((e) => e.oci)])
    if (o && !out.has(`${o.from}\0${o.ref ?? ""}`)) out.set(`${o.from}\0${o.ref ?? ""}`, o);
  return [...out.values()];
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Copies and records the layouts; a missing or unusable one is a critical finding. */
export async function storeOciImages(
  ctx: StepContext,
  buildRoot: string,
  findings: Finding[],
): Promise<{ records: (ArtifactRecord & { source: string })[]; images: PackageImage[] }> {
  const records: (ArtifactRecord & { source: string })[] = [];
  const images: PackageImage[] = [];
  const store = artifactsDir(ctx.root, ctx.state.version);
  const seen = new Set<string>();
  for (const o of ociTargets(ctx)) {
    const src = join(buildRoot, o.from);
    const prefix = ociArtifactPrefix(o.from);
    const dest = join(store, prefix);
    if (!existsSync(join(src, "index.json"))) {
      findings.push({
        severity: "critical",
        code: "OCI_LAYOUT_MISSING",
        message: `The oci target pushes the image layout ${o.from}, but the build in the clean checkout did not write ${join(o.from, "index.json")}: make the build write it, then reject to rebuild the package.`,
        source: o.from,
      });
      continue;
    }
    if (!seen.has(o.from)) {
      seen.add(o.from);
      for (const file of await filesUnder(src)) {
        const rel = file.slice(src.length + 1);
        const to = join(dest, rel);
        await mkdir(dirname(to), { recursive: true });
        await copyFile(file, to);
        const h = await hashFile(to);
        records.push({
          build: "oci layout",
          pattern: o.from,
          path: repoPath(ctx.root, to),
          source: join(o.from, rel),
          size: h.size,
          sha256: h.sha256,
        });
      }
    }
    try {
      const d = imageDescriptor(dest, o.ref);
      pushPlan(dest, d); // every blob the image needs is there and intact
      images.push({
        from: o.from,
        ...(o.ref ? { ref: o.ref } : {}),
        store: prefix,
        digest: d.digest,
        mediaType: d.mediaType,
        size: d.size,
      });
    } catch (e) {
      if (!isBrtopsError(e)) throw e;
      findings.push({
        severity: "critical",
        code: "OCI_LAYOUT_INVALID",
        message: `${e.message} Fix the build, then reject to rebuild the package.`,
        source: o.from,
      });
    }
  }
  return { records, images };
}

/**
 * The approved image of a target: its digest and the stored layout's folder. Without a package (a
 * project outside git) the layout in the project folder, as it is. A fixed package without the
 * image is E_OCI_NOT_IN_PACKAGE.
 */
export function approvedImage(
  ctx: Pick<StepContext, "root" | "state">,
  o: OciTargetConfig,
): { dir: string; digest: string; mediaType: string; approved: boolean } {
  const pkg: PackageRef | null = ctx.state.package;
  if (!pkg) {
    const dir = join(ctx.root, o.from);
    const d = imageDescriptor(dir, o.ref);
    return { dir, digest: d.digest, mediaType: d.mediaType, approved: false };
  }
  const img = pkg.images?.find((i) => i.from === o.from && (i.ref ?? null) === (o.ref ?? null));
  if (!img) {
    throw new BrtopsError(
      "E_OCI_NOT_IN_PACKAGE",
      `The approved package of ${pkg.commit.slice(0, 12)} has no image from ${o.from}: only an approved image is pushed.`,
      {
        hint: "Reject back to phase 2 so that 2.4 stores the image layout the build writes, then approve the package again.",
      },
    );
  }
  return {
    dir: join(artifactsDir(ctx.root, ctx.state.version), img.store),
    digest: img.digest,
    mediaType: img.mediaType,
    approved: true,
  };
}
