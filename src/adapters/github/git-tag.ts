/**
 * The git side of the GitHub target (spec 6.8.1, 6.8.2 and their rollback): an annotated tag,
 * pushing the branch and the tag, deleting them again. Each function is one effect the engine can
 * record, and each is idempotent: a tag already at the right commit is adopted, one at another
 * commit is E_TAG_CONFLICT (never moved).
 */
import { existsSync } from "node:fs";
import { BrtopsError } from "../../core/errors.js";
import type { Git } from "../git.js";
import { clearInterruptedTagLock } from "./tag-ref-lock.js";

export interface LocalTag {
  name: string;
  /** The commit the tag points at (peeled). */
  commit: string;
  annotated: boolean;
}

/** The local tag, or null. Example: `await localTag(git, "v2.1.0")` → `{name: "v2.1.0", commit: "9fceb02…", annotated: true}`. */
export async function localTag(git: Git, tag: string): Promise<LocalTag | null> {
  const ref = `refs/tags/${tag}`;
  const r = await git.run(["rev-parse", "-q", "--verify", `${ref}^{commit}`], { allowFail: true });
  if (r.code !== 0) return null;
  const type = await git.run(["cat-file", "-t", ref], { allowFail: true });
  return { name: tag, commit: r.stdout.trim(), annotated: type.stdout.trim() === "tag" };
}

/** The commit a revision names (HEAD, a branch, a sha). */
export async function resolveCommit(git: Git, rev: string): Promise<string> {
  const r = await git.run(["rev-parse", "-q", "--verify", `${rev}^{commit}`], { allowFail: true });
  if (r.code !== 0)
    throw new BrtopsError("E_GIT", `"${rev}" does not name a commit in ${git.cwd}.`, {
      hint: "Commit your work first; the release is tagged at a commit.",
    });
  return r.stdout.trim();
}

function conflict(tag: string, where: string, at: string, want: string): BrtopsError {
  return new BrtopsError(
    "E_TAG_CONFLICT",
    `Tag ${tag} already exists ${where} at commit ${at.slice(0, 12)}, not at ${want.slice(0, 12)} which this release tags.`,
    {
      hint: `brtops never moves a tag. If ${tag} is wrong, delete it yourself (git tag -d ${tag}; git push origin :refs/tags/${tag}) and run brtops run again; otherwise release another version.`,
      details: { tag, existing: at, wanted: want, where },
    },
  );
}

/** True when the tag exists locally (at `commit`, when given): the crash-recovery check of 6.8.1. */
export async function tagExists(git: Git, tag: string, commit?: string): Promise<boolean> {
  const t = await localTag(git, tag);
  return t !== null && (commit === undefined || t.commit === commit);
}

/**
 * Creates an annotated tag at `commit`, or adopts one already there. A ref lock left by an
 * interrupted run of this same tag is cleared first (`clearedLock: true`), see tag-ref-lock.ts.
 */
export async function ensureAnnotatedTag(
  git: Git,
  o: { tag: string; commit: string; message: string },
): Promise<{ action: "created" | "adopted"; commit: string; annotated: boolean; clearedLock?: true }> {
  const existing = await localTag(git, o.tag);
  if (existing) {
    if (existing.commit !== o.commit) throw conflict(o.tag, "in this repository", existing.commit, o.commit);
    return { action: "adopted", commit: existing.commit, annotated: existing.annotated };
  }
  const lock = await clearInterruptedTagLock(git, o);
  // Annotated, else `git push --follow-tags` and GitHub's release page treat it as a bare pointer.
  const r = await git.run(["tag", "-a", o.tag, "-m", o.message, o.commit], { allowFail: true });
  if (r.code !== 0) {
    // Said without the annotation: the command line carries all of it.
    const why = r.stderr
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(0, 2)
      .join(" ");
    throw new BrtopsError(
      "E_GIT",
      `git tag -a ${o.tag} ${o.commit.slice(0, 12)} failed (exit ${r.code}): ${why || "no message"}`,
      {
        hint: "Fix what git reports in the repository, then run brtops again.",
        details: { command: ["git", "tag", "-a", o.tag, "-m", "<annotation>", o.commit], exitCode: r.code },
      },
    );
  }
  return {
    action: "created",
    commit: o.commit,
    annotated: true,
    ...(lock === "cleared" ? { clearedLock: true as const } : {}),
  };
}

/** The commit a tag points at on the remote (peeled), or null when the remote has no such tag. */
export async function remoteTagCommit(git: Git, remote: string, tag: string): Promise<string | null> {
  const r = await git.run(["ls-remote", "--tags", remote, `refs/tags/${tag}`, `refs/tags/${tag}^{}`]);
  let direct: string | null = null;
  for (const line of r.stdout.split("\n")) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (!sha || !ref) continue;
    if (ref === `refs/tags/${tag}^{}`) return sha; // the peeled commit of an annotated tag
    if (ref === `refs/tags/${tag}`) direct = sha;
  }
  return direct;
}

/** The current branch, or null on a detached HEAD. */
export async function currentBranch(git: Git): Promise<string | null> {
  const r = await git.run(["symbolic-ref", "-q", "--short", "HEAD"], { allowFail: true });
  return r.code === 0 ? r.stdout.trim() : null;
}

export interface PushResult {
  remote: string;
  branch: string | null;
  tag: string;
  /** "pushed", or "adopted" when the remote already had the tag at this commit. */
  action: "pushed" | "adopted";
  /** "pushed" (fast-forwarded to the release commit), "present" (the remote branch already contains it), or "none" (detached, no branch). */
  branchAction: "pushed" | "present" | "none";
  commit: string;
}

