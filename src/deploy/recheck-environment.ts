/**
 * 7.10, before the certification gate opens: the environment is looked at again, because phase 7
 * may have run a while ago and certification vouches for what runs now. Its health checks run
 * again, and where the environment can report the version it runs (`environments.<name>.version`:
 * a command, or an HTTP request with a JSON path), that version must be the release's — else a
 * critical finding (RUNNING_VERSION_MISMATCH) that approving needs a waiver for.
 */
import { isAbsolute, join } from "node:path";
import type { VersionCheckConfig } from "../config/schema-environment.js";
import type { Finding } from "../core/events.js";
import type { CheckRow } from "../core/step-results.js";
import type { StepContext, StepOutcome } from "../engine/step-types.js";
import { deployTarget } from "./deploy-target.js";
import { validateOperations } from "./execute-validation.js";
import { describeFetchError } from "./run-action.js";
import { substitute, type SubstitutionVars } from "./substitute.js";

export const RECHECK_STEP = "7.10:environment";

/** "v1.2.0\n" → "1.2.0": how two version strings are compared. */
export function normalizeVersion(v: string): string {
  return v.trim().replace(/^v(?=\d)/i, "");
}

/** The version in a command's output or a response body. Example: `extractVersion('{"build":{"version":"1.2.0"}}', {path: "build.version"})` → "1.2.0". */
export function extractVersion(
  text: string,
  o: { path?: string | undefined; match?: string | undefined; json?: boolean },
): string | null {
  let s: string | null = text;
  if (o.json || o.path) {
    try {
      let v: unknown = JSON.parse(text);
      for (const k of (o.path ?? "").split(".").filter(Boolean))
        v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
      s = typeof v === "string" || typeof v === "number" ? String(v) : null;
    } catch {
      s = o.path ? null : text;
    }
  }
  if (s === null) return null;
  if (o.match) {
    const m = new RegExp(o.match).exec(s);
    return m ? normalizeVersion(m[1] ?? m[0]) : null;
  }
  const line = s
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "");
  return line ? normalizeVersion(line) : null;
}

/** Asks the environment which version it runs: `{running: null}` with the reason when it cannot say. */
export async function readRunningVersion(
  check: VersionCheckConfig,
  ctx: Pick<StepContext, "root" | "run" | "signal">,
  vars: SubstitutionVars,
): Promise<{ running: string | null; source: string; detail: string }> {
  const timeoutMs = check.timeout * 1000;
  if (check.http) {
    const url = substitute(check.http.url, vars, "environments.version.http.url");
    try {
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
      const res = await fetch(url, { headers: check.http.headers, signal });
      const body = await res.text();
      if (!res.ok) return { running: null, source: url, detail: `HTTP ${res.status}` };
      const running = extractVersion(body, { path: check.http.path, match: check.match });
      return {
        running,
        source: url,
        detail: running
          ? `HTTP ${res.status}: ${running}`
          : `HTTP ${res.status}: no version at ${check.http.path ?? "the body"}`,
      };
    } catch (e) {
      return { running: null, source: url, detail: describeFetchError(e, timeoutMs) };
    }
  }
  const argv = check.run!.map((a) => substitute(a, vars, "environments.version.run"));
  const cwd = check.cwd ? (isAbsolute(check.cwd) ? check.cwd : join(ctx.root, check.cwd)) : ctx.root;
  const r = await ctx.run(argv, { cwd, timeoutMs, env: { ...(check.env ?? {}) }, signal: ctx.signal });
  const source = argv.join(" ");
  if (r.exitCode !== 0 || r.timedOut || r.spawnError)
    return {
      running: null,
      source,
      detail:
        r.spawnError ??
        (r.timedOut
          ? `timed out after ${check.timeout} s`
          : `exit ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim().split("\n").at(-1)!.slice(0, 200)}` : ""}`),
    };
  const running = extractVersion(r.stdout, { match: check.match });
  return { running, source, detail: running ? `reports ${running}` : "printed no version" };
}

/** The 7.10 re-check: health again, and the running version where the environment reports it. */
export async function recheckEnvironment(ctx: StepContext): Promise<StepOutcome> {
  const t = deployTarget(ctx);
  const findings: Finding[] = [];
  const parts: string[] = [];
  let health = { checked: 0, failed: [] as string[] };
  if (t.env.health.length > 0) {
    const o = await validateOperations(ctx);
    const rows = (o.result?.["checks"] as CheckRow[] | undefined) ?? [];
    const failed = rows.filter((r) => !r.ok);
    health = { checked: rows.length, failed: failed.map((r) => r.name) };
    for (const r of failed)
      findings.push({
        severity: "critical",
        code: "HEALTH_FAILING_AT_CERTIFICATION",
        message: `Health check "${r.name}" fails on ${t.name} now, before certification: ${r.detail}`,
        source: "7.10",
      });
    parts.push(
      failed.length
        ? `${failed.length} of ${rows.length} health check(s) failing now`
        : `${rows.length} health check(s) healthy now`,
    );
  }
  let version: { expected: string; running: string | null; source: string | null; detail: string } | null = null;
  if (t.env.version) {
    const r = await readRunningVersion(t.env.version, ctx, t.vars);
    const expected = normalizeVersion(ctx.state.version);
    version = { expected, running: r.running, source: r.source, detail: r.detail };
    if (r.running === null) {
      findings.push({
        severity: "warning",
        code: "RUNNING_VERSION_UNKNOWN",
        message: `${t.name} did not say which version it runs (${r.source}: ${r.detail}), so certification cannot confirm v${expected} is what runs.`,
        source: `environments.${t.name}.version`,
      });
      parts.push(`running version unknown (${r.detail})`);
    } else if (r.running !== expected) {
      findings.push({
        severity: "critical",
        code: "RUNNING_VERSION_MISMATCH",
        message: `${t.name} runs v${r.running}, not v${expected}: certifying would vouch for a version that is not deployed.`,
        source: `environments.${t.name}.version`,
      });
      parts.push(`runs v${r.running}, expected v${expected}`);
    } else parts.push(`runs v${r.running}`);
  }
  if (!t.env.health.length && !t.env.version) {
    return {
      result: {
        summary: `not configured: ${t.name} has no health checks and no version check to look at again before certification`,
        notConfigured: true,
        health,
        version: null,
      },
    };
  }
  return {
    result: { summary: `${t.name} checked again before certification: ${parts.join("; ")}`, health, version, findings },
    findings,
  };
}
