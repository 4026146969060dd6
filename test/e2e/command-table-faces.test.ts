/**
 * One action table drives every face (issue 14.1): the CLI (`brtops help --json`), the HTTP app
 * (Hono's own route list and GET /api/actions) and the MCP server (tools/list through the SDK
 * client) list the same actions with the same authority; the same input is checked by the same
 * schema with the same code and message everywhere; every command refuses an unknown option
 * (exit 2, naming its options); a typo gets a suggestion; help lists every command; the release
 * view lists what the caller may do now; bash completion works in a real bash (zsh and fish too,
 * where they are installed).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/engine/project.js";
import { createApp } from "../../src/server/app.js";
import { createToken } from "../../src/server/tokens.js";
import { AI, CLI, HUM, brtops, sampleProject } from "../support/cli.js";

const onPath = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

type Face = Map<string, { authority: string; roles: string[] | null }>;
type CliCommand = {
  name: string;
  action: string | null;
  authority: string;
  roles: string[] | null;
  options: { name: string }[];
};

describe("one action table, every face", () => {
  let p: { root: string; cleanup: () => void };
  let project: Project;
  let app: Hono<any>;
  let client: Client;
  let tokens: { hum: string; ai: string };
  const log = () => readFileSync(join(p.root, ".brtops/releases/1.1.0/events.jsonl"), "utf8");
  const post = (token: string, action: string, body: unknown) =>
    app.request(`/api/releases/1.1.0/${action}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const get = async (token: string, path: string) =>
    (await app.request(path, { headers: { authorization: `Bearer ${token}` } })).json();

  beforeAll(async () => {
    p = sampleProject();
    const r = brtops(p.root, AI, ["release", "1.1.0", "--to", "local", "--json"]);
    expect(r.json?.step, r.stdout + r.stderr).toBe("2.10");
    project = await openProject(p.root);
    app = createApp(project, { pollMs: 100 });
    tokens = { hum: createToken(p.root, HUM, project.now()), ai: createToken(p.root, AI, project.now()) };
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    env.BRTOPS_ACTOR = "";
    client = new Client({ name: "brtops-faces-test", version: "0.0.0" });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], cwd: p.root, env, stderr: "ignore" }),
    );
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await project?.close();
    p?.cleanup();
  });

  it("the CLI, the HTTP routes and the MCP tools list the same actions with the same authority", async () => {
    // The CLI, from its own help.
    const commands = brtops(p.root, AI, ["help", "--json"]).json.commands as CliCommand[];
    const cli: Face = new Map(
      commands.filter((c) => c.action).map((c) => [c.action!, { authority: c.authority, roles: c.roles }]),
    );
    // The HTTP app: the routes Hono has, and what GET /api/actions says of them.
    const routes = (app as unknown as { routes: { method: string; path: string }[] }).routes;
    const listing = (await get(tokens.ai, "/api/actions")).actions as {
      name: string;
      kind: string;
      authority: string;
      roles: string[] | null;
      http: { method: string; path: string } | null;
    }[];
    const http: Face = new Map();
    for (const a of listing) {
      if (!a.http) continue;
      expect(routes, `${a.http.method} ${a.http.path}`).toContainEqual(expect.objectContaining(a.http));
      http.set(a.name, { authority: a.authority, roles: a.roles });
    }
    const decisionRoutes = routes
      .filter((r) => r.method === "POST" && /^\/api\/releases\/:version\/[a-z-]+$/.test(r.path))
      .map((r) => r.path.split("/").at(-1)!)
      .filter((n) => cli.has(n));
    // The MCP server, from tools/list.
    const mcp: Face = new Map();
    for (const t of (await client.listTools()).tools) {
      const m = t._meta as Record<string, any> | undefined;
      if (m?.["brtops/action"])
        mcp.set(m["brtops/action"], { authority: m["brtops/authority"], roles: m["brtops/roles"] });
    }

    // The same set: every action is a command; every one the server runs on request is a route
    // (run and validate are carried out by runners, not on a request); the MCP face has exactly
    // those an AI LEAD may take (by the roles the CLI itself reports), and the reading ones.
    expect([...cli.keys()].sort()).toEqual(listing.map((a) => a.name).sort());
    expect([...http.keys()].sort()).toEqual([...cli.keys()].filter((n) => n !== "run" && n !== "validate").sort());
    expect([...new Set(decisionRoutes)].sort()).toEqual(
      listing
        .filter((a) => a.kind === "decision")
        .map((a) => a.name)
        .sort(),
    );
    const agents = [...cli].filter(([, v]) => v.roles === null || v.roles.includes("ai-lead")).map(([n]) => n);
    expect([...mcp.keys()].sort()).toEqual(agents.sort());
    expect([...mcp.keys()]).toEqual(
      expect.arrayContaining([
        "request",
        "run",
        "ask",
        "respond",
        "propose",
        "feedback",
        "pause",
        "status",
        "list",
        "environments",
      ]),
    );
    for (const never of [
      "approve",
      "reject",
      "go",
      "answer",
      "guide",
      "resume",
      "abort",
      "rollback",
      "signoff",
      "sev",
      "waive",
    ])
      expect(mcp.has(never), never).toBe(false);
    // The same authority on every face.
    for (const [name, v] of cli) {
      if (http.has(name)) expect(http.get(name), name).toEqual(v);
      if (mcp.has(name)) expect(mcp.get(name), name).toEqual(v);
    }
    expect(cli.get("approve")).toEqual({ authority: "approve", roles: ["hum-lead"] });
    expect(cli.get("rollback")!.roles).toEqual(["hum-lead", "emergency"]);
  }, 120_000);

  it("the same input is refused by the same schema, with the same code and message, on each face; nothing is written", async () => {
    const before = log();
    // A SEV level that is none: the CLI and the API.
    const cliSev = brtops(p.root, HUM, ["sev", "SEV-9", "--reason", "x", "--json"]);
    expect(cliSev.code).toBe(2);
    const apiSev = await post(tokens.hum, "sev", { sev: "SEV-9", reason: "x" });
    expect(apiSev.status).toBe(400);
    const apiSevError = (await apiSev.json()).error;
    expect(cliSev.json.error).toMatchObject({
      code: "E_BAD_REQUEST",
      message: apiSevError.message,
      hint: apiSevError.hint,
    });
    expect(apiSevError.message).toMatch(/not a SEV level/);
    // Blank text: the CLI, the API and the MCP tool, checked by the one schema (the same code, message and hint).
    const cliAsk = brtops(p.root, AI, ["ask", "   ", "--json"]);
    expect(cliAsk.code).toBe(2);
    const apiAsk = (await (await post(tokens.ai, "ask", { text: "   " })).json()).error;
    expect(cliAsk.json.error).toMatchObject({ code: "E_BAD_REQUEST", message: apiAsk.message });
    expect(apiAsk.message).toMatch(/text: must not be blank/);
    const mcpAsk = (await client.callTool({ name: "ask_hum_lead", arguments: { text: "   " } })) as any;
    expect(mcpAsk.isError).toBe(true);
    expect(JSON.parse(mcpAsk.content[0].text).error).toMatchObject({
      code: "E_BAD_REQUEST",
      message: apiAsk.message,
      hint: apiAsk.hint,
    });
    // A refusal of the engine: the same code and message through all three.
    const cliRespond = brtops(p.root, AI, ["respond", "F99", "done", "--json"]).json.error;
    const apiRespond = (await (await post(tokens.ai, "respond", { id: "F99", text: "done" })).json()).error;
    const mcpRespond = JSON.parse(
      ((await client.callTool({ name: "respond_to_feedback", arguments: { id: "F99", text: "done" } })) as any)
        .content[0].text,
    ).error;
    expect(cliRespond.code).toMatch(/^E_/);
    expect(apiRespond).toMatchObject({ code: cliRespond.code, message: cliRespond.message });
    expect(mcpRespond).toMatchObject({ code: cliRespond.code, message: cliRespond.message });
    // A command's words and its options fill the same input: `propose guidance retry "…"` is `--kind guidance --choice retry --text "…"`.
    const words = brtops(p.root, AI, ["propose", "guidance", "retry", "try again", "--json"]).json.error;
    const options = brtops(p.root, AI, [
      "propose",
      "--kind",
      "guidance",
      "--choice",
      "retry",
      "--text",
      "try again",
      "--json",
    ]).json.error;
    expect(words.code).not.toBe("E_BAD_REQUEST");
    expect(options).toMatchObject({ code: words.code, message: words.message });
    // What an action says when done is the table's, whichever face: the API's said, the CLI's line.
    const apiDry = await (await post(tokens.ai, "feedback", { text: "looks fine", dryRun: true })).json();
    expect(apiDry).toMatchObject({ dryRun: true, recorded: false });
    expect(log()).toBe(before);
  }, 120_000);

  it("every command refuses an unknown option with exit 2, naming its own options; the API names the action's", async () => {
    const commands = brtops(p.root, AI, ["help", "--json"]).json.commands as CliCommand[];
    const globals = ["--json", "--help", "--as", "--release", "--env", "--cwd"];
    for (const c of commands) {
      const r = brtops(p.root, AI, [c.name, "--no-such-option", "--json"]);
      expect(r.code, `${c.name}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.json.error.code, c.name).toBe("E_USAGE");
      expect(r.json.error.message, c.name).toContain("--no-such-option");
      expect(r.json.error.details.options, c.name).toEqual([
        ...new Set([...c.options.map((o) => `--${o.name}`), ...globals]),
      ]);
    }
    const before = log();
    const r = await post(tokens.hum, "approve", { noSuchOption: 1 });
    expect(r.status).toBe(400);
    const e = (await r.json()).error;
    expect(e.code).toBe("E_BAD_REQUEST");
    expect(e.message).toMatch(/noSuchOption/);
    expect(e.hint).toBe("`approve` takes step, note, dryRun, waive, proposal, passkey.");
    expect(log()).toBe(before);
  }, 300_000);

  it("a typo gets a suggestion; the main help lists every command; each command has its help", () => {
    const typo = brtops(p.root, AI, ["aprove"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean `brtops approve`");
    const help = brtops(p.root, AI, ["help", "--json"]).json;
    for (const c of help.commands as CliCommand[]) expect(help.help).toMatch(new RegExp(`[ ,]${c.name}(,|\\n|$)`));
    expect((help.commands as CliCommand[]).map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "release",
        "approve",
        "reject",
        "go",
        "guide",
        "pause",
        "resume",
        "abort",
        "rollback",
        "signoff",
        "status",
        "environments",
        "completion",
        "serve",
        "mcp",
      ]),
    );
    const text = brtops(p.root, AI, ["reject", "--help"]).stdout;
    expect(text).toContain("--return-to PHASE");
    expect(text).toContain("Who: HUM LEAD.");
  });

  it("the release view lists the actions the caller may take now, with their options, from the table and core authority", async () => {
    const hum = await get(tokens.hum, "/api/releases/1.1.0");
    expect(hum.state).toBe("awaiting-hum-lead");
    const names = (v: any) => (v.actions as { name: string }[]).map((a) => a.name);
    expect(names(hum)).toEqual(expect.arrayContaining(["approve", "reject", "feedback", "pause", "abort", "ask"]));
    expect(names(hum)).not.toContain("resume"); // not paused: it would have no effect
    expect(names(hum)).not.toContain("rollback"); // nothing deployed
    expect(names(hum)).not.toContain("guide"); // no incident
    const reject = hum.actions.find((a: { name: string }) => a.name === "reject");
    expect(reject).toMatchObject({ method: "POST", path: "/api/releases/1.1.0/reject", authority: "reject" });
    expect(reject.options).toContainEqual(expect.objectContaining({ name: "reason", required: true, type: "string" }));
    // The phase a rejection returns to by default, and the phases it may: core's rule, not the page's.
    expect(reject.options).toContainEqual(expect.objectContaining({ name: "returnTo", default: 2, choices: [1, 2] }));
    const ai = await get(tokens.ai, "/api/releases/1.1.0");
    expect(names(ai)).toEqual(expect.arrayContaining(["feedback", "pause", "ask"]));
    for (const n of ["approve", "reject", "go", "abort"]) expect(names(ai)).not.toContain(n);
    const controls = await get(tokens.ai, "/api/releases/1.1.0/controls");
    expect(names(controls)).toEqual(names(ai));
  }, 60_000);

  it("bash completion, sourced in a real bash: `brtops app` → approve, `brtops approve --st` → --step, guide's choices", () => {
    const out = brtops(p.root, AI, ["completion", "bash"]);
    expect(out.code).toBe(0);
    const file = join(p.root, "..", "brtops-completion.bash");
    writeFileSync(file, out.stdout);
    const complete = (words: string[]) =>
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _brtops; echo "\${COMPREPLY[*]}"`;
    const script = [
      `source '${file}'`,
      "complete -p brtops",
      complete(["brtops", "app"]),
      complete(["brtops", "approve", "--st"]),
      complete(["brtops", "--as", "x", "rej"]),
      complete(["brtops", "guide", "r"]),
      complete(["brtops", "sta"]),
    ].join("\n");
    const r = spawnSync("bash", ["--norc", "--noprofile", "-c", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("\n").slice(0, 6)).toEqual([
      "complete -F _brtops brtops",
      "approve",
      "--step",
      "reject",
      "retry rollback",
      "status",
    ]);
    for (const shell of ["zsh", "fish"]) {
      const s = brtops(p.root, AI, ["completion", shell]);
      expect(s.code, shell).toBe(0);
      expect(s.stdout, shell).toContain("step");
      expect(s.stdout, shell).toContain("approve");
    }
  });

  it.skipIf(!onPath("fish") || !onPath("zsh"))("zsh reads its completion script; fish completes with it", () => {
    const dir = join(p.root, "..");
    for (const shell of ["zsh", "fish"]) {
      const s = brtops(p.root, AI, ["completion", shell]);
      writeFileSync(join(dir, `brtops-completion.${shell}`), s.stdout);
    }
    const zsh = spawnSync("zsh", ["-n", join(dir, "brtops-completion.zsh")], { encoding: "utf8" });
    expect(zsh.status, zsh.stderr).toBe(0);
    const fish = spawnSync(
      "fish",
      [
        "--no-config",
        "-c",
        `source '${join(dir, "brtops-completion.fish")}'; complete -C 'brtops app'; complete -C 'brtops approve --st'; complete -C 'brtops guide r'`,
      ],
      { encoding: "utf8" },
    );
    expect(fish.status, fish.stderr).toBe(0);
    expect(fish.stdout.split("\n").map((l) => l.split("\t")[0])).toEqual([
      "approve",
      "--step",
      "retry",
      "rollback",
      "",
    ]);
    const bad = brtops(p.root, AI, ["completion", "tcsh", "--json"]);
    expect(bad.code).toBe(2);
    expect(bad.json.error.details.shells).toEqual(["bash", "zsh", "fish"]);
  });
});
