/** `brtops serve`, `brtops token create` and `brtops user add`: the HTTP API and its credentials. */
import { BrtopsError, ExitCodes } from "../core/errors.js";
import { withProject, type Ctx } from "./context.js";

const DEFAULT_PORT = 4300;
const DEFAULT_HOST = "127.0.0.1";

/**
 * Serves the dashboard and the API until the process is stopped, with a runner that carries out
 * the decisions recorded (--no-runner: decisions are only recorded; `brtops run` carries them out).
 * The first Ctrl-C / SIGTERM lets the steps in hand finish and gives their leases up; a second one
 * exits at once (the steps are then taken over by the next runner, as after a crash).
 */
export async function cmdServe(ctx: Ctx): Promise<number> {
  const port = ctx.args.flags.port === undefined ? DEFAULT_PORT : Number(ctx.args.flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new BrtopsError("E_USAGE", `--port takes a port number, not "${ctx.args.flags.port}".`, {
      hint: "brtops serve --port 4300",
    });
  const host = ctx.args.flags.host ?? DEFAULT_HOST;
  const { openProject } = await import("../engine/project.js");
  const { createApp } = await import("../server/app.js");
  const { serve } = await import("@hono/node-server");
  const project = await openProject(ctx.cwd);
  const runnerOn = ctx.args.flags["no-runner"] !== true;
  // The runner's log goes to stderr even with --json (stdout then holds the one JSON line): a
  // server's operator must see its errors. Messages are already redacted by the runner.
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const runner = runnerOn
    ? (await import("../server/runner.js")).startServerRunner(project, {
        onError: (e) => log(`runner: ${e.release}: ${e.code}: ${e.message}`),
        onProgress: (release, p) => {
          if (p.kind === "info" || (p.kind === "step" && p.status !== "start"))
            log(`runner: ${release} ${p.step} ${project.redact(p.message)}`);
        },
      })
    : null;
  const app = createApp(project, { runner });
  // Emergency Authority's escalation: an incident nobody decided within emergency.escalateAfter pages the emergency contacts.
  const stopEscalations = (await import("../engine/escalate.js")).watchEscalations(project, (e) =>
    ctx.out.info(`escalation check failed: ${e instanceof Error ? e.message : String(e)}`),
  );
  await new Promise<void>((res) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
      ctx.out.result(
        { listening: true, url: `http://${host}:${info.port}`, runner: runnerOn },
        `brtops dashboard and API on http://${host}:${info.port} — sign in at / (brtops user add ID) or send Authorization: Bearer <token>${runnerOn ? "" : "\nNo runner (--no-runner): decisions are recorded; `brtops run` carries them out."}`,
      );
    });
    const stop = () => {
      server.close(() => res());
      // Open dashboards hold live event streams: end them, or close() waits for them forever.
      (server as import("node:http").Server).closeAllConnections?.();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  stopEscalations();
  if (runner) {
    const inHand = runner.inHand();
    if (inHand.length)
      ctx.out.info(
        `Stopping: waiting for ${inHand.map((r) => `${r.release} (step ${r.step ?? "?"})`).join(", ")} to finish the step in hand; press Ctrl-C again to stop now.`,
      );
    // A second signal: exit now, as a crash would; the leases expire and the next runner takes over.
    const now = () => process.exit(130);
    process.once("SIGINT", now);
    process.once("SIGTERM", now);
    await runner.close();
  }
  await project.close();
  return ExitCodes.OK;
}

/** `brtops token create ID`: prints a new API token once. */
export async function cmdToken(ctx: Ctx): Promise<number> {
  const [sub, id] = ctx.args.positionals;
  if (sub !== "create" || !id)
    throw new BrtopsError("E_USAGE", "Usage: brtops token create ID [--json]", { hint: "Run `brtops token --help`." });
  return withProject(ctx, async (p) => {
    const { createToken } = await import("../server/tokens.js");
    const token = createToken(p.root, id, p.now());
    ctx.out.result({ token }, `${token}\n(shown once; it acts as ${id})`);
    return ExitCodes.OK;
  });
}

/** `brtops user add ID`: sets a password (read from stdin) for the login endpoint. */
export async function cmdUser(ctx: Ctx): Promise<number> {
  const [sub, id] = ctx.args.positionals;
  if (sub !== "add" || !id)
    throw new BrtopsError("E_USAGE", "Usage: brtops user add ID  (password on stdin)", {
      hint: "Run `brtops user --help`.",
    });
  return withProject(ctx, async (p) => {
    const { addUser } = await import("../server/users.js");
    const { readNewPassword } = await import("./prompt-password.js");
    await addUser(p.root, id, await readNewPassword(id), p.now());
    ctx.out.result({ user: id, added: true }, `User ${id} added.`);
    return ExitCodes.OK;
  });
}
