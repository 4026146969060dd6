/**
 * Spec 2.4: run the configured build commands, then find each declared artifact (a path, a folder
 * or a glob) and record its path, size and sha256 in `artifacts-manifest.json` in the release
 * folder. A failed build or an artifact that matches nothing fails the step; the manifest is
 * written only when every artifact was found. I/O.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessRunner } from "../adapters/process-runner.js";
import type { CommandStep } from "../config/schema.js";
import { describeRun } from "../adapters/process-runner.js";
import type { SubstitutionVars } from "../deploy/substitute.js";
import { substitute } from "../deploy/substitute.js";
import { expandArtifact, hashFile } from "./read-artifact-files.js";
import { repoPath } from "./read-features.js";
import { runCommandStep, tail } from "./run-command-step.js";

export const MANIFEST_FILE = "artifacts-manifest.json";

export interface BuildStep extends CommandStep {
  artifacts: string[];
}

export interface ArtifactRecord {
  build: string;
  pattern: string;
  /** Repository-relative. */
  path: string;
  size: number;
  sha256: string;
}

export interface ArtifactsResult {
  ok: boolean;
  builds: {
    name: string;
    exitCode: number | null;
    timedOut: boolean;
    durationMs: number;
    outcome: string;
    outputTail: string;
  }[];
  artifacts: ArtifactRecord[];
  missing: { build: string; pattern: string }[];
  /** Repository-relative path of the manifest, when written. */
  manifest: string | null;
  failure?: { code: string; message: string };
}

export interface CompileOptions {
  root: string;
  /** Absolute release folder (docs/01_application/6-releases/v{version}). */
  releaseDir: string;
  builds: readonly BuildStep[];
  run: ProcessRunner;
  vars: SubstitutionVars;
  /** ISO time recorded in the manifest (the engine's clock). */
  at: string;
  signal?: AbortSignal;
  /** false: the caller writes the manifest (e.g. with the stored copies' paths). Default true. */
  writeManifest?: boolean;
}

/** Builds and records the artifacts. Example: `(await runBuild({root, releaseDir, builds: config.build, run, vars, at})).artifacts[0].sha256`. */
export async function runBuild(o: CompileOptions): Promise<ArtifactsResult> {
  const out: ArtifactsResult = { ok: true, builds: [], artifacts: [], missing: [], manifest: null };
  for (const b of o.builds) {
    const r = await runCommandStep(o.root, b, o.run, o.vars, o.signal ? { signal: o.signal } : {});
    const ok = r.exitCode === 0 && !r.timedOut && !r.spawnError;
    out.builds.push({
      name: b.name,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      durationMs: r.durationMs,
      outcome: describeRun(r),
      outputTail: tail(`${r.stdout}${r.stderr ? `\n${r.stderr}` : ""}`),
    });
    if (!ok) {
      out.ok = false;
      out.failure = { code: "E_BUILD_FAILED", message: `Build "${b.name}" failed: ${describeRun(r)}.` };
      return out;
    }
    for (const raw of b.artifacts) {
      const pattern = substitute(raw, o.vars, `build "${b.name}" artifacts`);
      const files = await expandArtifact(o.root, pattern);
      if (files.length === 0) {
        out.missing.push({ build: b.name, pattern });
        continue;
      }
      for (const abs of files) {
        const { size, sha256 } = await hashFile(abs);
        out.artifacts.push({ build: b.name, pattern, path: repoPath(o.root, abs), size, sha256 });
      }
    }
  }
  if (out.missing.length > 0) {
    out.ok = false;
    out.failure = {
      code: "E_ARTIFACT_MISSING",
      message: `Artifact(s) not found after the build: ${out.missing.map((m) => `${m.pattern} (${m.build})`).join(", ")}.`,
    };
    return out;
  }
  if (o.writeManifest === false) return out;
  const file = await writeManifest(o.releaseDir, {
    version: o.vars.version,
    createdAt: o.at,
    artifacts: out.artifacts,
  });
  out.manifest = repoPath(o.root, file);
  return out;
}

/** Writes `artifacts-manifest.json` into the release folder; returns its absolute path. */
export async function writeManifest(releaseDir: string, manifest: Record<string, unknown>): Promise<string> {
  await mkdir(releaseDir, { recursive: true });
  const file = join(releaseDir, MANIFEST_FILE);
  // Written whole or not at all: a crash leaves the old manifest, never half of a new one.
  await writeFile(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return file;
}
