/**
 * Runs one step action — a command (argument array), an HTTP request, a wait or a confirmation by
 * a person — and says how it went. A failing action is a value (`ok: false`), not an exception;
 * only a configuration mistake (such as `{previous}` on a first release) throws.
 */
import { isAbsolute, join } from "node:path";
import { stepActionKind, type StepAction, type StepActionKey } from "../config/schema-environment.js";
import type { Redactor } from "../core/redact.js";
import { describeRun, runProcess, type ProcessRunner } from "../adapters/process-runner.js";
import { substitute, substituteDeep, type SubstitutionVars } from "./substitute.js";

export interface ConfirmRequest {
  step: string;
  role: string;
  prompt: string;
}

export interface ActionContext {
  /** The project root: relative `cwd`s are resolved against it. */
  root: string;
  vars: SubstitutionVars;
  redact: Redactor;
  env?: Readonly<Record<string, string>>;
  run?: ProcessRunner;
  signal?: AbortSignal;
  /** Asks the named role to confirm; resolves true to go on. Without it a confirm step fails. */
  confirm?: (req: ConfirmRequest) => Promise<boolean>;
  onOutput?: (chunk: string) => void;
  /** Seconds a command or request may take when the step sets no timeout (default 600). */
  defaultTimeout?: number;
}

export interface ActionResult {
  step: string;
  kind: StepActionKey;
  ok: boolean;
  /** One line: "exit 0 in 120 ms", "HTTP 200 in 15 ms", "waited 5 s", "confirmed by hum-lead". */
  detail: string;
  durationMs: number;
  /** The substituted argv or "METHOD url" (redacted). */
  target: string;
  exitCode?: number | null;
  status?: number;
  /** The end of the output or the start of the response body (redacted, bounded). */
  output?: string;
}

const OUTPUT_KEEP = 2000;

/** Runs an action. Example: `await runAction("migrate", {run: ["npm", "run", "migrate"]}, ctx)` → `{ok: true, detail: "exit 0 in 812 ms", …}`. */
export async function runAction(step: string, action: StepAction, ctx: ActionContext): Promise<ActionResult> {
  const kind = stepActionKind(action);
  const where = `Step "${step}"`;
  const timeoutMs = (action.timeout ?? ctx.defaultTimeout ?? 600) * 1000;
  const started = Date.now();
  const done = (r: Omit<ActionResult, "step" | "kind" | "durationMs">): ActionResult => ({
    step,
    kind,
    durationMs: Date.now() - started,
    ...r,
    detail: ctx.redact(r.detail),
    target: ctx.redact(r.target),
  });
  switch (kind) {
    case "run": {
      const argv = action.run!.map((a) => substitute(a, ctx.vars, where));
      const cwd = action.cwd ? (isAbsolute(action.cwd) ? action.cwd : join(ctx.root, action.cwd)) : ctx.root;
      const env = { ...ctx.env, ...(action.env ? substituteDeep(action.env, ctx.vars, where) : {}) };
      const run = ctx.run ?? ((a, o) => runProcess(a, o, ctx.redact));
      const r = await run(argv, {
        cwd,
        env,
        timeoutMs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(ctx.onOutput ? { onOutput: ctx.onOutput } : {}),
      });
      const ok = r.exitCode === 0 && !r.timedOut && !r.spawnError;
      const tail = `${r.stdout}${r.stderr ? `\n${r.stderr}` : ""}`.trim();
      return done({
        ok,
        detail: describeRun(r),
        target: argv.join(" "),
        exitCode: r.exitCode,
        output: ctx.redact(tail.slice(-OUTPUT_KEEP)),
      });
    }
    case "http": {
      const h = action.http!;
      const url = substitute(h.url, ctx.vars, where);
      const method = h.method ?? "GET";
      const headers: Record<string, string> = substituteDeep(h.headers ?? {}, ctx.vars, where);
      let body: string | undefined;
      if (typeof h.body === "string") body = substitute(h.body, ctx.vars, where);
      else if (h.body !== undefined) {
        body = JSON.stringify(substituteDeep(h.body, ctx.vars, where));
        if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type"))
          headers["content-type"] = "application/json";
      }
      const target = `${method} ${url}`;
      const signal = ctx.signal
        ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs);
      try {
        const res = await fetch(url, { method, headers, signal, ...(body === undefined ? {} : { body }) });
        const text = method === "HEAD" ? "" : await res.text();
        const ok = statusMatches(res.status, h.expectStatus);
        const expected = h.expectStatus === undefined ? "2xx" : [h.expectStatus].flat().join(" or ");
        return done({
          ok,
          status: res.status,
          detail: `HTTP ${res.status} in ${Date.now() - started} ms${ok ? "" : ` (expected ${expected})`}`,
          target,
          output: ctx.redact(text.slice(0, OUTPUT_KEEP)),
        });
      } catch (e) {
        return done({ ok: false, detail: describeFetchError(e, timeoutMs), target });
      }
    }
    case "wait": {
      const ms = action.wait! * 1000;
      const ok = await sleep(ms, ctx.signal);
      return done({
        ok,
        detail: ok ? `waited ${action.wait} s` : `wait interrupted after ${Date.now() - started} ms`,
        target: `wait ${action.wait} s`,
      });
    }
    case "confirm": {
      const c = action.confirm!;
      const target = `confirm by ${c.role}: ${substitute(c.prompt, ctx.vars, where)}`;
      if (!ctx.confirm) return done({ ok: false, detail: `nobody can confirm here (${c.role} must answer)`, target });
      const yes = await ctx.confirm({ step, role: c.role, prompt: substitute(c.prompt, ctx.vars, where) });
      return done({ ok: yes, detail: yes ? `confirmed by ${c.role}` : `declined by ${c.role}`, target });
    }
  }
}

/** Runs an idempotency probe (`check`): true when it exits 0. */
export async function runCheck(argv: readonly string[], ctx: ActionContext, timeoutSec = 60): Promise<boolean> {
  const run = ctx.run ?? ((a, o) => runProcess(a, o, ctx.redact));
  const r = await run(
    argv.map((a) => substitute(a, ctx.vars, "A check")),
    { cwd: ctx.root, timeoutMs: timeoutSec * 1000, ...(ctx.env ? { env: { ...ctx.env } } : {}) },
  );
  return r.exitCode === 0 && !r.timedOut;
}

export function statusMatches(status: number, expect: number | number[] | undefined): boolean {
  if (expect === undefined) return status >= 200 && status < 300;
  return [expect].flat().includes(status);
}

export function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  if (err?.name === "AbortError") return "request interrupted";
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `request failed: ${err?.message ?? String(e)}${cause ? ` (${cause})` : ""}`;
}

/** Waits `ms`; resolves false when the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
