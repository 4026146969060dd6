/**
 * Preflight of the App Store target (phase 1, again at 4.1): the API key is present and is a
 * .p8 EC key, App Store Connect accepts a token signed with it (one request), and the app is
 * found. Each problem is a critical finding that names the variable or the config key.
 */
import type { AppStoreTargetConfig } from "../config/schema-app-store.js";
import { isBrtopsError } from "../core/errors.js";
import type { Finding } from "../core/events.js";
import type { Redactor } from "../core/redact.js";
import { openAppStore } from "./app-store-session.js";
import { findApp } from "../adapters/app-store/app-store-api.js";

export interface AppStoreCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Example: `await appStoreChecks({env, root, redact}, cfg, 5000, findings)`. */
export async function appStoreChecks(
  i: { env: Readonly<Record<string, string | undefined>>; root: string; redact: Redactor },
  cfg: AppStoreTargetConfig,
  ms: number,
  findings: Finding[],
): Promise<AppStoreCheck[]> {
  const out: AppStoreCheck[] = [];
  const fail = (name: string, e: unknown, source: string): AppStoreCheck[] => {
    const message = isBrtopsError(e) ? e.message : i.redact(String((e as Error)?.message ?? e));
    out.push({ name, ok: false, detail: message });
    findings.push({ severity: "critical", code: isBrtopsError(e) ? e.code : "E_APP_STORE", message, source });
    return out;
  };
  let session;
  try {
    session = openAppStore(i, cfg, ms);
  } catch (e) {
    return fail("App Store Connect key", e, cfg.keyIdEnv);
  }
  out.push({ name: "App Store Connect key", ok: true, detail: `key ${session.keyId} from ${cfg.keyIdEnv}` });
  try {
    // One request both proves the signed token is accepted and finds the app.
    const app = await findApp(session.client, { appId: cfg.appId, bundleId: cfg.bundleId });
    out.push({
      name: "App Store Connect app",
      ok: true,
      detail: `${app.name || app.bundleId} (${app.id}) on ${new URL(cfg.apiBase).host} (timeout ${ms / 1000} s)`,
    });
  } catch (e) {
    return fail(
      "App Store Connect app",
      e,
      isBrtopsError(e) && e.code === "E_APP_STORE_APP_NOT_FOUND" ? "appStore.bundleId" : "appStore",
    );
  }
  return out;
}
