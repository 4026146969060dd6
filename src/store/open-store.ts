/**
 * Picks the store from its spec (config `store:` or env BRTOPS_STORE): "file" or nothing is the
 * embedded file store; a postgres:// URL is the team store. `pg` is imported only for the latter,
 * so commands on the file store never load it.
 */
import { BrtopsError } from "../core/errors.js";
import { urlRedactor } from "./postgres/pg-errors.js";
import { gitAnchors } from "../adapters/git-anchors.js";
import { FileStore } from "./store-file.js";
import type { Store } from "./store.js";

export const StoreKinds = { file: "file", postgres: "postgres" } as const;
export type StoreKind = (typeof StoreKinds)[keyof typeof StoreKinds];

/** The store spec in force: the environment overrides the config file (defaults < file < environment). */
export function resolveStoreSpec(
  configStore: string | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): string | undefined {
  const fromEnv = env.BRTOPS_STORE?.trim();
  return fromEnv ? fromEnv : configStore?.trim() || undefined;
}

/** Which kind of store a spec names. Throws E_CONFIG_INVALID for anything else (the URL redacted). */
export function storeKind(spec: string | undefined): StoreKind {
  const s = spec?.trim();
  if (!s || s === "file") return StoreKinds.file;
  if (/^postgres(ql)?:\/\//i.test(s)) return StoreKinds.postgres;
  throw new BrtopsError("E_CONFIG_INVALID", `Unknown store "${urlRedactor(s)(s)}".`, {
    hint: 'Set `store:` in brtops.config.yaml (or BRTOPS_STORE) to "file" or to a postgres://user@host:5432/db URL.',
  });
}

/** Opens the store for the project at `root`. Example: `await openStore(root, process.env.BRTOPS_STORE)`. */
export async function openStore(root: string, spec?: string): Promise<Store> {
  const store = await openStoreOnly(root, spec);
  // The logs' heads are anchored in the project's repository, whichever store holds the logs.
  store.anchors = gitAnchors(root);
  return store;
}

async function openStoreOnly(root: string, spec?: string): Promise<Store> {
  if (storeKind(spec) === StoreKinds.file) return new FileStore(root);
  const url = spec!.trim();
  let mod: typeof import("./store-postgres.js");
  try {
    mod = await import("./store-postgres.js");
  } catch (e) {
    throw new BrtopsError(
      "E_STORE",
      `The PostgreSQL store needs the "pg" package, which could not be loaded: ${(e as Error).message}`,
      {
        hint: "Install it next to brtops (npm i pg), or use the file store (store: file).",
      },
    );
  }
  return mod.PostgresStore.open(url);
}
