/**
 * Sign-offs (spec 3.4 UAT, 5.2 stakeholders): who of the configured people signed, who refused,
 * who is still missing. The engine records each sign-off as an event; this only judges them.
 * A person's latest sign-off counts. Pure.
 */

export interface Signoff {
  by: string;
  at: string;
  decision: "approve" | "reject";
  note?: string;
}

export interface SignoffAssessment {
  required: string[];
  /** How many approvals are needed (default: all required people). */
  needed: number;
  signed: Signoff[];
  rejected: Signoff[];
  missing: string[];
  /** Sign-offs from people not on the list (shown, not counted). */
  others: Signoff[];
  complete: boolean;
}

/** Judges sign-offs. Example: `assessSignoffs(["qa@x", "pm@x"], [{by: "qa@x", at, decision: "approve"}]).missing` → ["pm@x"]. */
export function assessSignoffs(
  required: readonly string[],
  given: readonly Signoff[],
  needed?: number,
): SignoffAssessment {
  const latest = new Map<string, Signoff>();
  for (const s of given) {
    const prev = latest.get(s.by.toLowerCase());
    if (!prev || prev.at <= s.at) latest.set(s.by.toLowerCase(), s);
  }
  const req = [...new Set(required)];
  const want = Math.min(needed ?? req.length, req.length);
  const signed: Signoff[] = [];
  const rejected: Signoff[] = [];
  const missing: string[] = [];
  for (const r of req) {
    const s = latest.get(r.toLowerCase());
    if (!s) missing.push(r);
    else if (s.decision === "approve") signed.push(s);
    else rejected.push(s);
  }
  const others = [...latest.values()].filter((s) => !req.some((r) => r.toLowerCase() === s.by.toLowerCase()));
  return {
    required: req,
    needed: want,
    signed,
    rejected,
    missing,
    others,
    complete: rejected.length === 0 && signed.length >= want,
  };
}
