/**
 * SSH signatures through OpenSSH's `ssh-keygen -Y` (8.1+): sign data with a key file, verify it
 * against an allowed_signers file written to a fresh temp folder. Spawned with argument arrays
 * only; the data goes through stdin, never a shell.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BrtopsError } from "../core/errors.js";

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[], input: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn("ssh-keygen", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", (e) =>
      reject(
        new BrtopsError("E_SIGNATURE_TOOL", `ssh-keygen could not be run: ${e.message}.`, {
          hint: "Install OpenSSH 8.1 or later (ssh-keygen -Y).",
          cause: e,
        }),
      ),
    );
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on("error", () => {}); // ssh-keygen may exit before reading everything (a bad key file)
    child.stdin.end(input);
  });
}

/** Signs `data` with the SSH key `keyFile` (a private key, or a public key whose private half is in ssh-agent): the armored signature. */
export async function sshSign(keyFile: string, namespace: string, data: string): Promise<string> {
  const r = await run(["-Y", "sign", "-q", "-f", keyFile, "-n", namespace], data);
  if (r.code !== 0 || !r.stdout.includes("BEGIN SSH SIGNATURE")) {
    throw new BrtopsError(
      "E_SIGNATURE_INVALID",
      `ssh-keygen could not sign with ${keyFile}: ${r.stderr.trim().split("\n")[0] ?? `exit ${r.code}`}.`,
      {
        hint: "Point BRTOPS_SIGNING_KEY or --sign-key at your SSH private key (or a public key whose private key is in ssh-agent).",
        details: { keyFile, exitCode: r.code },
      },
    );
  }
  return r.stdout.trim();
}

export interface SshVerdict {
  ok: boolean;
  /** The signing key's fingerprint (SHA256:…), when it verified. */
  fingerprint?: string;
  /** What ssh-keygen said, when it did not. */
  reason?: string;
}

/** One allowed_signers line: the principal may sign in `namespace` with `key` ("ssh-ed25519 AAAA… comment"). */
function allowedSignersLine(principal: string, namespace: string, key: string): string {
  const [type, blob] = key.trim().split(/\s+/);
  if (!type || !blob || /["\s,]/.test(principal))
    throw new BrtopsError(
      "E_CONFIG_INVALID",
      `The key of ${principal} is not an SSH public key ("ssh-ed25519 AAAA…").`,
      { hint: "Paste the whole line of the .pub file as `key:` under leads.hum." },
    );
  return `${principal} namespaces="${namespace}" ${type} ${blob}`;
}

/** Verifies an armored SSH signature of `data` by `principal`, who may sign with any of `keys`. */
export async function sshVerify(
  principal: string,
  keys: readonly string[],
  namespace: string,
  data: string,
  signature: string,
): Promise<SshVerdict> {
  if (keys.length === 0) return { ok: false, reason: `no SSH key is configured for ${principal}` };
  const dir = mkdtempSync(join(tmpdir(), "brtops-verify-"));
  try {
    const allowed = join(dir, "allowed_signers");
    const sig = join(dir, "decision.sig");
    writeFileSync(allowed, keys.map((k) => allowedSignersLine(principal, namespace, k)).join("\n") + "\n");
    writeFileSync(sig, signature.endsWith("\n") ? signature : `${signature}\n`);
    const r = await run(["-Y", "verify", "-f", allowed, "-I", principal, "-n", namespace, "-s", sig], data);
    if (r.code !== 0)
      return { ok: false, reason: (r.stderr || r.stdout).trim().split("\n")[0] || `ssh-keygen exit ${r.code}` };
    const fingerprint = /\b(SHA256:[A-Za-z0-9+/=]+)/.exec(r.stdout + r.stderr)?.[1];
    return { ok: true, ...(fingerprint ? { fingerprint } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
