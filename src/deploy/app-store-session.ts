/**
 * Opens the App Store target of a release: the API key from the environment variables the
 * target names and a client with the project's redactor, then the app. One place for the steps,
 * the preflight, pause/resume and rollback.
 */
import type { AppStoreTargetConfig } from "../config/schema-app-store.js";
import type { Redactor } from "../core/redact.js";
import { findApp, type AppRef } from "../adapters/app-store/app-store-api.js";
import { createAppStoreClient, type AppStoreClient } from "../adapters/app-store/app-store-client.js";
import { resolveAppStoreKey } from "../adapters/app-store/app-store-credentials.js";

export interface AppStoreSession {
  client: AppStoreClient;
  keyId: string;
}

/** Example: `const { client } = openAppStore({env, root, redact}, cfg)`. Throws E_APP_STORE_CREDENTIALS / E_APP_STORE_KEY. */
export function openAppStore(
  ctx: { env: Readonly<Record<string, string | undefined>>; root: string; redact: Redactor },
  cfg: AppStoreTargetConfig,
  timeoutMs?: number,
): AppStoreSession {
  const key = resolveAppStoreKey(ctx.env, cfg, ctx.root);
  return {
    client: createAppStoreClient({
      apiBase: cfg.apiBase,
      key,
      redact: ctx.redact,
      ...(timeoutMs ? { timeoutMs } : {}),
    }),
    keyId: key.keyId,
  };
}

/** The target's app. */
export function appOf(s: AppStoreSession, cfg: AppStoreTargetConfig): Promise<AppRef> {
  return findApp(s.client, { appId: cfg.appId, bundleId: cfg.bundleId });
}