/** The commit a branch points at on the remote, or null when the remote has no such branch. */
export async function remoteBranchCommit(git: Git, remote: string, branch: string): Promise<string | null> {
  const r = await git.run(["ls-remote", "--heads", remote, `refs/heads/${branch}`]);
  for (const line of r.stdout.split("\n")) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (sha && ref === `refs/heads/${branch}`) return sha;
  }
  return null;
}

/** True when `commit` is `head` or an ancestor of it, as far as this repository knows `head`. */
async function contains(git: Git, head: string, commit: string): Promise<boolean> {
  if (head === commit) return true;
  return (await git.run(["merge-base", "--is-ancestor", commit, head], { allowFail: true })).code === 0;
}

/**
 * Pushes the release commit to the branch and the tag to the remote in one atomic push (spec 6.8.2).
 * The branch gets the release commit itself, never the local branch head: commits made after the
 * release commit (while the gates were open) are not part of this release and are not published
 * by it. A remote branch that already contains the commit is left alone; one that has diverged is
 * E_PUSH_REJECTED and nothing is pushed.
 */
export async function pushBranchAndTag(
  git: Git,
  o: { remote: string; branch?: string | null; tag: string; commit: string },
): Promise<PushResult> {
  const branch = o.branch === undefined ? await currentBranch(git) : o.branch;
  const onRemote = await remoteTagCommit(git, o.remote, o.tag);
  if (onRemote !== null && onRemote !== o.commit) throw conflict(o.tag, `on ${o.remote}`, onRemote, o.commit);
  const remoteHead = branch ? await remoteBranchCommit(git, o.remote, branch) : null;
  const branchAction: PushResult["branchAction"] = !branch
    ? "none"
    : remoteHead !== null && (await contains(git, remoteHead, o.commit))
      ? "present"
      : "pushed";
  const refspecs = [
    ...(branchAction === "pushed" ? [`${o.commit}:refs/heads/${branch}`] : []),
    ...(onRemote === null ? [`refs/tags/${o.tag}:refs/tags/${o.tag}`] : []),
  ];
  if (refspecs.length > 0) {
    const r = await git.run(["push", "--atomic", "--porcelain", o.remote, ...refspecs], { allowFail: true });
    if (r.code !== 0) throw pushRejected(o, branch, r);
  }
  return {
    remote: o.remote,
    branch,
    tag: o.tag,
    action: onRemote === null ? "pushed" : "adopted",
    branchAction,
    commit: o.commit,
  };
}

function pushRejected(
  o: { remote: string; tag: string; commit: string },
  branch: string | null,
  r: { stdout: string; stderr: string; code: number },
): BrtopsError {
  const text = `${r.stdout}\n${r.stderr}`;
  const diverged = /non-fast-forward|fetch first|\[rejected\]/.test(text);
  const why = r.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("hint:"))
    .slice(0, 2)
    .join(" ");
  return new BrtopsError(
    "E_PUSH_REJECTED",
    diverged
      ? `${o.remote} refused the push: its ${branch} has commits that the release commit ${o.commit.slice(0, 12)} does not contain. Nothing was pushed (the push is atomic).`
      : `git push to ${o.remote} failed (exit ${r.code}): ${why || "no message"}. Nothing was pushed (the push is atomic).`,
    {
      hint: diverged
        ? `Bring the release commit onto ${o.remote}/${branch} yourself (or release from a commit that contains it), then run brtops run again.`
        : `Check that ${o.remote} is reachable and that you may push to it, then run brtops run again.`,
      details: { remote: o.remote, branch, tag: o.tag, commit: o.commit, exitCode: r.code },
    },
  );
}

/** Deletes the tag on the remote (rollback); `deleted: false` when it was not there. */
export async function deleteRemoteTag(git: Git, remote: string, tag: string): Promise<{ deleted: boolean }> {
  if ((await remoteTagCommit(git, remote, tag)) === null) return { deleted: false };
  await git.run(["push", "--porcelain", remote, `:refs/tags/${tag}`]);
  return { deleted: true };
}

/** Deletes the local tag (rollback); `deleted: false` when it was not there. */
export async function deleteLocalTag(git: Git, tag: string): Promise<{ deleted: boolean }> {
  if (!(await localTag(git, tag))) return { deleted: false };
  const r = await git.run(["tag", "-d", tag], { allowFail: true });
  if (r.code === 0) return { deleted: true };
  // A `git tag -d` killed mid-way leaves packed-refs.lock (empty, so nothing proves whose it is):
  // name the file instead of guessing, and leave it to the person who knows no git is running.
  const lock =
    /Unable to create '([^']+\.lock)': File exists/.exec(r.stderr)?.[1] ??
    /unable to create file ([^:]+packed-refs\.new): File exists/.exec(r.stderr)?.[1];
  if (lock) {
    // git writes packed-refs.new while holding packed-refs.lock; a killed writer leaves both.
    const leftovers = [
      lock,
      ...[`${lock.replace(/\.(lock|new)$/, "")}.new`].filter((f) => f !== lock && existsSync(f)),
    ];
    throw new BrtopsError(
      "E_GIT_REF_LOCKED",
      `Tag ${tag} cannot be deleted: git's ${leftovers.length > 1 ? "files" : "file"} ${leftovers.join(" and ")} ${leftovers.length > 1 ? "are" : "is"} in the way.`,
      {
        hint: `A git command is running in this repository, or one was interrupted (a crash during an earlier rollback leaves these). If none is running, delete ${leftovers.join(" ")}, then run the rollback again.`,
        details: { tag, lock, leftovers },
      },
    );
  }
  const why = r.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 2)
    .join(" ");
  throw new BrtopsError("E_GIT", `git tag -d ${tag} failed (exit ${r.code}): ${why || "no message"}`, {
    hint: "Fix what git reports in the repository, then run the rollback again.",
    details: { exitCode: r.code },
  });
}
