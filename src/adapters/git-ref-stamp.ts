/**
 * What the commits some refs name depend on, as files (I/O, read-only): the content of `.git/HEAD`
 * and of every loose ref file a name could resolve through, and the identity of `packed-refs`.
 * The same stamp means git would answer the same, so an answer git gave for it can be given again
 * without starting a git process (each costs a fork of this whole process: ~10% of a release's
 * CPU went to spawning git). Loose refs are compared by content (a ref file holds its commit id);
 * `packed-refs` by inode, size and times (git replaces it whole, never edits it in place).
 *
 * Null — ask git — whenever the layout is not the plain one: a `.git` file (worktree, submodule),
 * the reftable backend, GIT_DIR and friends in the environment, a name with revision syntax.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** A name git resolves through refs only (no revision syntax: ^ ~ : @{ … ). */
const PLAIN_NAME = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/;
/** A full commit id: names itself. */
const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ENVIRONMENT = ["GIT_DIR", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_WORK_TREE"];

/**
 * The `.git` folder git finds from `cwd` when it is a plain one and nothing in the environment
 * points git elsewhere; else null. Found from the real path, as git looks: a project reached
 * through a symbolic link belongs to the repository around its target.
 */
export function plainGitDir(cwd: string): string | null {
  return ENVIRONMENT.some((k) => process.env[k]) ? null : gitDirOf(realpathSync.native(cwd));
}

/**
 * The folder `cwd` is in, relative to the top of its repository, as `git rev-parse --show-prefix`
 * prints it ("" at the top, "apps/web/" below it); null where only git can tell (as plainGitDir).
 */
export function worktreePrefix(cwd: string): string | null {
  try {
    const gitDir = plainGitDir(cwd);
    // A core.worktree setting puts the top elsewhere than beside .git: git says where.
    if (!gitDir || /^\s*worktree\s*=/im.test(content(join(gitDir, "config")))) return null;
    const rel = relative(dirname(gitDir), realpathSync.native(cwd));
    return rel === "" ? "" : `${rel.split(sep).join("/")}/`;
  } catch {
    return null;
  }
}

function gitDirOf(cwd: string): string | null {
  for (let dir = cwd; ;) {
    // A git folder itself (a bare repository, or inside .git): git uses it, not a .git further up.
    if (existsSync(join(dir, "HEAD")) && existsSync(join(dir, "objects"))) return null;
    const candidate = join(dir, ".git");
    const st = statSync(candidate, { throwIfNoEntry: false });
    if (st) return st.isDirectory() && !existsSync(join(candidate, "reftable")) ? candidate : null;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function content(file: string): string {
  try {
    return readFileSync(file, "latin1");
  } catch {
    return "-";
  }
}

function identity(file: string): string {
  const st = statSync(file, { bigint: true, throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : "-";
}

/** The files `name` may resolve through, in git's order (gitrevisions: <refname>). */
function candidates(gitDir: string, name: string): string[] {
  if (name === "HEAD") return [join(gitDir, "HEAD")];
  return [
    join(gitDir, name),
    join(gitDir, "refs", name),
    join(gitDir, "refs", "tags", name),
    join(gitDir, "refs", "heads", name),
    join(gitDir, "refs", "remotes", name),
    join(gitDir, "refs", "remotes", name, "HEAD"),
  ];
}

/**
 * The stamp of what `names` resolve to in the repository at `cwd`, or null when it cannot be told
 * from files (then only git can say). Example: `refStamp(root, ["HEAD", "v1.1.0"])`.
 */
export function refStamp(cwd: string, names: readonly string[]): string | null {
  try {
    if (!names.every((n) => FULL_ID.test(n) || PLAIN_NAME.test(n))) return null;
    const gitDir = plainGitDir(cwd);
    if (!gitDir) return null;
    const parts: string[] = [gitDir, identity(join(gitDir, "packed-refs"))];
    for (const name of names) {
      if (FULL_ID.test(name)) {
        parts.push(name);
        continue;
      }
      for (const file of candidates(gitDir, name)) {
        const text = content(file);
        parts.push(text);
        // A symbolic ref (HEAD → refs/heads/main): the ref it names too, one level (git allows five; more is asked of git).
        const target = /^ref: (refs\/[^\s]+)\s*$/.exec(text)?.[1];
        if (target) {
          if (!PLAIN_NAME.test(target)) return null;
          const next = content(join(gitDir, target));
          if (next.startsWith("ref:")) return null;
          parts.push(next);
        }
      }
    }
    return parts.join("\0");
  } catch {
    return null;
  }
}

/** The stamp of the repository's tag names: `packed-refs` and the loose tags' paths. Null as for refStamp. */
export function tagsStamp(cwd: string): string | null {
  try {
    const gitDir = plainGitDir(cwd);
    if (!gitDir) return null;
    const tags = join(gitDir, "refs", "tags");
    const loose = existsSync(tags) ? readdirSync(tags, { recursive: true, encoding: "utf8" }).sort() : [];
    return [gitDir, identity(join(gitDir, "packed-refs")), ...loose].join("\0");
  } catch {
    return null;
  }
}

/**
 * True when the repository at `cwd` certainly has no ref under `prefix` ("refs/brtops/"): a plain
 * `.git` with no such folder and a `packed-refs` (if any) that names none. False whenever that
 * cannot be told from files: then git is asked.
 */
export function noRefsUnder(cwd: string, prefix: string): boolean {
  try {
    if (!prefix.startsWith("refs/") || !prefix.endsWith("/")) return false;
    const gitDir = plainGitDir(cwd);
    if (!gitDir) return false;
    // A folder git left empty (it removes loose refs, not always their folders) holds no ref.
    const loose = join(gitDir, prefix);
    if (existsSync(loose) && readdirSync(loose, { recursive: true, withFileTypes: true }).some((e) => !e.isDirectory()))
      return false;
    const packed = join(gitDir, "packed-refs");
    return !existsSync(packed) || !readFileSync(packed, "latin1").includes(` ${prefix}`);
  } catch {
    return false;
  }
}
