/**
 * One version, several runs, one folder: v1.1.0 certified on staging, then promoted to production
 * as run "1.1.0@production" — the production run's documents keep the staging record byte for
 * byte and add its own section; `docs --rebuild` reproduces the composed files byte for byte. And
 * v1.2.0 aborted after phase 2, then requested again as attempt 2: its section links attempt 1.
 * Everything goes through the CLI (`brtops release V --to ENV` makes the later runs).
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldEvents } from "../../src/core/fold.js";
import { FileStore } from "../../src/store/store-file.js";
import { AI, HUM, brtops, sampleProject, status } from "../support/cli.js";

const PRODUCTION = `  production:
    deploy:
      - {name: ship, run: [./scripts/deploy.sh, "{version}"], check: [./scripts/is-deployed.sh, "{version}"]}
    health:
      - {name: up, run: [./scripts/health.sh]}
    rollback:
      - {name: back, run: [./scripts/deploy.sh, "{previous}"]}
    onFailure: ask
`;

/**
 * Decides what the open release waits for and runs it on, until it is certified. An incident is
 * continued past: how a later run treats phase 2 (a promotion reuses the approved package) is the
 * request side's business; these tests are about the documents each run writes.
 */
function driveToCertified(root: string): void {
  for (let i = 0; i < 16; i++) {
    const s = status(root);
    if (s.state === "certified") return;
    if (s.incident) expect(brtops(root, HUM, ["guide", "continue", "--step", s.incident.step]).code).toBe(0);
    else if (s.gate) expect(brtops(root, HUM, ["approve", "--step", s.gate.step]).code).toBe(0);
    const run = brtops(root, AI, ["run", "--json"]);
    expect([0, 1, 3]).toContain(run.code);
  }
  expect(status(root).state).toBe("certified");
}

function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(".md"))
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );
}

async function stateOf(root: string, id: string) {
  const store = new FileStore(root);
  const s = foldEvents((await store.read(id)).events)!;
  await store.close();
  return s;
}

