/** ORIENT, DEFRAG and the MCP server: commands for resuming and compacting an agent's context. */
import { BrtopsError } from "../core/errors.js";
import { DEFAULT_ORIENT_WORDS, orient } from "../engine/orient.js";
import { openProjectForReading } from "../engine/project.js";
import { actorId, withProject, type Ctx } from "./context.js";

function wordsFlag(ctx: Ctx): number {
  // `--words N` once the option table has it; `brtops orient N` works either way.
  const raw = (ctx.args.flags as { words?: string }).words ?? ctx.args.positionals[0];
  if (raw === undefined) return DEFAULT_ORIENT_WORDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 10)
    throw new BrtopsError("E_USAGE", `--words must be a whole number of at least 10, not "${raw}".`, {
      hint: "brtops orient --words 500",
    });
  return n;
}

export async function cmdOrient(ctx: Ctx): Promise<number> {
  const words = wordsFlag(ctx);
  const p = await openProjectForReading(ctx.cwd);
  try {
    const r = await orient(p.store, ctx.args.flags.release, words);
    ctx.out.result(r.view, r.text);
    return 0;
  } finally {
    await p.close();
  }
}

export async function cmdDefrag(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const { defrag } = await import("../engine/defrag.js");
    const r = await defrag(p, ctx.args.flags.release, actorId(ctx, p));
    ctx.out.result(
      r,
      `Checkpoint written: ${r.file} (sha256 ${r.sha256.slice(0, 12)}…, up to event ${r.uptoSeq}; recorded as event ${r.seq}).`,
    );
    return 0;
  });
}

export async function cmdMcp(ctx: Ctx): Promise<number> {
  const { serveMcp } = await import("../mcp/server.js");
  await serveMcp(ctx.cwd, ctx.args.flags.as);
  // Stays up until the client closes stdin.
  return new Promise<number>(() => undefined);
}
