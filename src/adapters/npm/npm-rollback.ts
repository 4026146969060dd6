/**
 * Rolling back an npm release: move every dist-tag that points at the bad version back to the
 * previous version (or drop it where there is none, except `latest`, which npm keeps), then
 * deprecate the version — or unpublish it, only when configured and the registry allows it
 * (falling back to deprecation when it refuses).
 */
import { npmError, runNpm, type NpmContext } from "./npm-cli.js";
import { npmDistTags, npmPublishedVersion, npmSetDistTag } from "./npm-publish.js";

export interface NpmRollbackResult {
  name: string;
  version: string;
  /** tag → what it points at now (null: removed; unchanged `latest` is listed with the version). */
  distTags: Record<string, string | null>;
  deprecated: boolean;
  unpublished: boolean;
  notes: string[];
}

/** Rolls back `name@version`. Example: `await npmRollback(ctx, {name: "@acme/lib", version: "2.0.0", previous: "1.4.2"})` → `{distTags: {latest: "1.4.2"}, deprecated: true, …}`. */
export async function npmRollback(
  ctx: NpmContext,
  o: { name: string; version: string; previous: string | null; unpublish?: boolean; message?: string },
): Promise<NpmRollbackResult> {
  const out: NpmRollbackResult = {
    name: o.name,
    version: o.version,
    distTags: {},
    deprecated: false,
    unpublished: false,
    notes: [],
  };
  if (!(await npmPublishedVersion(ctx, o.name, o.version))) {
    out.notes.push(`${o.name}@${o.version} is not on the registry: nothing to roll back`);
    return out;
  }
  const previousThere = o.previous !== null && (await npmPublishedVersion(ctx, o.name, o.previous)) !== null;
  if (o.previous !== null && !previousThere)
    out.notes.push(`the previous version ${o.previous} is not on the registry`);
  const tags = await npmDistTags(ctx, o.name);
  for (const [tag, at] of Object.entries(tags)) {
    if (at !== o.version) continue;
    if (previousThere) {
      await npmSetDistTag(ctx, o.name, o.previous!, tag);
      out.distTags[tag] = o.previous;
    } else if (tag !== "latest") {
      const r = await runNpm(ctx, ["dist-tag", "rm", o.name, tag]);
      if (r.exitCode !== 0) throw npmError(r, `removing dist-tag ${tag} of ${o.name}`);
      out.distTags[tag] = null;
    } else {
      out.distTags[tag] = o.version;
      out.notes.push("latest still points at the rolled-back version: there is no earlier version to point it at");
    }
  }
  if (o.unpublish) {
    const r = await runNpm(ctx, ["unpublish", `${o.name}@${o.version}`, "--force"]);
    if (r.exitCode === 0) {
      out.unpublished = true;
      return out;
    }
    out.notes.push(`the registry refused to unpublish (${npmError(r, "unpublishing").message}); deprecating instead`);
  }
  const message = o.message ?? `Rolled back by brtops${previousThere ? `; use ${o.previous}` : ""}.`;
  const r = await runNpm(ctx, ["deprecate", `${o.name}@${o.version}`, message]);
  if (r.exitCode !== 0) throw npmError(r, `deprecating ${o.name}@${o.version}`);
  out.deprecated = true;
  return out;
}

export interface NpmTagRollbackResult {
  name: string;
  version: string;
  tag: string;
  /** What the tag points at now (null: removed). */
  now: string | null;
  /** The version the tag was moved back to, and where that came from. */
  restored: { version: string; source: string } | null;
  notes: string[];
  detail: string;
}

/**
 * Rolls back a promotion: only the dist-tag the promotion moved (e.g. `latest`) goes back to the
 * first of `candidates` (the ledger's previous version, then what the tag held before) that is
 * on the registry. The version itself stays published and undeprecated — it is still certified
 * where it came from, and its own channel (`beta`) is not touched. A tag that points elsewhere by
 * now is left alone. Idempotent: a tag already back is adopted.
 * Example: `await npmTagRollback(ctx, {name: "@acme/lib", version: "3.0.0-beta.1", tag: "latest", candidates: [{version: "2.4.0", source: "ledger"}]})`.
 */
export async function npmTagRollback(
  ctx: NpmContext,
  o: {
    name: string;
    version: string;
    tag: string;
    candidates: readonly { version: string; source: string }[];
    /** What the tag held before the promotion (as 6.1 recorded it): the version itself means it did not move it. */
    before?: string | null;
  },
): Promise<NpmTagRollbackResult> {
  const notes: string[] = [];
  const tags = await npmDistTags(ctx, o.name);
  const now = tags[o.tag] ?? null;
  const out = (
    restored: NpmTagRollbackResult["restored"],
    at: string | null,
    detail: string,
  ): NpmTagRollbackResult => ({
    name: o.name,
    version: o.version,
    tag: o.tag,
    now: at,
    restored,
    notes,
    detail,
  });
  if (o.before === o.version)
    return out(
      null,
      now,
      `${o.tag} already pointed at ${o.version} before the promotion, which moved nothing: left alone`,
    );
  let target: { version: string; source: string } | null = null;
  for (const c of o.candidates) {
    if (c.version === o.version) continue;
    if (await npmPublishedVersion(ctx, o.name, c.version)) {
      target = c;
      break;
    }
    notes.push(`${c.version} (${c.source}) is not on the registry`);
  }
  if (now !== o.version) {
    if (target && now === target.version)
      return out(target, now, `${o.tag} already points at ${now} again (${target.source})`);
    return out(null, now, `${o.tag} points at ${now ?? "nothing"}, not at ${o.version}: left alone`);
  }
  if (target) {
    await npmSetDistTag(ctx, o.name, target.version, o.tag);
    return out(
      target,
      target.version,
      `${o.tag} moved back from ${o.version} to ${target.version} (${target.source}); ${o.version} stays published`,
    );
  }
  if (o.tag !== "latest") {
    const r = await runNpm(ctx, ["dist-tag", "rm", o.name, o.tag]);
    if (r.exitCode !== 0) throw npmError(r, `removing dist-tag ${o.tag} of ${o.name}`);
    return out(null, null, `${o.tag} removed: there is no earlier version to point it at`);
  }
  return out(
    null,
    o.version,
    `latest still points at ${o.version}: there is no earlier version on the registry to point it at`,
  );
}