describe("the documents of a version with several runs", () => {
  let root: string;
  let cleanup: () => void;
  const dir = (v: string) => join(root, `docs/01_application/6-releases/v${v}`);
  let staging: Record<string, string>;

  beforeAll(() => {
    ({ root, cleanup } = sampleProject({ envExtra: PRODUCTION }));
  });
  afterAll(() => cleanup());

  it("certifies v1.1.0 on staging: one run, documents as they always were (no run heading)", () => {
    expect(brtops(root, AI, ["RELEASE v1.1.0 to Staging", "--json"]).code).toBe(3);
    driveToCertified(root);
    staging = readDir(dir("1.1.0"));
    expect(Object.keys(staging).length).toBe(7);
    for (const text of Object.values(staging)) expect(text).not.toContain("## Run ");
  });

  it("promotes v1.1.0 to production: each document keeps the staging record byte for byte and adds the production section", async () => {
    const first = await stateOf(root, "1.1.0");
    const request = brtops(root, AI, ["release", "1.1.0", "--to", "production", "--json"]);
    expect(request.code).toBe(3);
    expect((await stateOf(root, "1.1.0@production")).promotion?.from).toBe("1.1.0");
    driveToCertified(root);
    const both = readDir(dir("1.1.0"));
    const ownRun = await stateOf(root, "1.1.0@production");
    const written = Object.values(ownRun.documents).flatMap((d) => d.files);
    expect(written.length).toBeGreaterThan(0);
    for (const { name, sha256 } of written) {
      const text = both[name]!;
      // The staging run's record first, exactly as it was written.
      expect(text.startsWith(staging[name]!)).toBe(true);
      const rest = text.slice(staging[name]!.length);
      expect(
        rest.startsWith(
          `\n---\n\n## Run 1.1.0@production — production, attempt 1 (promotion of 1.1.0 from ${first.environment})\n\n`,
        ),
      ).toBe(true);
      expect(rest).toContain(`Deploys the package approved in run 1.1.0`);
      // The sha256 the production run recorded is its own section's body (after its heading).
      const body = rest.slice(rest.indexOf("\n\n", rest.indexOf("Requested by")) + 2);
      const { createHash } = await import("node:crypto");
      expect(createHash("sha256").update(body).digest("hex")).toBe(sha256);
      expect(body).toContain("run 1.1.0@production");
    }
    // The staging run's recorded hashes still match its section (another run's section never makes them stale).
    const firstRun = await stateOf(root, "1.1.0");
    const { createHash } = await import("node:crypto");
    for (const { name, sha256 } of Object.values(firstRun.documents).flatMap((d) => d.files))
      expect(createHash("sha256").update(staging[name]!).digest("hex")).toBe(sha256);
  });

  it("docs --rebuild reproduces the composed documents byte for byte; --check and --release RUN act on the version's folder", () => {
    const before = readDir(dir("1.1.0"));
    const r = brtops(root, AI, ["docs", "--rebuild", "--release", "1.1.0@production", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json.folder).toBe("docs/01_application/6-releases/v1.1.0");
    expect(r.json.runs).toEqual(["1.1.0", "1.1.0@production"]);
    expect(r.json.documents.length).toBe(7);
    expect(r.json.documents.every((d: { same: boolean }) => d.same)).toBe(true);
    expect(readDir(dir("1.1.0"))).toEqual(before);
    const check = brtops(root, AI, ["docs", "--check", "--release", "1.1.0", "--json"]);
    expect(check.code).toBe(0);
    // Lose the staging record from a file (as a run writing only its own section would): --check
    // finds it, --rebuild brings back every run's section byte for byte.
    const file = join(dir("1.1.0"), "post-deployment-validation.md");
    writeFileSync(
      file,
      before["post-deployment-validation.md"]!.slice(staging["post-deployment-validation.md"]!.length),
    );
    const bad = brtops(root, AI, ["docs", "--check", "--json"]);
    expect(bad.code).not.toBe(0);
    expect(bad.json.documents.filter((d: { same: boolean }) => !d.same).map((d: { name: string }) => d.name)).toEqual([
      "post-deployment-validation.md",
    ]);
    expect(brtops(root, AI, ["docs", "--rebuild"]).code).toBe(0);
    expect(readDir(dir("1.1.0"))).toEqual(before);
    expect(check.json.documents.find((d: { name: string }) => d.name === "post-deployment-validation.md").runs).toEqual(
      ["1.1.0", "1.1.0@production"],
    );
  });

  it("a new attempt after an aborted one has its own section linking the earlier attempt", async () => {
    expect(brtops(root, AI, ["RELEASE v1.2.0 to Staging", "--json"]).code).toBe(3);
    expect(brtops(root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    const attempt1 = readDir(dir("1.2.0"));
    expect(Object.keys(attempt1).sort()).toEqual(["changelog.md", "release-notes.md"]);
    expect(brtops(root, HUM, ["abort", "--note", "wrong scope"]).code).toBe(0);
    brtops(root, AI, ["run"]);
    expect((await stateOf(root, "1.2.0")).state).toBe("aborted");

    const env = (await stateOf(root, "1.2.0")).environment;
    const id = `1.2.0@${env}~2`;
    expect(brtops(root, AI, ["release", "1.2.0", "--to", "staging", "--json"]).code).toBe(3);
    expect((await stateOf(root, id)).earlier).toEqual(["1.2.0"]);
    for (let i = 0; i < 4 && status(root).gate?.step !== "2.10"; i++) {
      const s = status(root);
      if (s.incident) expect(brtops(root, HUM, ["guide", "continue", "--step", s.incident.step]).code).toBe(0);
      brtops(root, AI, ["run"]);
    }
    expect(brtops(root, HUM, ["approve", "--step", "2.10"]).code).toBe(0);
    expect(brtops(root, AI, ["run"]).code).toBe(3);
    const both = readDir(dir("1.2.0"));
    for (const name of ["changelog.md", "release-notes.md"]) {
      expect(both[name]!.startsWith(attempt1[name]!)).toBe(true);
      expect(both[name]!.slice(attempt1[name]!.length)).toMatch(
        new RegExp(
          `^\\n---\\n\\n## Run 1\\.2\\.0@${env}~2 — ${env}, attempt 2 \\(earlier attempt 1\\.2\\.0 ended aborted\\)\\n`,
        ),
      );
    }
    const before = readDir(dir("1.2.0"));
    const r = brtops(root, AI, ["docs", "--rebuild", "--release", id, "--json"]);
    expect(r.code).toBe(0);
    expect(r.json.runs).toEqual(["1.2.0", id]);
    expect(readDir(dir("1.2.0"))).toEqual(before);
  });
});
