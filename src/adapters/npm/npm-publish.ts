/**
 * The npm target: publish a package folder under a dist-tag, then check that the version
 * resolves. Idempotent: a version already on the registry with the same tarball shasum is adopted
 * (its dist-tag is set again); with another shasum it is E_NPM_VERSION_EXISTS, since a registry
 * never takes a version twice.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import prerelease from "semver/functions/prerelease.js";
import { BrtopsError } from "../../core/errors.js";
import { npmError, npmErrorCode, runNpm, type NpmContext } from "./npm-cli.js";
import { npmPublishArgs } from "./npm-provenance.js";

export interface PackageInfo {
  name: string;
  version: string;
  private: boolean;
  folder: string;
}

/** Reads `package.json` of the folder (relative to ctx.cwd). */
export function readPackage(cwd: string, folder: string): PackageInfo {
  const dir = isAbsolute(folder) ? folder : join(cwd, folder);
  let pkg: { name?: unknown; version?: unknown; private?: unknown };
  try {
    pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as typeof pkg;
  } catch (e) {
    throw new BrtopsError("E_NPM_PACKAGE", `Cannot read ${join(dir, "package.json")}: ${(e as Error).message}`, {
      hint: "Point npm.package in brtops.config.yaml at the folder holding the package.json to publish.",
    });
  }
  if (typeof pkg.name !== "string" || typeof pkg.version !== "string") {
    throw new BrtopsError("E_NPM_PACKAGE", `${join(dir, "package.json")} has no name or version.`, {
      hint: "Give the package a name and a version before publishing it.",
    });
  }
  return { name: pkg.name, version: pkg.version, private: pkg.private === true, folder: dir };
}

/**
 * The dist-tag for a version. A release: the configured tag, else `latest`. A prerelease publishes
 * under its channel and never moves `latest`: `channels[id]`, else the configured tag (unless it is
 * `latest`), else the prerelease id (`2.0.0-rc.1` → `rc`), `next` when the id is a number. The one
 * way a prerelease reaches `latest`: a promotion (a version certified elsewhere, the same tarball)
 * to an environment whose `npm.tag` is set — then that tag, `latest` included.
 * Example: `npmDistTag("3.0.0-beta")` → `"beta"`; `npmDistTag("3.0.0-rc.1", "latest", {rc: "next"})` → `"next"`;
 * `npmDistTag("3.0.0-beta.1", "latest", {}, {promotion: true})` → `"latest"`.
 */
export function npmDistTag(
  version: string,
  configured?: string,
  channels: Readonly<Record<string, string>> = {},
  o: { promotion?: boolean } = {},
): string {
  const pre = prerelease(version, { loose: true });
  if (!pre || pre.length === 0) return configured ?? "latest";
  if (o.promotion && configured) return configured;
  const id = String(pre[0]);
  const channel = channels[id] ?? channels[id.toLowerCase()];
  if (channel && channel !== "latest") return channel;
  if (configured && configured !== "latest") return configured;
  return /^[a-z][a-z0-9-]*$/i.test(id) && id.toLowerCase() !== "latest" ? id.toLowerCase() : "next";
}

/** `{version, shasum}` of a published version, or null when the registry does not have it. */
export async function npmPublishedVersion(
  ctx: NpmContext,
  name: string,
  version: string,
): Promise<{ version: string; shasum: string } | null> {
  const r = await runNpm(ctx, ["view", `${name}@${version}`, "version", "dist.shasum", "--json"]);
  if (r.exitCode !== 0) {
    if (npmErrorCode(r) === "E404") return null;
    throw npmError(r, `looking up ${name}@${version}`);
  }
  if (!r.stdout.trim()) return null; // a range that matches nothing prints nothing
  const j = JSON.parse(r.stdout) as
    { version?: string; "dist.shasum"?: string } | { version?: string; "dist.shasum"?: string }[];
  const one = Array.isArray(j) ? j.find((x) => x.version === version) : j;
  return one?.version === version ? { version, shasum: one["dist.shasum"] ?? "" } : null;
}

/** The shasum npm would publish for the folder (a dry-run pack). */
export async function npmPackShasum(ctx: NpmContext, folder: string): Promise<string> {
  const r = await runNpm({ ...ctx, cwd: folder }, ["pack", "--dry-run", "--json", "--ignore-scripts", folder]);
  if (r.exitCode !== 0) throw npmError(r, `packing ${folder}`);
  const j = JSON.parse(r.stdout) as { shasum: string }[];
  return j[0]!.shasum;
}

/** The registry's dist-tags of a package ({} when it is unknown). */
export async function npmDistTags(ctx: NpmContext, name: string): Promise<Record<string, string>> {
  const r = await runNpm(ctx, ["view", name, "dist-tags", "--json"]);
  if (r.exitCode !== 0) {
    if (npmErrorCode(r) === "E404") return {};
    throw npmError(r, `reading the dist-tags of ${name}`);
  }
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, string>) : {};
}

export interface PublishResult {
  name: string;
  version: string;
  tag: string;
  action: "published" | "adopted";
  shasum: string;
  /** What the dist-tag pointed at before (null: it did not exist): a rollback moves it back there. */
  before: string | null;
  /** `--provenance` was given. */
  provenance: boolean;
}

