/**
 * What the GitHub executor tests start from, per test: the fake GitHub server (accepting one
 * token), a real git repository with a bare origin, and the environment the GitHub client reads
 * (no pacing, quick retries). Both are gone after each test.
 */
import { afterEach, beforeEach } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github.js";
import { createGitFixture, type GitFixture } from "./git-fixture.js";

export interface GitHubWorld {
  fake: FakeGitHub;
  fx: GitFixture;
  env: Record<string, string | undefined>;
}

/** Registers the hooks; `use` receives each test's world before the test runs (assign it to the file's variables). */
export function githubPerTest(token: string, use: (w: GitHubWorld) => void): void {
  let w: GitHubWorld | undefined;
  beforeEach(async () => {
    const fake = await startFakeGitHub({ token });
    w = {
      fake,
      fx: createGitFixture(),
      env: { ...process.env, GITHUB_TOKEN: token, BRTOPS_GITHUB_NO_PACING: "1", BRTOPS_GITHUB_RETRY_BASE_MS: "5" },
    };
    use(w);
  });
  afterEach(async () => {
    await w?.fake.close();
    w?.fx.dispose();
    w = undefined;
  });
}
