/**
 * Core's gate-round hashes with node:crypto. The page imports core's types and its pure tables
 * (workflow, verdicts), never that code — the bundle for the browser would fail if it did — but
 * type-checking follows the type imports into it; this declares only what core uses.
 */
declare module "node:crypto" {
  export function createHash(algorithm: string): {
    update(data: string): { digest(encoding: "hex" | "base64url"): string };
  };
}
