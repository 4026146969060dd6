import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityForToken, readTokens } from "../../src/server/tokens.js";
import { bundleScript } from "../support/bundle-script.js";

const run = promisify(execFile);

// Each process creates tokens, a session and a user through the real modules, printing the tokens.
const WRITER = `
import { createSessionToken, createToken } from "./src/server/tokens.js";
import { addUser } from "./src/server/users.js";
const [root, who, n] = process.argv.slice(2);
const out = [];
for (let i = 0; i < Number(n); i++) out.push(i % 2 ? createToken(root, who, new Date().toISOString()) : createSessionToken(root, who, new Date().toISOString(), 3_600_000));
await addUser(root, who, "long enough password", new Date().toISOString());
process.stdout.write(JSON.stringify(out));
`;

describe("tokens.json and users.json under concurrent writers", () => {
  let base: string;
  let writer: string;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "brtops-tokens-"));
    writer = await bundleScript(WRITER, join(base, "writer.mjs"));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("8 processes writing at once each keep every token and user they created", async () => {
    const root = mkdtempSync(join(base, "p-"));
    const who = Array.from({ length: 8 }, (_, i) => `user${i}@example.com`);
    const outs = await Promise.all(who.map((id) => run(process.execPath, [writer, root, id, "12"])));
    const created = outs.map((o) => JSON.parse(o.stdout) as string[]);
    expect(readTokens(root)).toHaveLength(8 * 12);
    created.forEach((tokens, i) => {
      for (const t of tokens) expect(identityForToken(root, t, new Date().toISOString())).toBe(who[i]);
    });
    const users = JSON.parse(readFileSync(join(root, ".brtops/users.json"), "utf8")) as { users: { id: string }[] };
    expect(users.users.map((u) => u.id).sort()).toEqual([...who].sort());
    expect(readdirSync(join(root, ".brtops")).sort()).toEqual(["tokens.json", "users.json"]); // no lock or temp file left behind
  });

  it("a lock left by a process that died is taken over", async () => {
    const root = mkdtempSync(join(base, "p-"));
    mkdirSync(join(root, ".brtops"));
    writeFileSync(
      join(root, ".brtops/tokens.json.lock"),
      JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), since: "2026-01-01T00:00:00.000Z" }),
    );
    const out = await run(process.execPath, [writer, root, "x@example.com", "1"]);
    expect(identityForToken(root, (JSON.parse(out.stdout) as string[])[0]!, new Date().toISOString())).toBe(
      "x@example.com",
    );
    expect(readdirSync(join(root, ".brtops")).sort()).toEqual(["tokens.json", "users.json"]);
  });
});
