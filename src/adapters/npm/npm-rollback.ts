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
