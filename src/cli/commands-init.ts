/**
 * `brtops init`: reads the project (a git repository, its origin, package.json, tags, scripts/),
 * asks on a terminal what flags do not say, then writes brtops.config.yaml (starting with the
 * schema line editors read), the docs folders, and `.brtops/` into .gitignore.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BrtopsError } from "../core/errors.js";
import { CONFIG_FILE } from "../config/find-root.js";
import { SCHEMA_FILE } from "../config/json-schema.js";
import { assembleInitPlan, renderConfigTemplate, type InitEnvironment, type InitPlan } from "./config-template.js";
import { readProjectFacts, type ProjectFacts } from "./init-facts.js";
import type { Ctx } from "./context.js";

const FOLDERS = ["docs/01_application/6-releases", "docs/02_features", ".brtops"];

export async function cmdInit(ctx: Ctx): Promise<number> {
  const facts = readProjectFacts(ctx.cwd);
  const file = join(ctx.cwd, CONFIG_FILE);
  if (existsSync(file) && !ctx.args.flags.force)
    throw new BrtopsError("E_CONFIG_INVALID", `${file} already exists.`, {
      hint: "Edit it, or pass --force to overwrite it.",
    });
  const dryRun = !!ctx.args.flags["dry-run"];
  const schemaRef = schemaReference(ctx.cwd);
  const flagsHum = ctx.args.flags["hum-lead"] ?? [];
  const flagsAi = ctx.args.flags["ai-lead"] ?? [];
  // Asks only a person at a terminal (cli/style decides: never in CI, never with --json, never piped).
  const plan =
    !dryRun && ctx.out.mode.interactive
      ? await askPlan(facts, flagsHum, flagsAi, schemaRef)
      : assembleInitPlan(facts, { hum: flagsHum, ai: flagsAi, schemaRef });
  if (plan.hum.length === 0)
    throw new BrtopsError("E_USAGE", "Name at least one HUM LEAD.", {
      hint: `brtops init --hum-lead ${facts.userEmail ?? "you@example.com"} --ai-lead agent@example.com`,
    });
  const text = renderConfigTemplate(plan);
  const gitignore = join(ctx.cwd, ".gitignore");
  const summary = {
    file,
    folders: FOLDERS,
    humLeads: plan.hum,
    aiLeads: plan.ai,
    environments: plan.environments,
    versionFiles: plan.versionFiles,
    schema: plan.schemaRef,
    gitignore: facts.ignoresBrtops ? "already ignores .brtops/" : existsSync(gitignore) ? "append" : "create",
    suggestion: plan.suggestion,
    detected: plan.detected,
  };
  const next = nextStep(plan);
  if (dryRun) {
    ctx.out.result(
      { dryRun: true, ...summary, config: text },
      [
        `Dry run: would write ${file}:`,
        "",
        text,
        `would create ${FOLDERS.join(", ")}`,
        facts.ignoresBrtops ? ".gitignore already keeps .brtops/ out of git" : `would add .brtops/ to ${gitignore}`,
        "Nothing was written.",
      ].join("\n"),
    );
    return 0;
  }
  writeFileSync(file, text);
  for (const f of FOLDERS) mkdirSync(join(ctx.cwd, f), { recursive: true });
  if (!facts.ignoresBrtops) keepBrtopsOutOfGit(gitignore);
  ctx.out.result(
    { ...summary, next },
    [
      `Wrote ${file}`,
      ...plan.detected.map((d) => `  found ${d}`),
      `  environments: ${plan.environments.join(", ") || "none yet (add one to the config)"}`,
      `Created ${FOLDERS.join(", ")}`,
      facts.ignoresBrtops ? ".gitignore already keeps .brtops/ out of git" : `Added .brtops/ to ${gitignore}`,
      `Next: ${next}`,
    ].join("\n"),
  );
  return 0;
}

/** What to type next: the suggested version, to the first environment set up. */
function nextStep(p: InitPlan): string {
  const env = p.environments[0];
  const target = env === "staging" ? "Staging" : env === "github" ? "GitHub" : env;
  if (!target)
    return `add an environment to ${CONFIG_FILE}, then \`brtops "RELEASE v${p.suggestion.version} to Staging"\``;
  const phrase = `brtops "RELEASE v${p.suggestion.version} to ${target}"`;
  return `${phrase}${p.suggestion.type ? ` (or \`brtops "RELEASE ${p.suggestion.type} to ${target}"\`)` : ""} — ${p.suggestion.why}.`;
}

/** Adds `.brtops/` (users, tokens, the server secret, the file store) to .gitignore: creates it, or appends once. */
function keepBrtopsOutOfGit(file: string): void {
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  const sepLine = before === "" || before.endsWith("\n") ? "" : "\n";
  appendFileSync(file, `${sepLine}# brtops: users, tokens, the server secret and the local store\n.brtops/\n`);
}

/**
 * What the schema line points at: the schema of the brtops that runs, relative when it is
 * installed in the project (node_modules/brtops), else by its file URL.
 */
export function schemaReference(cwd: string): string {
  const local = join(cwd, "node_modules", "brtops", SCHEMA_FILE);
  if (existsSync(local) || dependsOnBrtops(cwd)) return `./node_modules/brtops/${SCHEMA_FILE}`;
  const root = packageRoot();
  const shipped = root ? join(root, SCHEMA_FILE) : null;
  if (shipped && !relative(cwd, shipped).startsWith("..")) return `./${relative(cwd, shipped).split(sep).join("/")}`;
  return shipped ? pathToFileURL(shipped).href : `./node_modules/brtops/${SCHEMA_FILE}`;
}

function dependsOnBrtops(cwd: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8")) as Record<string, Record<string, unknown>>;
    return !!(pkg.dependencies?.brtops ?? pkg.devDependencies?.brtops);
  } catch {
    return false;
  }
}

/** The folder of the brtops package that runs (dist/cli.js, a chunk of it, or the sources). */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "brtops") return dir;
      } catch {
        // not ours: keep looking upwards
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

async function askPlan(f: ProjectFacts, hum: string[], ai: string[], schemaRef: string): Promise<InitPlan> {
  const { input, checkbox, confirm } = await import("@inquirer/prompts");
  const ids = (s: string): string[] =>
    s
      .split(/[\s,]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  const base = assembleInitPlan(f, { hum, ai, schemaRef });
  process.stdout.write(`brtops init found:\n${base.detected.map((d) => `  ${d}`).join("\n")}\n`);
  const humLeads = hum.length
    ? hum
    : ids(
        await input({
          message: "HUM LEAD(s) — who approves, decides GO / NO-GO and certifies (ids, comma-separated):",
          default: f.userEmail ?? "",
          validate: (v) => ids(v).length > 0 || "Name at least one HUM LEAD.",
        }),
      );
  const aiLeads = ai.length
    ? ai
    : ids(await input({ message: "AI LEAD(s) — who requests and runs releases (optional):", default: "" }));
  const environments: InitEnvironment[] = base.offered.length
    ? await checkbox({
        message: "Environments to set up:",
        choices: base.offered.map((e) => ({ name: `${e.name} — ${e.why}`, value: e.name, checked: true })),
      })
    : [];
  const plan = assembleInitPlan(f, { hum: humLeads, ai: aiLeads, schemaRef, environments });
  if (!(await confirm({ message: `Write ${CONFIG_FILE}?`, default: true })))
    throw new BrtopsError("E_USAGE", "Nothing written: init was cancelled.", { hint: "Run `brtops init` again." });
  return plan;
}
