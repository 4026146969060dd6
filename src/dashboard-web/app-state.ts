/**
 * What every part of the page shares: who is signed in, the open page, the API client (with the
 * CSRF header, and one retry when another tab signed in again) and the toast.
 */
import type { Me } from "./api-types.js";
import { byId } from "./dom.js";

/** A page that may hold timers and a stream: `stop` ends them when another page opens. */
export interface OpenPage {
  stop(): void;
}

export const S: {
  me: Me | null;
  page: OpenPage | null;
  onSignedOut: ((message: string) => void) | null;
  onMe: ((me: Me | null) => void) | null;
} = {
  me: null,
  page: null,
  onSignedOut: null,
  onMe: null,
};

/** The signed-in identity (the router shows the sign-in form until there is one). */
export function me(): Me {
  if (!S.me) throw new Error("Nobody is signed in.");
  return S.me;
}

export function can(action: string): boolean {
  return !!S.me?.can?.[action];
}

const ROLE_LABEL: Record<string, string> = { "hum-lead": "HUM LEAD", "ai-lead": "AI LEAD", member: "member" };
export function roleLabel(role: string): string {
  return ROLE_LABEL[role] ?? "not named in the config";
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly hint: string | null,
  ) {
    super(message);
  }
}

export function failMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message + (e.hint ? ` ${e.hint}` : "");
  return e instanceof Error ? e.message : String(e);
}

export function statusOf(e: unknown): number | null {
  return e instanceof ApiError ? e.status : null;
}

export function setMe(m: Me | null): void {
  S.me = m;
  S.onMe?.(m);
}

/** Calls the API; throws ApiError with the server's code, message and hint. */
export async function api<T = unknown>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && S.me?.csrfToken) headers["x-csrf-token"] = S.me.csrfToken;
  const r = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await r.json().catch(() => null)) as
    (T & { error?: { code?: string; message?: string; hint?: string } }) | null;
  if (!r.ok) {
    const err = data?.error ?? {};
    // Signed in again in another tab: this page's token belongs to the old session. Fetch the new one, once.
    if (r.status === 403 && err.code === "E_CSRF" && !retried && S.me) {
      setMe(await api<Me>("GET", "/api/me"));
      return api<T>(method, path, body, true);
    }
    const e = new ApiError(
      err.message ?? `The server answered ${r.status}.`,
      r.status,
      err.code ?? null,
      err.hint ?? null,
    );
    // A session that ended (signed out elsewhere, expired): back to the sign-in form.
    if (r.status === 401 && S.me && path !== "/api/login") S.onSignedOut?.("Your session ended; sign in again.");
    throw e;
  }
  return data as T;
}

let toastTimer: ReturnType<typeof setTimeout> | null = null;
export function toast(msg: string, bad = false): void {
  const t = byId("toast");
  t.textContent = msg;
  t.className = bad ? "toast bad" : "toast";
  t.hidden = false;
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), bad ? 9000 : 4000);
}

/** Replaces the main area's content (a new page). */
export function render(node: Node): void {
  const main = byId("main");
  while (main.firstChild) main.removeChild(main.firstChild);
  main.appendChild(node);
  window.scrollTo(0, 0);
}

/** Ends the open page's timers and stream. */
export function closePage(): void {
  S.page?.stop();
  S.page = null;
}
