/** `brtops "GO RELEASE v2.1.0 to Staging"`: request (or find open) the release, grant GO RELEASE, and run it. */
import { authorize } from "../core/authority.js";
import type { ParsedTrigger } from "../core/trigger-grammar.js";
import { advance, cmdRelease } from "./commands-release.js";
import { actorId, withProject, type Ctx } from "./context.js";

export async function cmdGoRelease(ctx: Ctx, t: ParsedTrigger, phrase: string): Promise<number> {
  const version = t.version ?? t.versionType!;
  const environment = t.environment!;
  if (ctx.args.flags["dry-run"]) {
    // The grant is checked (a HUM LEAD's), then every check of the request: nothing is recorded.
    await withProject(ctx, async (p) => {
      authorize(p.config.leads, actorId(ctx, p), "grant-auto-proceed", "grant GO RELEASE auto-proceed");
    });
    return cmdRelease(ctx, version, environment, phrase);
  }
  return withProject(ctx, async (p) => {
    const id = actorId(ctx, p);
    const { goRelease } = await import("../engine/go-release.js");
    const override = ctx.args.flags["override-promotion"];
    const r = await goRelease(p, {
      version,
      environment,
      actorId: id,
      trigger: phrase,
      ...(override !== undefined ? { overridePromotion: override } : {}),
    });
    const st = r.session.state;
    ctx.out.info(
      `${r.requested ? `Release v${st.version} to ${st.environment} requested by ${id}` : `Release ${st.release} is open already`}; ${
        r.granted ? "GO RELEASE granted" : `GO RELEASE was granted by ${st.autoProceed?.by.id ?? "someone"} before`
      }: gates without findings are approved on this grant for SEV-2 and lower.`,
    );
    // core/next-action: whoever requested a release is never its only approver, not even through a grant.
    if (st.autoProceed && st.autoProceed.by.id.toLowerCase() === st.requestedBy.id.toLowerCase())
      ctx.out.info(
        `As ${id} also requested it, its gates still wait for another HUM LEAD (separation of duties); a grant by another HUM LEAD would approve them.`,
      );
    return advance(ctx, p, r.session, authorize(p.config.leads, id, "run", "advance a release"));
  });
}
