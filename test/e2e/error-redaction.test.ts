/** Errors printed by the CLI pass the redactor too: a secret a user pasted into an argument never reaches the terminal. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AI, brtops, sampleProject } from "../support/cli.js";

const SECRET = "zz-planted-7f3c9a1e-token-value";
const GH = `ghp_${"Ab3dEf".repeat(6)}`;

describe("CLI error output", () => {
  let p: { root: string; cleanup: () => void };
  beforeAll(() => {
    p = sampleProject();
  });
  afterAll(() => p.cleanup());

  it("redacts a secret-named environment variable's value and known token shapes from error messages, text and --json", () => {
    const text = brtops(p.root, AI, ["release", "1.2.0", "--to", SECRET], { MY_API_TOKEN: SECRET });
    expect(text.code).toBe(2);
    expect(text.stderr).toContain("E_ENVIRONMENT_UNKNOWN");
    expect(text.stderr).toContain('Unknown environment "[REDACTED]"');
    expect(text.stderr + text.stdout).not.toContain(SECRET);

    const json = brtops(p.root, AI, ["release", "1.2.0", "--to", GH, "--json"]);
    expect(json.code).toBe(2);
    expect(json.json?.error?.code).toBe("E_ENVIRONMENT_UNKNOWN");
    expect(json.stdout + json.stderr).not.toContain(GH);
    expect(json.stdout).toContain("[REDACTED]");
  });
});
