/**
 * Whether a CI service runs brtops: ci-info knows the services (and the vendor-neutral CI,
 * BUILD_NUMBER, RUN_ID…); `CI=false` says "not CI" whatever else is set. In CI nothing is asked
 * and nothing is redrawn: the log shows plain lines.
 */
import ci from "ci-info";

type Env = Readonly<Record<string, string | undefined>>;

/** ci-info reads process.env once when loaded; another environment is judged by its CI variable alone. */
export function inCI(env: Env = process.env): boolean {
  if (env === process.env) return ci.isCI;
  return env.CI !== undefined && env.CI !== "false" && env.CI !== "0";
}
