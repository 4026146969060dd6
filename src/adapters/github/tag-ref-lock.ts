/**
 * A `git tag` killed while it held the ref's lock (a crash, a SIGKILL, a hook that never
 * returned) leaves `refs/tags/<tag>.lock` behind, and git refuses that tag until someone deletes
 * the file. brtops deletes it only when it can prove the lock is its own: git writes the new
 * value into the lock before committing it, so the lock names a tag object; when that object is
 * exactly this tag, at this commit, with this annotation (which carries the release's approvals,
 * so no other tagger writes the same text), the lock was left by an interrupted run of this very
 * step. Anything else is reported, never touched.
 */
import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { BrtopsError } from "../../core/errors.js";
import type { Git } from "../git.js";

/** What was found: no lock, an interrupted lock of ours that was removed. A foreign lock throws. */
export type TagLockState = "none" | "cleared";

/** The lock file git takes to write refs/tags/<tag> (files backend; worktrees resolved by git). */
export async function tagLockPath(git: Git, tag: string): Promise<string> {
  const r = await git.run(["rev-parse", "--git-path", `refs/tags/${tag}.lock`]);
  const p = r.stdout.trim();
  return isAbsolute(p) ? p : join(git.cwd, p);
}

// git's default message cleanup ("strip"): trailing spaces and surplus blank lines go.
function cleanMessage(s: string): string {
  return s
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The tag object's header fields and message, or null when `oid` is no tag object. */
async function readTagObject(git: Git, oid: string): Promise<{ object: string; tag: string; message: string } | null> {
  const r = await git.run(["cat-file", "tag", oid], { allowFail: true });
  if (r.code !== 0) return null;
  const split = r.stdout.indexOf("\n\n");
  const head = split < 0 ? r.stdout : r.stdout.slice(0, split);
  const field = (k: string): string =>
    head
      .split("\n")
      .find((l) => l.startsWith(`${k} `))
      ?.slice(k.length + 1) ?? "";
  return { object: field("object"), tag: field("tag"), message: split < 0 ? "" : r.stdout.slice(split + 2) };
}

/**
 * Removes the ref lock of `tag` when an interrupted `git tag` of exactly this tag left it;
 * throws E_GIT_REF_LOCKED when another lock is in the way. Example:
 * `await clearInterruptedTagLock(git, {tag: "v2.1.0", commit, message})` → `"cleared"`.
 */
export async function clearInterruptedTagLock(
  git: Git,
  o: { tag: string; commit: string; message: string },
): Promise<TagLockState> {
  const path = await tagLockPath(git, o.tag);
  if (!existsSync(path)) return "none";
  let content = "";
  try {
    content = readFileSync(path, "utf8").trim();
  } catch {
    /* vanished meanwhile, or unreadable: judged below */
  }
  if (!existsSync(path)) return "none";
  const obj = /^[0-9a-f]{40,64}$/.test(content) ? await readTagObject(git, content) : null;
  if (obj && obj.tag === o.tag && obj.object === o.commit && cleanMessage(obj.message) === cleanMessage(o.message)) {
    unlinkSync(path);
    return "cleared";
  }
  throw new BrtopsError(
    "E_GIT_REF_LOCKED",
    `Tag ${o.tag} cannot be created: git's lock file ${path} is in the way, and it is not one an interrupted brtops left.`,
    {
      hint: `A git command is running in this repository, or one was interrupted. If none is running, delete ${path}, then run brtops again.`,
      details: { tag: o.tag, lock: path, content: content.slice(0, 80) },
    },
  );
}
