/**
 * Scope drift (the spec's Scope Checking Integration): every approval records a fingerprint of
 * what was approved; before each later gate and before deployment the engine measures how far the
 * project has moved from it and acts: MINOR → recorded and notified; MODERATE → a HUM LEAD must
 * approve the deviation; MAJOR → deployment hold.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AnyEvent, FingerprintRef } from "../core/events.js";
import { measureDeviation, type Deviation } from "../core/scope-deviation.js";
import { DEFAULT_SCOPE_CATEGORIES, type ScopeFingerprint } from "../core/scope-fingerprint.js";
import { createGit } from "../adapters/git.js";
import type { Project } from "./project.js";
import { byCodeUnit } from "../core/text-order.js";

/** Paths brtops writes itself: never drift. */
function ownPaths(project: Project): string[] {
  return [".brtops/", `${project.config.paths.releases.replace(/\/+$/, "")}/`];
}

export async function readFingerprint(project: Project, version: string): Promise<FingerprintRef> {
  const git = createGit(project.root, project.redact);
  // Asked together: two git processes at once, not one after the other.
  const [head, st] = await Promise.all([
    git.head(),
    git.run(["status", "--porcelain", "-z", "--untracked-files=all"], { allowFail: true }),
  ]);
  const commit = head ?? "none";
  const own = ownPaths(project);
  const paths = st.stdout
    .split("\0")
    .filter((x) => x.length > 3)
    .map((x) => x.slice(3))
    .filter((p) => !own.some((o) => p.startsWith(o)));
  const dirty: Record<string, string> = {};
  for (const p of paths) {
    const file = join(project.root, p);
    dirty[p] = existsSync(file) ? createHash("sha1").update(readFileSync(file)).digest("hex") : "deleted";
  }
  const featuresDir = join(project.root, project.config.paths.features);
  const features = existsSync(featuresDir)
    ? readdirSync(featuresDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const configText = readFileSync(project.configFile, "utf8");
  const manifest = join(project.releaseDir(version), "artifacts-manifest.json");
  const artifacts: Record<string, string> = {};
  if (existsSync(manifest)) {
    try {
      const m = JSON.parse(readFileSync(manifest, "utf8")) as {
        artifacts?: { path?: string; name?: string; sha256?: string }[];
      };
      for (const a of m.artifacts ?? []) if (a.sha256) artifacts[a.path ?? a.name ?? a.sha256] = a.sha256;
    } catch {
      /* a damaged manifest counts as no artifacts */
    }
  }
  return { commit, dirty, features, config: createHash("sha256").update(configText).digest("hex"), artifacts };
}

async function expand(project: Project, ref: FingerprintRef): Promise<ScopeFingerprint> {
  const files: Record<string, string> = {};
  if (ref.commit !== "none") {
    const r = await createGit(project.root, project.redact).run(["ls-tree", "-r", "-z", ref.commit], {
      allowFail: true,
    });
    for (const entry of r.stdout.split("\0")) {
      const tab = entry.indexOf("\t");
      if (tab === -1) continue;
      files[entry.slice(tab + 1)] = entry.slice(0, tab).split(" ")[2] ?? "";
    }
  }
  for (const [p, h] of Object.entries(ref.dirty)) {
    if (h === "deleted") delete files[p];
    else files[p] = `w:${h}`;
  }
  return { commit: ref.commit, files, artifacts: ref.artifacts, features: ref.features, config: ref.config };
}

/** The fingerprint of the latest approval (or resume) that recorded one. */
export function lastApproved(events: readonly AnyEvent[]): FingerprintRef | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if ((e.type === "GateApproved" || e.type === "Resumed") && e.data.fingerprint) return e.data.fingerprint;
  }
  return null;
}

export async function measureDrift(
  project: Project,
  events: readonly AnyEvent[],
  version: string,
): Promise<Deviation | null> {
  const approved = lastApproved(events);
  if (!approved) return null;
  return measureBetween(project, approved, await readFingerprint(project, version));
}

/** True when the project is not where `ref` saw it: another commit, working changes, features or config (artifacts aside). */
export function scopeMoved(ref: FingerprintRef, now: FingerprintRef): boolean {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const sorted = (d: Record<string, string>) =>
    Object.fromEntries(Object.entries(d).sort(([a], [b]) => byCodeUnit(a, b)));
  return (
    ref.commit !== now.commit ||
    ref.config !== now.config ||
    !same(ref.features, now.features) ||
    !same(sorted(ref.dirty), sorted(now.dirty))
  );
}

/** How far `now` deviates from the `approved` fingerprint (the spec's system impact). */
export async function measureBetween(
  project: Project,
  approved: FingerprintRef,
  now: FingerprintRef,
): Promise<Deviation> {
  // Blob ids of committed files and content hashes of working files differ in form: compare like with like.
  const [a, b] = await Promise.all([expand(project, approved), expand(project, now)]);
  for (const p of Object.keys(b.files))
    if (b.files[p]!.startsWith("w:") && a.files[p] && !a.files[p].startsWith("w:"))
      a.files[p] = `w:${await hashCommitted(project, approved.commit, p)}`;
  const cfg = project.config.scope as
    | { categories?: Partial<typeof DEFAULT_SCOPE_CATEGORIES>; thresholds?: { minor: number; major: number } }
    | undefined;
  return measureDeviation(a, b, {
    categories: {
      ...DEFAULT_SCOPE_CATEGORIES,
      ...Object.fromEntries(Object.entries(cfg?.categories ?? {}).filter(([, v]) => v !== undefined)),
    },
    ...(cfg?.thresholds ? { thresholds: cfg.thresholds } : {}),
  });
}

async function hashCommitted(project: Project, commit: string, path: string): Promise<string> {
  const r = await createGit(project.root, project.redact).run(["show", `${commit}:${path}`], {
    allowFail: true,
    maxBuffer: 64 * 1024 * 1024,
  });
  return createHash("sha1").update(r.stdout).digest("hex");
}
