/**
 * Whether `npm publish` adds `--provenance`: npm signs a provenance statement through Sigstore with
 * the CI's OIDC identity, which only a CI that mints one can give — GitHub Actions with the
 * `id-token: write` permission (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN set) or GitLab CI with a
 * `SIGSTORE_ID_TOKEN` id token — and only the public npm registry records it. `auto` (the default)
 * adds it exactly then; `true` always (npm fails where it cannot sign); `false` never. Pure.
 */

export type ProvenanceSetting = boolean | "auto";

export interface ProvenanceChoice {
  provenance: boolean;
  /** Why, in words, for the step's result and the documents. */
  why: string;
}

const PUBLIC_REGISTRY = "registry.npmjs.org";

/** Example: `provenanceChoice("auto", {GITHUB_ACTIONS: "true", ACTIONS_ID_TOKEN_REQUEST_URL: "…", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "…"}, "https://registry.npmjs.org/").provenance` → `true`. */
export function provenanceChoice(
  setting: ProvenanceSetting,
  env: Readonly<Record<string, string | undefined>>,
  registry: string,
): ProvenanceChoice {
  if (setting === true) return { provenance: true, why: "npm.provenance: true" };
  if (setting === false) return { provenance: false, why: "npm.provenance: false" };
  const github = env["GITHUB_ACTIONS"] === "true";
  const gitlab = env["GITLAB_CI"] === "true";
  let ci: string | null = null;
  if (github && env["ACTIONS_ID_TOKEN_REQUEST_URL"] && env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]) ci = "GitHub Actions";
  else if (gitlab && env["SIGSTORE_ID_TOKEN"]) ci = "GitLab CI";
  if (!ci) {
    const hint = github
      ? "GitHub Actions without an OIDC token (give the job `permissions: id-token: write`)"
      : gitlab
        ? "GitLab CI without a SIGSTORE_ID_TOKEN id token (add `id_tokens: SIGSTORE_ID_TOKEN: {aud: sigstore}` to the job)"
        : "not running in a CI that can sign provenance (GitHub Actions or GitLab CI with an OIDC id token)";
    return { provenance: false, why: hint };
  }
  let host = "";
  try {
    host = new URL(registry).host;
  } catch {
    /* an invalid registry URL is refused by the config schema before this */
  }
  if (host !== PUBLIC_REGISTRY)
    return { provenance: false, why: `${ci}, but ${host || registry} is not the public npm registry` };
  return { provenance: true, why: `${ci} with an OIDC id token, publishing to ${PUBLIC_REGISTRY}` };
}

/** The arguments of `npm publish` (after `npm`). Example: `npmPublishArgs("pkg.tgz", {tag: "beta", provenance: true})` → `["publish", "pkg.tgz", "--tag", "beta", "--provenance", "--ignore-scripts"]`. */
export function npmPublishArgs(
  what: string,
  o: { tag: string; access?: "public" | "restricted" | undefined; provenance?: boolean },
): string[] {
  return [
    "publish",
    what,
    "--tag",
    o.tag,
    ...(o.access ? ["--access", o.access] : []),
    ...(o.provenance ? ["--provenance"] : []),
    "--ignore-scripts",
  ];
}
