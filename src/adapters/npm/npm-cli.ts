/**
 * Runs the npm CLI with argument arrays against one registry. The auth token goes into a
 * temporary userconfig file (mode 0600, removed afterwards), never into argv, the environment of
 * other tools, or logs; npm_config_* variables inherited from an outer npm run are dropped so
 * that only what brtops says applies.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BrtopsError } from "../../core/errors.js";
import type { Redactor } from "../../core/redact.js";
import type { RunResult } from "../process-runner.js";

export interface NpmContext {
  registry: string;
  /** Registry auth token; null for read-only calls to a public registry. */
  token: string | null;
  /** Where npm runs (the project root). */
  cwd: string;
  redact: Redactor;
  env?: Readonly<Record<string, string | undefined>>;
  /** The npm program (default "npm"). */
  npm?: string;
  timeoutMs?: number;
}

/** `//host:port/path/` — the registry key npm matches auth settings by. */
export function registryKey(registry: string): string {
  const u = new URL(registry);
  const path = u.pathname.endsWith("/") ? u.pathname : `${u.pathname}/`;
  return `//${u.host}${path}`;
}

/** The token from `tokenEnv`, else NPM_TOKEN, else NODE_AUTH_TOKEN. */
export function resolveNpmToken(env: Readonly<Record<string, string | undefined>>, tokenEnv?: string): string | null {
  if (tokenEnv) return env[tokenEnv] || null;
  return env["NPM_TOKEN"] || env["NODE_AUTH_TOKEN"] || null;
}

function cleanEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !/^npm_config_/i.test(k)) out[k] = v;
  return out;
}

/** Runs `npm <args>` with a temporary userconfig holding the registry and token. */
export async function runNpm(ctx: NpmContext, args: readonly string[]): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "brtops-npm-"));
  const userconfig = join(dir, "npmrc");
  try {
    const lines = [
      `registry=${ctx.registry}`,
      ...(ctx.token ? [`${registryKey(ctx.registry)}:_authToken=${ctx.token}`] : []),
      "update-notifier=false",
      "fund=false",
      "audit=false",
      "",
    ];
    writeFileSync(userconfig, lines.join("\n"), { mode: 0o600 });
    const argv = [ctx.npm ?? "npm", ...args, "--registry", ctx.registry, "--userconfig", userconfig];
    return await execNpm(argv, ctx.cwd, cleanEnv(ctx.env ?? process.env), ctx.timeoutMs ?? 300_000, ctx.redact);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Its own spawn rather than the shared runner: that one layers process.env under the given
// environment, and an inherited npm_config_* must not reach npm at all.
function execNpm(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  redact: Redactor,
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      argv[0]!,
      argv.slice(1),
      { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: "SIGTERM" },
      (err, stdout, stderr) => {
        const e = err as
          (NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string }) | null;
        const spawnError = e && typeof e.code === "string" ? `${e.code} ${e.message}` : undefined;
        resolve({
          argv: argv.map(redact),
          exitCode: e ? (typeof e.code === "number" ? e.code : null) : 0,
          signal: e?.signal ?? null,
          timedOut: Boolean(e?.killed && e.signal === "SIGTERM"),
          stdout: redact(String(stdout)),
          stderr: redact(String(stderr)),
          durationMs: Date.now() - started,
          ...(spawnError ? { spawnError: redact(spawnError) } : {}),
        });
      },
    );
  });
}

/** The npm error code of a failed run (E404, E401, EPUBLISHCONFLICT, …), read from --json output or stderr. */
export function npmErrorCode(r: RunResult): string | null {
  try {
    const j = JSON.parse(r.stdout) as { error?: { code?: string } };
    if (j.error?.code) return j.error.code;
  } catch {
    /* not JSON */
  }
  return /npm error code (\S+)/.exec(r.stderr)?.[1] ?? null;
}

/** A BrtopsError for a failed npm run: command (redacted), exit code, the stderr's useful lines. */
export function npmError(r: RunResult, doing: string): BrtopsError {
  const code = npmErrorCode(r);
  const lines = r.stderr
    .split("\n")
    .filter((l) => /^npm error/.test(l) && !/complete log of this run/.test(l))
    .map((l) => l.replace(/^npm error\s*/, "").trim())
    .filter(Boolean);
  const why = lines.slice(0, 4).join(" ") || r.spawnError || `exit ${r.exitCode}`;
  const auth = code === "E401" || code === "ENEEDAUTH" || code === "E403";
  return new BrtopsError(auth ? "E_NPM_AUTH" : "E_NPM", `npm failed while ${doing}: ${why}`, {
    hint: auth
      ? "Set NPM_TOKEN (or the environment's npm.tokenEnv) to a token that may publish this package to the registry."
      : "Run the command by hand to see the whole output; fix the cause and run `brtops run` again.",
    details: {
      command: r.argv.filter((a, i, all) => all[i - 1] !== "--userconfig"),
      exitCode: r.exitCode,
      npmCode: code,
    },
  });
}
