/**
 * The App Store sub-steps of 6.1, as plan data (shown at 4.3, run at 6.1): upload (when the
 * target has an upload command), the processed build, the version with its build, "What's New",
 * the submission, and following the review to Apple's decision.
 */
import type { AppStoreTargetConfig } from "../config/schema-app-store.js";

export const APP_STORE_UPLOAD = "app-store-upload";
export const APP_STORE_BUILD = "app-store-build";
export const APP_STORE_VERSION = "app-store-version";
export const APP_STORE_WHATS_NEW = "app-store-whats-new";
export const APP_STORE_SUBMIT = "app-store-submit";
export const APP_STORE_REVIEW = "app-store-review";

export interface AppStorePlanItem {
  name: string;
  does: string;
  check: string | null;
  undo: string | null;
  idempotent: boolean;
}

/** The chain of App Store sub-steps, in order. */
export function appStorePlan(cfg: AppStoreTargetConfig): AppStorePlanItem[] {
  const app = cfg.bundleId ?? `app ${cfg.appId}`;
  const items: AppStorePlanItem[] = [];
  if (cfg.upload)
    items.push({
      name: APP_STORE_UPLOAD,
      does: `upload the build: ${cfg.upload.map((x) => (/\s/.test(x) ? JSON.stringify(x) : x)).join(" ")}`,
      check: "App Store Connect has a build of {version}",
      undo: null,
      idempotent: false,
    });
  items.push(
    {
      name: APP_STORE_BUILD,
      does: `find the build of {version} of ${app} and follow its processing to VALID`,
      check: null,
      undo: null,
      idempotent: true,
    },
    {
      name: APP_STORE_VERSION,
      does: `App Store version {version} (${cfg.platform}) with the build attached${cfg.phasedRelease ? ", phased release" : ""}`,
      check: "the version exists with the build",
      undo: null,
      idempotent: true,
    },
    {
      name: APP_STORE_WHATS_NEW,
      does: `"What's New" for ${cfg.locales.join(", ")}`,
      check: null,
      undo: null,
      idempotent: true,
    },
    {
      name: APP_STORE_SUBMIT,
      does: "submit the version for App Review",
      check: "the version is submitted",
      undo: null,
      idempotent: true,
    },
    {
      name: APP_STORE_REVIEW,
      does: "follow App Review to its decision (a rejection fails the deployment)",
      check: null,
      undo: "pause the phased release, or remove the app from sale, as the HUM LEAD chooses",
      idempotent: true,
    },
  );
  return items;
}
