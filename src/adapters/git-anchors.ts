/**
 * Log anchors as git refs: `refs/brtops/<release id>` in the project's repository points at a blob
 * holding "seq hash\n" of the log's head at the last decision. Pushed (best effort, in the
 * background, never blocking a decision) to the release's remote when it has one.
 */
import { spawn } from "node:child_process";
import { constants, setPriority } from "node:os";
import type { LogHead } from "../core/events.js";
import type { LogAnchors } from "../store/log-anchor.js";
import { createGit } from "./git.js";
import { noRefsUnder } from "./git-ref-stamp.js";

/** The lowest scheduling priority (nice 19): the anchor's push is background work. */
const BACKGROUND_PRIORITY = constants.priority.PRIORITY_LOW;

/** The ref of a release id; `~` (an attempt: `1.1.0@production~2`) may not appear in a ref name. */
export function anchorRef(release: string): string {
  return `refs/brtops/${release.replace(/~/g, "%7E")}`;
}

function parseHead(text: string): LogHead | null {
  const m = /^(\d+) ([0-9a-f]{64})\s*$/.exec(text);
  return m ? { seq: Number(m[1]), hash: m[2]! } : null;
}

/** Anchors in the git repository at `root` (none are read or written where `root` is not one). */
export function gitAnchors(
  root: string,
  remote: { name: string; push: boolean } = { name: "origin", push: true },
): LogAnchors {
  const git = createGit(root);
  // Read once per process: every anchor with two git calls, whatever the number of releases.
  let all: Promise<Map<string, LogHead>> | null = null;
  const load = async (): Promise<Map<string, LogHead>> => {
    const out = new Map<string, LogHead>();
    // No anchor at all (a project's first release): known from the ref files, without a git process.
    if (noRefsUnder(root, "refs/brtops/")) return out;
    const refs = await git.run(["for-each-ref", "--format=%(objectname) %(objecttype) %(refname)", "refs/brtops/"], {
      allowFail: true,
    });
    if (refs.code !== 0) return out;
    const rows = refs.stdout
      .split("\n")
      .map((l) => l.split(" "))
      .filter((r) => r.length === 3 && r[1] === "blob");
    if (rows.length === 0) return out;
    const text = await gitWithInput(root, ["cat-file", "--batch"], rows.map((r) => r[0]).join("\n") + "\n");
    // "<oid> blob <size>\n<content>\n" per object, read by its size: the content ends with its own
    // newline, so counting lines would pair a ref with its neighbour's blob.
    const buf = text ?? Buffer.alloc(0);
    for (let at = 0, r = 0; at < buf.length && r < rows.length; r++) {
      const eol = buf.indexOf(10, at);
      if (eol < 0) break;
      const m = / blob (\d+)$/.exec(buf.toString("utf8", at, eol));
      if (!m) {
        at = eol + 1; // "<oid> missing": no content follows
        continue;
      }
      const end = eol + 1 + Number(m[1]);
      const head = parseHead(buf.toString("utf8", eol + 1, end));
      if (head) out.set(rows[r]![2]!, head);
      at = end + 1;
    }
    return out;
  };
  return {
    async read(release) {
      all ??= load();
      return (await all).get(anchorRef(release)) ?? null;
    },
    async write(release, head) {
      const ref = anchorRef(release);
      // Whether there is a remote to push to is asked while the blob is written.
      const hasRemote = remote.push
        ? git.run(["remote", "get-url", remote.name], { allowFail: true }).then((r) => r.code === 0)
        : Promise.resolve(false);
      const blob = (await gitWithInput(root, ["hash-object", "-w", "--stdin"], `${head.seq} ${head.hash}\n`))
        ?.toString()
        .trim();
      if (!blob) return; // not a git repository: nothing to anchor in
      await git.run(["update-ref", ref, blob], { allowFail: true });
      all?.then(
        (m) => m.set(ref, head),
        () => undefined,
      );
      if (!(await hasRemote)) return;
      // Best effort and in the background: a slow or unreachable remote never holds a decision up,
      // and the push (with the git processes it starts) yields the CPU to the release's own work.
      const push = spawn("git", ["push", "-q", "--force", remote.name, `${ref}:${ref}`], {
        cwd: root,
        stdio: "ignore",
        detached: true,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
      });
      push.on("error", () => undefined);
      if (push.pid !== undefined) {
        try {
          setPriority(push.pid, BACKGROUND_PRIORITY);
        } catch {
          /* exited already, or not allowed: it runs at the usual priority */
        }
      }
      push.unref();
    },
  };
}

/** Runs git with `input` on its stdin; its stdout (bytes), or null when it fails. */
function gitWithInput(cwd: string, args: string[], input: string): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const p = spawn("git", args, { cwd, stdio: ["pipe", "pipe", "ignore"] });
    const out: Buffer[] = [];
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.on("error", () => resolve(null));
    p.on("close", (code) => resolve(code === 0 ? Buffer.concat(out) : null));
    p.stdin.on("error", () => undefined);
    p.stdin.end(input);
  });
}
