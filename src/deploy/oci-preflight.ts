/**
 * Preflight of the container image target (phase 1, step 1.8): the registry reachable, the
 * credentials (OCI_USERNAME/OCI_PASSWORD or the environment's own names, else
 * ~/.docker/config.json) accepted by its token service, and allowed to push to the repository —
 * checked with the same client 6.1 pushes with. Each failure is a critical finding that says what
 * to do; nothing is written to the registry.
 */
import type { OciTargetConfig } from "../config/schema-oci.js";
import { isBrtopsError } from "../core/errors.js";
import type { Finding } from "../core/events.js";
import type { Redactor } from "../core/redact.js";
import { createRegistryClient } from "../adapters/oci/oci-client.js";
import { resolveOciCredentials, type OciCredentials } from "../adapters/oci/oci-credentials.js";
import { parseImage } from "../adapters/oci/oci-reference.js";

export interface OciPreflightInput {
  env: Readonly<Record<string, string | undefined>>;
  redact: Redactor;
  environment: string;
}

/** What to do about each failure, by code. */
const TODO: Readonly<Record<string, string>> = {
  E_OCI_UNREACHABLE: "check the registry's address in oci.image and that this machine can reach it",
  E_OCI_AUTH:
    "set OCI_USERNAME and OCI_PASSWORD (an access token that may push, as the password) or the environment's oci.usernameEnv/passwordEnv, or `docker login` as the runner's user",
  E_OCI_CREDENTIALS: "set both the user name and the password variables, or neither",
  E_OCI_NOT_FOUND: "check the repository name in oci.image (some registries need it created first)",
};

/** Example: `await ociChecks({env, redact, environment: "docker-hub"}, cfg.oci, 5000, findings)`. */
export async function ociChecks(
  i: OciPreflightInput,
  oci: OciTargetConfig,
  ms: number,
  findings: Finding[],
): Promise<{ name: string; ok: boolean; detail: string }[]> {
  const source = `environments.${i.environment}.oci`;
  let where = oci.image;
  let creds: OciCredentials | null = null;
  try {
    const ref = parseImage(oci.image);
    where = `${ref.registry}/${ref.repository}`;
    creds = resolveOciCredentials(i.env, ref.registry, oci);
    const client = createRegistryClient(ref, { credentials: creds, redact: i.redact, timeoutMs: ms });
    const r = await client.checkPush();
    return [
      {
        name: "OCI registry",
        ok: true,
        detail: `${where}: reachable; ${creds ? `the credentials from ${creds.source}` : r.authenticated ? "anonymous access" : "no credentials needed"} may push (timeout ${ms / 1000} s)`,
      },
    ];
  } catch (e) {
    const code = isBrtopsError(e) ? e.code : "E_OCI_REGISTRY";
    const why = isBrtopsError(e) ? e.message : i.redact(String((e as Error)?.message ?? e));
    const todo = TODO[code] ?? "look at the registry's answer above";
    findings.push({
      severity: "critical",
      code,
      message: `The image cannot be pushed to ${where}: ${why.replace(/\.$/, "")}. To do: ${todo}.`,
      source,
    });
    return [{ name: "OCI registry", ok: false, detail: `${where}: ${why}` }];
  }
}
