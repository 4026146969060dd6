#!/usr/bin/env node
/**
 * The brtops executable. For a plain `brtops release <version>` the history the request will read
 * starts being read before the CLI's own code loads (cli/early-release, engine/prefetch-request):
 * reading it is the longest part of a request, and git can walk the range while node loads the
 * parser, the command table and the engine. Everything else is the CLI itself (cli/main).
 */
import { earlyReleaseRequest } from "./early-release.js";

const early = earlyReleaseRequest(process.argv.slice(2));
// Awaited (it resolves once git log is spawned; the refs come from their files, or from two short
// git processes where the files cannot tell): the CLI's modules would otherwise be compiled first
// and hold the spawn back; they load while git walks the range.
if (early)
  await import("../engine/prefetch-request.js").then((m) =>
    m.prefetchRequestHistory(process.cwd(), early.requested, process.env),
  );
await import("./main.js");
