/**
 * Signed decisions through the CLI (issue 12, point 4): with `authority.requireSignatures`, an
 * unsigned approval exits 4 and records nothing; one signed with the HUM LEAD's SSH key is recorded
 * and `audit verify` verifies it; a signature changed in the log — the event rewritten and every
 * hash after it recomputed, so the chain itself is intact — fails `audit verify`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chain } from "../../src/store/event-chain.js";
import type { AnyEvent } from "../../src/core/events.js";
import { AI, HUM, HUM2, brtops, sampleProject } from "../support/cli.js";

const LOG = ".brtops/releases/1.1.0/events.jsonl";

/** A fresh ed25519 key pair: the private key file and the public key line. */
function keyPair(dir: string, name: string): { file: string; pub: string } {
  const file = join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file]);
  return { file, pub: readFileSync(`${file}.pub`, "utf8").trim() };
}

/** The log's events (a line holds one event, or the array of events one append wrote). */
const readLog = (root: string): AnyEvent[] =>
  readFileSync(join(root, LOG), "utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => JSON.parse(l) as AnyEvent | AnyEvent[]);

/**
 * Writes `events` back with every hash and prev recomputed from the first one — a chain that
 * verifies — and moves the log's anchor (refs/brtops/1.1.0) to the rewritten event it names, as
 * someone who can write the repository can: only a signature check can catch what was changed.
 */
function writeRechained(root: string, events: AnyEvent[]): void {
  const drafts = events.map(
    ({ type, at, actor, data }) => ({ type, at, actor, data }) as Parameters<typeof chain>[3][number],
  );
  const rechained = chain(events[0]!.release, 0, "0".repeat(64), drafts);
  writeFileSync(join(root, LOG), rechained.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const git = (args: string[], input?: string) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8", ...(input === undefined ? {} : { input }) }).trim();
  const anchored = Number(git(["cat-file", "-p", "refs/brtops/1.1.0"]).split(" ")[0]);
  const e = rechained.find((x) => x.seq === anchored)!;
  git(["update-ref", "refs/brtops/1.1.0", git(["hash-object", "-w", "--stdin"], `${e.seq} ${e.hash}\n`)]);
}

describe("signed decisions with authority.requireSignatures", () => {
  let keys: string;
  let alice: { file: string; pub: string };
  let mallory: { file: string; pub: string };
  let root: string;
  let cleanup: () => void;

  beforeAll(() => {
    keys = mkdtempSync(join(tmpdir(), "brtops-keys-"));
    alice = keyPair(keys, "alice");
    mallory = keyPair(keys, "mallory");
    ({ root, cleanup } = sampleProject({
      hum: [`{id: ${HUM}, key: "${alice.pub}"}`, HUM2],
      extra: "authority:\n  requireSignatures: true\n",
    }));
    expect(brtops(root, AI, ["release", "1.1.0", "--to", "staging"]).code).toBe(3);
  });
  afterAll(() => {
    cleanup?.();
    rmSync(keys, { recursive: true, force: true });
  });

  it("an unsigned approval exits 4 (E_SIGNATURE_REQUIRED) and records nothing; so does one signed with a key not configured for the approver", () => {
    const before = readLog(root).length;
    const r = brtops(root, HUM, ["approve", "--step", "2.10", "--json"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("E_SIGNATURE_REQUIRED");
    const other = brtops(root, HUM, ["approve", "--step", "2.10", "--json", "--sign-key", mallory.file]);
    expect(other.code).toBe(4);
    expect(other.json.error.code).toBe("E_SIGNATURE_INVALID");
    // bob has no key at all: he cannot decide unsigned either.
    expect(brtops(root, HUM2, ["approve", "--step", "2.10"]).code).toBe(4);
    expect(readLog(root).length).toBe(before);
  });

  it("an approval signed with the HUM LEAD's SSH key (BRTOPS_SIGNING_KEY) is recorded, and audit verify verifies its signature", () => {
    const r = brtops(root, HUM, ["approve", "--step", "2.10", "--note", "package reviewed", "--json"], {
      BRTOPS_SIGNING_KEY: alice.file,
    });
    expect(r.code).toBe(0);
    const approved = readLog(root)
      .filter((e) => e.type === "GateApproved")
      .at(-1)!;
    expect(approved.actor.id).toBe(HUM);
    const sig = (approved.data as { signature?: { kind: string; keyId: string; value: string } }).signature;
    expect(sig?.kind).toBe("ssh");
    expect(sig?.keyId).toMatch(/^SHA256:/);
    expect(sig?.value).toContain("BEGIN SSH SIGNATURE");

    const v = brtops(root, AI, ["audit", "verify", "--json"]);
    expect(v.code).toBe(0);
    const rel = v.json.releases.find((x: { release: string }) => x.release === "1.1.0");
    expect(rel.ok).toBe(true);
    expect(rel.signed).toEqual([
      expect.objectContaining({ seq: approved.seq, step: "2.10", actor: HUM, kind: "ssh", keyId: sig!.keyId }),
    ]);
    expect(rel.unsigned).toEqual([]);
  });

  it("a signature changed in the log, with the chain's hashes recomputed, fails audit verify naming the event", () => {
    const events = readLog(root);
    const i = events.findIndex((e) => e.type === "GateApproved");
    const original = JSON.stringify(events);
    try {
      // Mallory re-signs alice's decision with her own key and rewrites the chain: every hash checks out.
      const e = events[i]!;
      const data = e.data as { signature: { value: string } };
      const forged = execFileSync("ssh-keygen", ["-Y", "sign", "-q", "-f", mallory.file, "-n", "brtops"], {
        input: "anything",
      })
        .toString()
        .trim();
      events[i] = { ...e, data: { ...e.data, signature: { ...data.signature, value: forged } } } as AnyEvent;
      writeRechained(root, events);
      const v = brtops(root, AI, ["audit", "verify", "--json"]);
      expect(v.code).toBe(1);
      const rel = v.json.releases.find((x: { release: string }) => x.release === "1.1.0");
      expect(rel.bad.seq).toBe(e.seq);
      expect(rel.bad.reason).toMatch(/signature/);

      // The note changed under a valid signature: the same.
      const events2 = JSON.parse(original) as AnyEvent[];
      const e2 = events2[i]!;
      events2[i] = { ...e2, data: { ...e2.data, note: "approved without reading" } } as AnyEvent;
      writeRechained(root, events2);
      const v2 = brtops(root, AI, ["audit", "verify"]);
      expect(v2.code).toBe(1);
      expect(v2.stdout).toMatch(new RegExp(`event ${e2.seq}: .*signature`));

      // The signature removed: an unsigned decision where one is required.
      const events3 = JSON.parse(original) as AnyEvent[];
      const e3 = events3[i]!;
      const { signature: _dropped, ...unsignedData } = e3.data as Record<string, unknown>;
      events3[i] = { ...e3, data: unsignedData } as AnyEvent;
      writeRechained(root, events3);
      const v3 = brtops(root, AI, ["audit", "verify", "--json"]);
      expect(v3.code).toBe(1);
      const rel3 = v3.json.releases.find((x: { release: string }) => x.release === "1.1.0");
      expect(rel3.unsigned).toEqual([expect.objectContaining({ seq: e3.seq, actor: HUM, required: true })]);
    } finally {
      writeRechained(root, JSON.parse(original) as AnyEvent[]);
    }
    expect(brtops(root, AI, ["audit", "verify"]).code).toBe(0);
  });
});
