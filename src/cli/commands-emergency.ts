/** `brtops escalate`: Emergency Authority's escalation, checked when called (engine/escalate). */
import { ExitCodes } from "../core/errors.js";
import { withProject, type Ctx } from "./context.js";

export async function cmdEscalate(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const { escalateOpenReleases, escalationPolicy } = await import("../engine/escalate.js");
    const policy = escalationPolicy(p);
    if (!policy) {
      ctx.out.result(
        { configured: false, escalated: [], pending: [] },
        "No escalation is configured: set emergency.escalateAfter (e.g. 15m) in brtops.config.yaml.",
      );
      return ExitCodes.OK;
    }
    const r = await escalateOpenReleases(p);
    const lines = [
      ...r.escalated.map((x) => `Escalated ${x}: the emergency contacts (${policy.to.join(", ")}) were paged.`),
      ...r.pending.map(
        (x) => `${x.release}: the incident at ${x.step} escalates at ${x.at} unless a HUM LEAD decides first.`,
      ),
    ];
    ctx.out.result(
      { configured: true, after: policy.after, to: policy.to, ...r },
      lines.join("\n") || "No incident is waiting for escalation.",
    );
    return ExitCodes.OK;
  });
}
