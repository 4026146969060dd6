/**
 * Whose keys sign decisions: SSH public keys under `leads.hum` in brtops.config.yaml, passkeys in
 * brtops.keys.json beside it — both files of the repository, so adding a key is a reviewed change
 * like any other. And which SSH key file this terminal signs with.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { PasskeyRecord } from "../adapters/passkeys.js";
import { BrtopsError } from "../core/errors.js";
import type { Project } from "./project.js";

/** The reviewed keys file of the repository (passkeys registered in the dashboard). */
export const KEYS_FILE = "brtops.keys.json";

interface KeysFile {
  passkeys: PasskeyRecord[];
}

const norm = (id: string): string => id.trim().toLowerCase();

export function readPasskeys(root: string): PasskeyRecord[] {
  const file = join(root, KEYS_FILE);
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<KeysFile>;
    return Array.isArray(parsed.passkeys)
      ? parsed.passkeys.filter(
          (k) => typeof k?.id === "string" && typeof k.credentialId === "string" && typeof k.publicKey === "string",
        )
      : [];
  } catch (e) {
    throw new BrtopsError("E_CONFIG_INVALID", `${file} is not valid JSON: ${(e as Error).message}.`, {
      hint: `Restore ${KEYS_FILE} from version control.`,
      cause: e,
    });
  }
}

/** The passkeys of one person. */
export function passkeysOf(root: string, id: string): PasskeyRecord[] {
  return readPasskeys(root).filter((k) => norm(k.id) === norm(id));
}

/** Adds a passkey to brtops.keys.json (written whole, then renamed). It counts once committed through review. */
export function addPasskey(root: string, key: PasskeyRecord): void {
  const passkeys = [...readPasskeys(root).filter((k) => k.credentialId !== key.credentialId), key];
  const file = join(root, KEYS_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ passkeys }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The SSH public keys configured for `id` (leads.hum entries with `key:`/`keys:`). */
export function sshKeysOf(project: Pick<Project, "config">, id: string): string[] {
  return (project.config.leads.signingKeys ?? []).filter((k) => norm(k.id) === norm(id)).map((k) => k.key);
}

/** Where the SSH key to sign with comes from: named (flag or BRTOPS_SIGNING_KEY) or git's configuration. */
export interface SigningKeyFile {
  file: string;
  from: "--sign-key" | "BRTOPS_SIGNING_KEY" | "git user.signingkey";
}

function gitConfig(cwd: string, key: string): string | null {
  const r = spawnSync("git", ["config", "--get", key], { cwd, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() || null : null;
}

const expand = (cwd: string, p: string): string =>
  p.startsWith("~/") ? join(homedir(), p.slice(2)) : isAbsolute(p) ? p : resolve(cwd, p);

/**
 * The key file to sign with: `--sign-key`, else BRTOPS_SIGNING_KEY, else git's `user.signingkey`
 * when `gpg.format` is `ssh` (a `key::ssh-ed25519 …` literal is written to a temp file by the signer). Null when none.
 */
export function findSigningKey(
  cwd: string,
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): SigningKeyFile | null {
  const named = flag
    ? { file: flag, from: "--sign-key" as const }
    : env.BRTOPS_SIGNING_KEY
      ? { file: env.BRTOPS_SIGNING_KEY, from: "BRTOPS_SIGNING_KEY" as const }
      : null;
  if (named) {
    const file = expand(cwd, named.file);
    if (!existsSync(file))
      throw new BrtopsError("E_USAGE", `The signing key ${file} (${named.from}) does not exist.`, {
        hint: "Name your SSH private key file, e.g. --sign-key ~/.ssh/id_ed25519.",
      });
    return { file, from: named.from };
  }
  if (gitConfig(cwd, "gpg.format") !== "ssh") return null;
  const key = gitConfig(cwd, "user.signingkey");
  if (!key) return null;
  return { file: key.startsWith("key::") ? key : expand(cwd, key), from: "git user.signingkey" };
}
