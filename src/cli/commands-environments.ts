/** `brtops environments`: what runs where (the ledger). `--json` gives the object the API and MCP return. */
import { readLedger } from "../engine/read-ledger.js";
import { withProject, type Ctx } from "./context.js";
import { renderLedger } from "./render-ledger.js";

export async function cmdEnvironments(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const ledger = await readLedger(p.store, Object.keys(p.config.environments), p.config.promotion);
    const shown = ctx.args.flags.env
      ? {
          environments: ledger.environments.filter((e) => e.name === ctx.args.flags.env),
          promotable: ledger.promotable.filter((x) => x.from === ctx.args.flags.env || x.to === ctx.args.flags.env),
        }
      : ledger;
    ctx.out.result({ ...shown }, renderLedger(shown));
    return 0;
  });
}
