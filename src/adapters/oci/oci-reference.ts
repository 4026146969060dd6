/**
 * Image references as people write them (`docker.io/acme/widget`, `ghcr.io/acme/widget`,
 * `127.0.0.1:5000/acme/widget`, `acme/widget`) → the registry's API base URL and the repository.
 * Docker Hub's API lives at registry-1.docker.io, and a one-part name is under `library/`.
 * Plain HTTP is used only for loopback hosts; every other registry is spoken to over HTTPS.
 */
import { BrtopsError } from "../../core/errors.js";

export interface ImageRef {
  /** The registry as written (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Where its HTTP API answers: `https://registry-1.docker.io`, `http://127.0.0.1:5000`. */
  apiBase: string;
  /** `acme/widget`, `library/nginx`. */
  repository: string;
}

const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** True for localhost, 127.0.0.0/8 and ::1 (with or without a port). */
export function isLoopbackHost(hostPort: string): boolean {
  const host = hostPort.startsWith("[") ? hostPort.slice(1, hostPort.indexOf("]")) : hostPort.replace(/:\d+$/, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Parses an image name (no tag or digest: tags come from the `tags:` list).
 * @example parseImage("docker.io/acme/widget") // {registry: "docker.io", apiBase: "https://registry-1.docker.io", repository: "acme/widget"}
 */
export function parseImage(image: string): ImageRef {
  const parts = image.trim().split("/");
  const first = parts[0] ?? "";
  const hasRegistry =
    parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["));
  const registry = hasRegistry ? first : "docker.io";
  let repository = (hasRegistry ? parts.slice(1) : parts).join("/");
  if (/[:@]/.test(repository)) {
    throw new BrtopsError(
      "E_OCI_IMAGE_INVALID",
      `The image "${image}" carries a tag or digest: oci.image names the repository only.`,
      { hint: 'Write the tags under oci.tags, e.g. tags: ["{version}", latest].' },
    );
  }
  const hub = DOCKER_HUB.has(registry);
  if (hub && !repository.includes("/")) repository = `library/${repository}`;
  if (!REPOSITORY.test(repository)) {
    throw new BrtopsError(
      "E_OCI_IMAGE_INVALID",
      `"${repository}" is not a valid repository name (lower-case letters, digits and separators, parts joined by "/").`,
      { hint: "Fix oci.image in brtops.config.yaml, e.g. docker.io/acme/widget." },
    );
  }
  const apiBase = hub ? "https://registry-1.docker.io" : `${isLoopbackHost(registry) ? "http" : "https"}://${registry}`;
  return { registry, apiBase, repository };
}

/**
 * The tags of a release: `{version}` substituted, each checked against the registry's tag grammar.
 * A `+` (semver build metadata) is not allowed in a tag and becomes `_`, as Docker's tooling does.
 * @example imageTags(["{version}", "latest"], "1.1.0") // ["1.1.0", "latest"]
 */
export function imageTags(templates: readonly string[], version: string): string[] {
  const out: string[] = [];
  for (const t of templates) {
    const tag = t.replace(/\{version\}/g, version.replace(/\+/g, "_"));
    if (!TAG.test(tag)) {
      throw new BrtopsError(
        "E_OCI_TAG_INVALID",
        `"${tag}" (from "${t}") is not a valid image tag: letters, digits, "_", "." and "-", at most 128, not starting with "." or "-".`,
        { hint: "Fix oci.tags in brtops.config.yaml." },
      );
    }
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}

/** Tags that move from version to version (`latest`, `stable`): every template without `{version}`. */
export function movingTags(templates: readonly string[]): string[] {
  return templates.filter((t) => !t.includes("{version}"));
}
