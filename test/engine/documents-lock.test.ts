/** The version's documents lock: callers in one process take turns (the file store's lock waits synchronously). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { withDocumentsLock } from "../../src/engine/write-documents.js";
import { FileStore } from "../../src/store/store-file.js";

it("serialises two writers of one version in one process without blocking either for good", async () => {
  const root = mkdtempSync(join(tmpdir(), "brtops-doclock-"));
  try {
    const store = new FileStore(root);
    const order: string[] = [];
    const writer = (name: string) =>
      withDocumentsLock(store, "1.1.0", async () => {
        order.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 50));
        order.push(`${name} out`);
        return name;
      });
    const started = Date.now();
    expect(
      await Promise.all([
        writer("staging"),
        writer("production"),
        withDocumentsLock(store, "1.2.0", async () => "other"),
      ]),
    ).toEqual(["staging", "production", "other"]);
    expect(order.slice(0, 4)).toEqual(["staging in", "staging out", "production in", "production out"]);
    expect(Date.now() - started).toBeLessThan(5000);
    // A failing holder lets the next one in.
    await expect(withDocumentsLock(store, "1.1.0", async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    expect(await withDocumentsLock(store, "1.1.0", async () => "after")).toBe("after");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
