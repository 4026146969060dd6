/** Reads a file without trusting it: regular files only, at most `cap` bytes. I/O. */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { open, stat } from "node:fs/promises";

export interface BoundedRead {
  bytes: Uint8Array;
  truncated: boolean;
  size: number;
}

/** The first `cap` bytes of a regular file; null for anything else (a FIFO would block, a folder cannot be read). */
export async function readBounded(path: string, cap: number): Promise<BoundedRead | null> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return null;
  }
  if (!st.isFile()) return null;
  const fh = await open(path, "r");
  try {
    const want = Math.min(st.size, cap);
    const buf = new Uint8Array(want);
    let off = 0;
    while (off < want) {
      const { bytesRead } = await fh.read(buf, off, want - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return { bytes: off === want ? buf : buf.subarray(0, off), truncated: st.size > cap, size: st.size };
  } finally {
    await fh.close();
  }
}

/**
 * The same, synchronously: for the many small readiness documents of a project the thread-pool
 * round trips of the promise API cost more than the reads. Opened non-blocking so that a FIFO
 * is refused instead of waited on.
 */
export function readBoundedSync(path: string, cap: number): BoundedRead | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null;
    const want = Math.min(st.size, cap);
    const buf = new Uint8Array(want);
    let off = 0;
    while (off < want) {
      const n = readSync(fd, buf, off, want - off, off);
      if (n === 0) break;
      off += n;
    }
    return { bytes: off === want ? buf : buf.subarray(0, off), truncated: st.size > cap, size: st.size };
  } finally {
    closeSync(fd);
  }
}

/** Runs `fn` over items with at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
