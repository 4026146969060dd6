/**
 * A guess at `brtops release <version> …` from the raw arguments, made before the command-line
 * parser and the command table load (cli/entry), so that the release's history starts being read
 * at once (engine/prefetch-request). Only a guess: parse-command decides what the command is and
 * main asks for the same reading again (the same one when they agree). A wrong guess costs a
 * reading nobody uses; an unusual command line (options before the command word, --cwd, --help,
 * --dry-run) is simply left to the parser. Pure.
 */

/** What a request for `requested` would read from `cwd`; null when the arguments are not plainly such a request. */
export function earlyReleaseRequest(argv: readonly string[]): { requested: string } | null {
  if (argv[0] !== "release") return null;
  const requested = argv[1];
  if (requested === undefined || requested === "" || requested.startsWith("-")) return null;
  const leftToParser = (a: string): boolean =>
    a === "--help" || a === "-h" || a === "--dry-run" || a === "--cwd" || a === "-C" || a.startsWith("--cwd=");
  return argv.some(leftToParser) ? null : { requested };
}