/** Packs a folder into `dest` (no scripts run): the tarball npm will publish, as it is approved. */
export async function npmPack(
  ctx: NpmContext,
  folder: string,
  dest: string,
): Promise<{ filename: string; name: string; version: string; shasum: string }> {
  const r = await runNpm({ ...ctx, cwd: folder }, ["pack", "--json", "--ignore-scripts", "--pack-destination", dest]);
  if (r.exitCode !== 0) throw npmError(r, `packing ${folder}`);
  const j = JSON.parse(r.stdout) as { filename: string; name: string; version: string; shasum: string }[];
  const one = j[0]!;
  return {
    filename: one.filename.replace(/^@/, "").replace(/\//g, "-"),
    name: one.name,
    version: one.version,
    shasum: one.shasum,
  };
}

/** name, version and private of the package.json inside an npm tarball. */
export function readTarballPackage(tarball: string): PackageInfo {
  let pkg: { name?: unknown; version?: unknown; private?: unknown };
  try {
    pkg = JSON.parse(
      execFileSync("tar", ["-xzOf", tarball, "package/package.json"], {
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
      }),
    ) as typeof pkg;
  } catch (e) {
    throw new BrtopsError(
      "E_NPM_PACKAGE",
      `Cannot read package/package.json in ${tarball}: ${(e as Error).message.split("\n")[0]}`,
      { hint: "The approved tarball is damaged: build and approve the package again." },
    );
  }
  if (typeof pkg.name !== "string" || typeof pkg.version !== "string")
    throw new BrtopsError("E_NPM_PACKAGE", `The package.json in ${tarball} has no name or version.`, {
      hint: "Give the package a name and a version, then build the package again.",
    });
  return { name: pkg.name, version: pkg.version, private: pkg.private === true, folder: tarball };
}

/** The shasum (sha1) npm records for a tarball. */
export function tarballShasum(tarball: string): string {
  return createHash("sha1").update(readFileSync(tarball)).digest("hex");
}

/**
 * Publishes the folder — or, given `tarball`, exactly that tarball (the approved package) — or
 * adopts the identical version already there (no republish: the same tarball only gets the
 * dist-tag), under `tag`.
 */
export async function npmPublish(
  ctx: NpmContext,
  o: {
    folder: string;
    tag: string;
    access?: "public" | "restricted" | undefined;
    tarball?: string;
    provenance?: boolean;
  },
): Promise<PublishResult> {
  const pkg = o.tarball ? readTarballPackage(o.tarball) : readPackage(ctx.cwd, o.folder);
  if (pkg.private)
    throw new BrtopsError(
      "E_NPM_PACKAGE",
      `${pkg.name} is marked private in its package.json; npm will not publish it.`,
      { hint: 'Remove "private": true, or remove the npm block from this environment.' },
    );
  const shasum = o.tarball ? tarballShasum(o.tarball) : await npmPackShasum(ctx, pkg.folder);
  const existing = await npmPublishedVersion(ctx, pkg.name, pkg.version);
  const before = (await npmDistTags(ctx, pkg.name))[o.tag] ?? null;
  const base = { name: pkg.name, version: pkg.version, tag: o.tag, shasum, before };
  if (existing) {
    if (existing.shasum !== shasum) {
      throw new BrtopsError(
        "E_NPM_VERSION_EXISTS",
        `${pkg.name}@${pkg.version} is already on ${ctx.registry} with different contents (shasum ${existing.shasum.slice(0, 12)}, this folder packs to ${shasum.slice(0, 12)}).`,
        {
          hint: "A registry never takes a version twice: release a new version.",
          details: { name: pkg.name, version: pkg.version, published: existing.shasum, local: shasum },
        },
      );
    }
    if (before !== pkg.version) await npmSetDistTag(ctx, pkg.name, pkg.version, o.tag);
    return { ...base, action: "adopted", provenance: false };
  }
  const provenance = o.provenance === true;
  const r = await runNpm(
    { ...ctx, cwd: o.tarball ? ctx.cwd : pkg.folder },
    npmPublishArgs(pkg.folder, { tag: o.tag, access: o.access, provenance }),
  );
  if (r.exitCode !== 0) throw npmError(r, `publishing ${pkg.name}@${pkg.version}`);
  return { ...base, action: "published", provenance };
}

/** Points a dist-tag at a version. */
export async function npmSetDistTag(ctx: NpmContext, name: string, version: string, tag: string): Promise<void> {
  const r = await runNpm(ctx, ["dist-tag", "add", `${name}@${version}`, tag]);
  if (r.exitCode !== 0) throw npmError(r, `pointing dist-tag ${tag} at ${name}@${version}`);
}

/** True when `npm view <name>@<version> version` answers the version: the post-publish check. */
export async function npmVersionResolves(ctx: NpmContext, name: string, version: string): Promise<boolean> {
  const r = await runNpm(ctx, ["view", `${name}@${version}`, "version"]);
  return r.exitCode === 0 && r.stdout.trim() === version;
}
