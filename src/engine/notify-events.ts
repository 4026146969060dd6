/**
 * Sends the notifications recorded events call for, through the configured channels. A failed
 * delivery is recorded as a Note and never blocks the release.
 */
import type { AnyEvent } from "../core/events.js";
import { notificationsFor } from "../core/notifications-for.js";
import type { Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";

export function createEventNotifier(project: Project, session: ReleaseSession): (events: AnyEvent[]) => Promise<void> {
  const config = project.config.notifications;
  if (!config || config.channels.length === 0) return async () => undefined;
  let notifier: {
    notify: (n: never) => Promise<{ ok: boolean; channel: string; error?: string; attempts: number }[]>;
  } | null = null;
  return async (events) => {
    for (const e of events) {
      for (const n of notificationsFor(e, session.state, {
        hum: project.config.leads.hum,
        emergency: project.config.leads.emergency,
      })) {
        notifier ??= (await import("../notify/create-notifier.js")).createNotifier(config, {
          env: project.env,
          redact: project.redact,
        }) as never;
        const results = await notifier.notify({
          ...n,
          release: session.release,
          environment: session.state.environment,
          at: project.now(),
        } as never);
        const failed = results.filter((r) => !r.ok);
        if (failed.length > 0) {
          await session.appendFact([
            {
              type: "Note",
              at: project.now(),
              actor: { id: "brtops", role: "system" },
              data: {
                kind: "notification-failed",
                text: project.redact(
                  `${n.kind} notification failed on ${failed.map((f) => `${f.channel} (${f.attempts} attempts: ${f.error ?? "error"})`).join(", ")}`,
                ),
              },
            },
          ]);
        }
      }
    }
  };
}
