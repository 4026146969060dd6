/**
 * Config schema of the container image target (`oci:` on an environment): an OCI image layout
 * the build writes, pushed to any registry that speaks the OCI distribution API (Docker Hub,
 * GHCR, a registry of your own), then tagged.
 */
import { z } from "zod";

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name");

/** The container image target. Example: `{image: docker.io/acme/widget, from: out/oci, tags: ["{version}", latest]}`. */
export const ociTargetSchema = z
  .object({
    /** The repository to push to: `docker.io/acme/widget`, `ghcr.io/acme/widget`, `127.0.0.1:5000/acme/widget` (plain HTTP only for loopback hosts). */
    image: z.string().min(1),
    /** The OCI image layout the build writes (relative to the project), stored with the approved package at 2.4. */
    from: z.string().min(1),
    /** Which image of the layout, by its `org.opencontainers.image.ref.name`; default: the only one. */
    ref: z.string().min(1).optional(),
    /** Tags pointed at the pushed manifest; `{version}` is substituted. Tags without `{version}` (latest, stable) move back on rollback. */
    tags: z.array(z.string().min(1)).min(1).default(["{version}", "latest"]),
    /** Environment variables holding the registry user and password (default OCI_USERNAME / OCI_PASSWORD, else ~/.docker/config.json). */
    usernameEnv: envName.optional(),
    passwordEnv: envName.optional(),
  })
  .strict();

export type OciTargetConfig = z.infer<typeof ociTargetSchema>;
