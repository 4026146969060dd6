/**
 * The App Store Connect API key from environment variables the target names (default
 * ASC_KEY_ID, ASC_ISSUER_ID, and ASC_PRIVATE_KEY holding the .p8 contents or ASC_KEY_PATH its
 * path). Never logged: messages name the variables, never their values.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { AppStoreTargetConfig } from "../../config/schema-app-store.js";
import { BrtopsError } from "../../core/errors.js";
import { parseP8, type AppStoreKey } from "./app-store-jwt.js";

type Names = Pick<AppStoreTargetConfig, "keyIdEnv" | "issuerIdEnv" | "keyEnv" | "keyPathEnv">;

/** The key, or E_APP_STORE_CREDENTIALS naming what is missing. Example: `resolveAppStoreKey(process.env, cfg, root).keyId`. */
export function resolveAppStoreKey(
  env: Readonly<Record<string, string | undefined>>,
  n: Names,
  root: string,
): AppStoreKey {
  const keyId = env[n.keyIdEnv]?.trim();
  const issuerId = env[n.issuerIdEnv]?.trim();
  const contents = env[n.keyEnv];
  const path = env[n.keyPathEnv]?.trim();
  const missing = [
    ...(keyId ? [] : [n.keyIdEnv]),
    ...(issuerId ? [] : [n.issuerIdEnv]),
    ...(contents || path ? [] : [`${n.keyEnv} (or ${n.keyPathEnv})`]),
  ];
  if (missing.length > 0)
    throw new BrtopsError(
      "E_APP_STORE_CREDENTIALS",
      `No App Store Connect API key: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set.`,
      {
        hint: `Set ${n.keyIdEnv} (the key's id), ${n.issuerIdEnv} (the issuer id) and ${n.keyEnv} (the .p8 contents) or ${n.keyPathEnv} (its path) for the runner.`,
      },
    );
  let text = contents;
  let source = n.keyEnv;
  if (!text) {
    source = n.keyPathEnv;
    const file = isAbsolute(path!) ? path! : join(root, path!);
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new BrtopsError("E_APP_STORE_CREDENTIALS", `${n.keyPathEnv} names ${file}, which cannot be read.`, {
        hint: "Point it at the AuthKey_XXXXXXXXXX.p8 file, or put the key's contents in " + n.keyEnv + ".",
      });
    }
  }
  return { keyId: keyId!, issuerId: issuerId!, privateKey: parseP8(text, source) };
}
