/**
 * Gate rounds: a decision is bound to the exact report it was made on. A round is the step plus a
 * round number (`2.10#2`) and the hash of what the round showed (report, findings, scope
 * fingerprint, and the answers given at it). A rejection, a refreshed report, a sign-off or an
 * answer that changes the report starts a new round; a decision naming another round is refused.
 * Pure.
 *
 * @example
 * parseStepRef("2.10#2") // → { step: "2.10", round: 2 }
 * parseStepRef("2.10")   // → { step: "2.10", round: 1 }   (a bare step means round 1)
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import { BrtopsError } from "./errors.js";
import type { Finding, FingerprintRef } from "./events.js";

/** `2.10#2`: the step and its round number. */
export function roundId(step: string, round: number): string {
  return `${step}#${round}`;
}

/** What `--step` names: a step and a round (a bare step is round 1). Null when it is not a step id. */
export function parseStepRef(ref: string): { step: string; round: number; explicit: boolean } | null {
  const m = /^(\d+\.\d+(?::[^#\s]+)?)(?:#(\d+))?$/.exec(ref.trim());
  if (!m) return null;
  return { step: m[1]!, round: m[2] ? Number(m[2]) : 1, explicit: m[2] !== undefined };
}

/** The hash of what a round shows: the report, its findings, the scope fingerprint and the answers given at it. */
export function roundHash(round: {
  report: string;
  findings: readonly Finding[];
  fingerprint?: FingerprintRef | undefined;
  amendments?: readonly unknown[];
}): string {
  const body = canonicalJson({
    report: round.report,
    findings: round.findings,
    fingerprint: round.fingerprint ?? null,
    amendments: round.amendments ?? [],
  });
  return createHash("sha256").update(body).digest("hex");
}

/** Refuses (E_STEP_MISMATCH, exit 5) a decision typed for another round than the open one, showing the current one. */
export function bindRound(version: string, current: { step: string; round: number; hash: string }, ref: string): void {
  const want = parseStepRef(ref);
  const now = roundId(current.step, current.round);
  if (want && want.step === current.step && want.round === current.round) return;
  const other =
    want && want.step === current.step ? `round ${want.round} of ${want.step}, which is over` : `step ${ref}`;
  throw new BrtopsError(
    "E_STEP_MISMATCH",
    `Release ${version} is at ${now} (report ${current.hash.slice(0, 12)}), not at ${other}.`,
    {
      hint: `Read the report of ${now} with \`brtops status\`, then decide on it with \`--step ${now}\`.`,
      details: { expected: ref, actual: now, round: now, roundHash: current.hash },
    },
  );
}
