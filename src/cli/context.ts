/** What every command gets, and the project it works on. */
import { openProject, type Project } from "../engine/project.js";
import { resolveIdentity } from "../engine/identity.js";
import type { Args } from "./args.js";
import type { Out } from "./output.js";

export interface Ctx {
  args: Args;
  out: Out;
  cwd: string;
}

export async function withProject<T>(ctx: Ctx, fn: (p: Project) => Promise<T>): Promise<T> {
  const p = await openProject(ctx.cwd);
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

export function actorId(ctx: Ctx, p: Project): string {
  return resolveIdentity(p.root, ctx.args.flags.as, p.env);
}

/** `--env ENV` as selectRelease takes it. */
export function envFlag(ctx: Ctx): { environment?: string } {
  return ctx.args.flags.env ? { environment: ctx.args.flags.env } : {};
}
