/**
 * Runs the escalation core/escalation decides: for each open release whose incident waited
 * `emergency.escalateAfter` with no HUM LEAD decision, records `Escalated` (once per incident: the
 * append is conditional on the log read, and the fold marks the incident escalated) and pages the
 * emergency contacts through the configured channels. Called by `brtops escalate`, and on a
 * timer by a running `brtops serve` (`brtops status` stays a pure read).
 */
import { parseDurationMs } from "../config/schema-authority.js";
import { BrtopsError } from "../core/errors.js";
import { escalation, escalationAt, type EscalationPolicy } from "../core/escalation.js";
import { isTerminal } from "../core/fold.js";
import { createEventNotifier } from "./notify-events.js";
import { listReleases, type Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";

/** The configured escalation, or null when `emergency.escalateAfter` is not set. */
export function escalationPolicy(project: Pick<Project, "config">): EscalationPolicy | null {
  const after = project.config.emergency.escalateAfter;
  const afterMs = after ? parseDurationMs(after) : null;
  if (!after || !afterMs) return null;
  const { emergency, hum } = project.config.leads;
  return { after, afterMs, to: emergency.length > 0 ? emergency : hum };
}

/** Escalates the release's incident when it is due; true when this call recorded (and sent) the page. */
export async function escalateIfDue(
  project: Project,
  session: ReleaseSession,
  policy = escalationPolicy(project),
): Promise<boolean> {
  if (!policy) return false;
  for (let tries = 0; tries < 5; tries += 1) {
    await session.refresh();
    const draft = escalation(session.state, policy, project.now());
    if (!draft) return false;
    try {
      const stored = await session.append([draft]);
      await createEventNotifier(project, session)(stored);
      return true;
    } catch (e) {
      // Someone appended first (perhaps the same escalation from another process): judge again.
      if (!(e instanceof BrtopsError && e.code === "E_CONFLICT")) throw e;
    }
  }
  return false;
}

export interface EscalationSweep {
  /** Releases escalated by this sweep. */
  escalated: string[];
  /** Open incidents that will escalate later, with when (ISO). */
  pending: { release: string; step: string; at: string }[];
}

/** Checks every open release once. */
export async function escalateOpenReleases(project: Project): Promise<EscalationSweep> {
  const policy = escalationPolicy(project);
  const out: EscalationSweep = { escalated: [], pending: [] };
  if (!policy) return out;
  for (const { session } of await listReleases(project.store)) {
    if (isTerminal(session.state) || !session.state.incident) continue;
    if (await escalateIfDue(project, session, policy)) out.escalated.push(session.release);
    else {
      const at = escalationAt(session.state, policy.afterMs);
      if (at !== null)
        out.pending.push({
          release: session.release,
          step: session.state.incident.step,
          at: new Date(at).toISOString(),
        });
    }
  }
  return out;
}

/**
 * Checks on a timer (a running `brtops serve`): often enough that a page goes out within a
 * quarter of the wait (at least every 250 ms, at most every 30 s). Returns the stop function.
 */
export function watchEscalations(project: Project, onError: (e: unknown) => void = () => undefined): () => void {
  const policy = escalationPolicy(project);
  if (!policy) return () => undefined;
  const every = Math.min(30_000, Math.max(250, Math.floor(policy.afterMs / 4)));
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    escalateOpenReleases(project)
      .catch(onError)
      .finally(() => {
        busy = false;
      });
  }, every);
  timer.unref();
  return () => clearInterval(timer);
}
