/**
 * Expected step durations from earlier runs: the median time between a sub-step's StepStarted and
 * its StepSucceeded across earlier releases' logs. Pure: the caller reads the logs.
 */
import type { AnyEvent } from "../core/events.js";

/**
 * Median milliseconds per sub-step name (the part after `prefix`), e.g. `{migrate: 1200}` from
 * `6.1:migrate`. Example: `expectedDurations([eventsOfV1, eventsOfV2], "6.1:")`.
 */
export function expectedDurations(logs: readonly (readonly AnyEvent[])[], prefix = "6.1:"): Record<string, number> {
  const samples = new Map<string, number[]>();
  for (const events of logs) {
    const started = new Map<string, number>();
    for (const e of events) {
      if (e.type === "StepStarted" && e.data.step.startsWith(prefix)) {
        started.set(e.data.step, Date.parse(e.at));
      } else if (e.type === "StepSucceeded" && e.data.step.startsWith(prefix) && !e.data.adopted) {
        const t0 = started.get(e.data.step);
        const t1 = Date.parse(e.at);
        if (t0 === undefined || Number.isNaN(t0) || Number.isNaN(t1) || t1 < t0) continue;
        const name = e.data.step.slice(prefix.length);
        const list = samples.get(name) ?? [];
        list.push(t1 - t0);
        samples.set(name, list);
        started.delete(e.data.step);
      }
    }
  }
  const out: Record<string, number> = {};
  for (const [name, list] of samples) out[name] = median(list);
  return out;
}

/** The median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}
