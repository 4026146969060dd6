import { describe, expect, it } from "vitest";
import { createRedactor, REDACTED, secretValuesFrom } from "../../src/core/redact.js";

const GH = `ghp_${"A1b2C3d4E5".repeat(3)}f6G7h8`;
const PAT = `github_pat_11ABCDEFG0${"x".repeat(40)}`;
const NPM = `npm_${"Zz09".repeat(9)}`;
const PLAIN = "s3cr3t/value+with=chars&more";

describe("createRedactor", () => {
  const r = createRedactor([PLAIN, "short"]);
  it.each([
    ["a planted environment value", `deploy with ${PLAIN} now`, `deploy with ${REDACTED} now`],
    ["its URL-encoded form", `https://x/?q=${encodeURIComponent(PLAIN)}`, `https://x/?q=${REDACTED}`],
    ["a GitHub classic token", `remote: ${GH}`, `remote: ${REDACTED}`],
    ["a fine-grained GitHub token", `auth ${PAT}.`, `auth ${REDACTED}.`],
    ["an npm token", `//registry.npmjs.org/:_authToken=${NPM}`, `//registry.npmjs.org/:_authToken=${REDACTED}`],
    [
      "an .npmrc _authToken of any shape",
      "//127.0.0.1:4873/:_authToken=abc123xyz",
      `//127.0.0.1:4873/:_authToken=${REDACTED}`,
    ],
    [
      "a password in a URL",
      "https://user:hunter2hunter@github.com/o/r.git",
      `https://user:${REDACTED}@github.com/o/r.git`,
    ],
    [
      "a token as URL user",
      `https://${"t0k3n".repeat(5)}@github.com/o/r.git`,
      `https://${REDACTED}@github.com/o/r.git`,
    ],
    [
      "a token query parameter",
      "http://h/releases?access_token=abcdef&x=1",
      `http://h/releases?access_token=${REDACTED}&x=1`,
    ],
    [
      "an authorization header with the token scheme",
      '"authorization":"token abcdef0123456789"',
      `"authorization":"token ${REDACTED}"`,
    ],
    ["a Bearer token", "Authorization: Bearer eyJhbGciOi.abc.def", `Authorization: Bearer ${REDACTED}`],
    [
      "a JWT",
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      `jwt ${REDACTED}`,
    ],
    [
      "a private key block",
      "key: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY----- end",
      `key: ${REDACTED} end`,
    ],
  ])("redacts %s", (_label, input, output) => {
    expect(r(input)).toBe(output);
  });

  it("leaves ordinary text alone, including the word token in prose", () => {
    for (const text of [
      "the token provided is invalid",
      "Bad credentials",
      "v2.1.0 released by short",
      "https://github.com/o/r/releases/tag/v1.0.0",
    ])
      expect(r(text)).toBe(text);
  });

  it("redacts deep values, keys and error messages", () => {
    const e = new Error(`push failed: ${PLAIN}`);
    const out = r.deep({ list: [PLAIN], nested: { [PLAIN]: GH }, e });
    expect(JSON.stringify(out)).not.toContain(PLAIN);
    expect(JSON.stringify(out)).not.toContain(GH);
    expect((out.e as unknown as { message: string }).message).toBe(`push failed: ${REDACTED}`);
  });
});

describe("secretValuesFrom", () => {
  it("takes values of secret-named variables and skips paths, sockets and author names", () => {
    const env = {
      GITHUB_TOKEN: "tok-1",
      GH_TOKEN: "tok-2",
      NPM_TOKEN: "tok-3",
      NODE_AUTH_TOKEN: "tok-4",
      DATABASE_PASSWORD: "tok-5",
      AWS_SECRET_ACCESS_KEY: "tok-6",
      STRIPE_API_KEY: "tok-7",
      SSH_AUTH_SOCK: "/tmp/agent.1",
      GIT_AUTHOR_NAME: "Ada Lovelace",
      GOOGLE_APPLICATION_CREDENTIALS_FILE: "/etc/creds.json",
      HOME: "/home/x",
      PATH: "/usr/bin",
    };
    expect(secretValuesFrom(env).sort()).toEqual(["tok-1", "tok-2", "tok-3", "tok-4", "tok-5", "tok-6", "tok-7"]);
  });
});
