/**
 * Rolling back the container image target: the moving tags (`latest`, every tag without
 * `{version}`) go back to the image the previous version deployed here — its approved digest,
 * found through the ledger (the run that deployed `{previous}` on this environment, its package) —
 * else to what the tag pointed at before 6.1 moved it (recorded then). With no earlier image a
 * tag is removed where the registry allows it, or left with a note saying why. The version's own
 * tag stays (the image remains pullable by version, like a deprecated npm version). A tag that
 * points at something else by now is left alone.
 */
import { buildLedger, environmentRecord } from "../core/ledger.js";
import type { PackageImage } from "../core/events.js";
import type { ReleaseState } from "../core/release-state.js";
import type { StepContext } from "../engine/step-types.js";
import { imageTags, movingTags } from "../adapters/oci/oci-reference.js";
import { approvedImage } from "../package/oci-package.js";
import type { DeployTarget } from "./deploy-target.js";
import { ociClient } from "./execute-oci.js";

export interface PreviousImage {
  version: string | null;
  digest: string;
  /** "ledger": the approved digest of the run that deployed {previous} here; "registry": what the tag held before 6.1. */
  source: "ledger" | "registry";
  release?: string;
}

function imageOf(run: ReleaseState, t: DeployTarget): PackageImage | undefined {
  const o = t.oci!;
  const lists = [
    run.package?.images,
    run.promotion?.package.images,
    run.steps["2.4"]?.result?.["images"] as PackageImage[] | undefined,
  ];
  for (const l of lists) {
    const hit = Array.isArray(l) ? l.find((i) => i.from === o.from && (i.ref ?? null) === (o.ref ?? null)) : undefined;
    if (hit) return hit;
  }
  return undefined;
}

/** The image the previous version deployed on this environment, from the ledger. Pure over the runs. */
export function previousImageFromLedger(
  runs: readonly ReleaseState[],
  current: ReleaseState,
  t: DeployTarget,
): PreviousImage | null {
  const previous = current.previous;
  if (previous === null) return null;
  const byRelease = new Map(runs.map((r) => [r.release, r]));
  const rec = environmentRecord(buildLedger(runs, [t.name]), t.name);
  const entry = rec.history
    .filter(
      (e) =>
        (e.kind === "deployed" || e.kind === "promoted") && e.version === previous && e.release !== current.release,
    )
    .at(-1);
  const run = entry ? byRelease.get(entry.release) : undefined;
  const img = run ? imageOf(run, t) : undefined;
  return img ? { version: previous, digest: img.digest, source: "ledger", release: run!.release } : null;
}

/** What the moving tag held before this run's 6.1 moved it (recorded by 6.1:oci-tag-<tag>). */
function recordedBefore(ctx: Pick<StepContext, "state">, tag: string): string | null {
  const b = ctx.state.steps[`6.1:oci-tag-${tag}`]?.result?.["before"];
  return typeof b === "string" ? b : null;
}

/** Moves the moving tags back. Result: `{image, digest, tags: {tag: digest | null}, restored, notes}`. */
export async function rollbackImageTags(ctx: StepContext, t: DeployTarget): Promise<Record<string, unknown>> {
  const o = t.oci!;
  const client = ociClient(ctx, t);
  const ours = approvedImage(ctx, o).digest;
  const fromLedger = previousImageFromLedger((await ctx.readRuns?.()) ?? [], ctx.state, t);
  const where = `${client.ref.registry}/${client.ref.repository}`;
  const tags: Record<string, string | null> = {};
  const notes: string[] = [];
  const restored: PreviousImage[] = [];
  for (const tag of imageTags(movingTags(o.tags), t.vars.version)) {
    const before = recordedBefore(ctx, tag);
    const prev: PreviousImage | null =
      fromLedger ??
      (before && before !== ours ? { version: t.vars.previous, digest: before, source: "registry" } : null);
    const now = await client.manifestDigest(tag);
    if (prev && now === prev.digest) {
      tags[tag] = now; // already back (a rollback interrupted after this tag)
      continue;
    }
    if (now !== ours) {
      tags[tag] = now;
      notes.push(`${tag} points at ${now ?? "nothing"}, not at ${t.vars.version}'s image: left alone`);
      continue;
    }
    if (prev) {
      const m = await client.getManifest(prev.digest);
      if (m) {
        await client.putManifest(tag, m.bytes, m.mediaType);
        tags[tag] = prev.digest;
        restored.push(prev);
        continue;
      }
      notes.push(`the previous image ${prev.digest} is no longer on ${where}`);
    }
    const d = await client.deleteTag(tag);
    tags[tag] = d.deleted ? null : ours;
    if (!d.deleted)
      notes.push(`${tag} still points at ${t.vars.version}: there is no earlier image to point it at, and ${d.why}`);
    else notes.push(`${tag} removed: there is no earlier image to point it at`);
  }
  const p = restored[0] ?? fromLedger;
  return {
    image: where,
    digest: ours,
    tags,
    restored: p
      ? { version: p.version, digest: p.digest, source: p.source, ...(p.release ? { release: p.release } : {}) }
      : null,
    notes,
    detail:
      Object.entries(tags)
        .map(([k, v]) => `${k} → ${v ? `${v.slice(0, 19)}…` : "removed"}`)
        .join(", ") || "no moving tags",
  };
}
