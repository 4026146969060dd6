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
    image: z
      .string()
      .min(1)
      .describe(
        "The repository to push to: docker.io/acme/widget, ghcr.io/acme/widget, 127.0.0.1:5000/acme/widget (plain HTTP only for loopback hosts).",
      ),
    from: z
      .string()
      .min(1)
      .describe(
        "The OCI image layout the build writes (relative to the project), stored with the approved package at 2.4.",
      ),
    ref: z
      .string()
      .min(1)
      .optional()
      .describe("Which image of the layout, by its org.opencontainers.image.ref.name; default: the only one."),
    tags: z
      .array(z.string().min(1))
      .min(1)
      .default(["{version}", "latest"])
      .describe(
        "Tags pointed at the pushed manifest; {version} is substituted. Tags without {version} (latest, stable) move back on rollback.",
      ),
    usernameEnv: envName
      .optional()
      .describe("Environment variable holding the registry user (default OCI_USERNAME, else ~/.docker/config.json)."),
    passwordEnv: envName
      .optional()
      .describe(
        "Environment variable holding the registry password (default OCI_PASSWORD, else ~/.docker/config.json).",
      ),
  })
  .strict();

export type OciTargetConfig = z.infer<typeof ociTargetSchema>;
