/** When an agent should DEFRAG or ORIENT, by how full its context is (spec thresholds). Pure. */
export const ContextActions = {
  continue: "continue",
  defrag: "defrag",
  orient: "orient",
  emergency: "emergency",
} as const;
export type ContextAction = (typeof ContextActions)[keyof typeof ContextActions];

export interface ContextAdvice {
  action: ContextAction;
  usagePercent: number;
  thresholds: { defrag: number; orient: number; emergency: number };
}

// RELEASE 70/80; SEV-0 65/80, SEV-1 70/85, SEV-2 75/85 (brtops-conventions.md); 95 is an emergency.
const BY_SEV: Record<string, { defrag: number; orient: number }> = {
  "SEV-0": { defrag: 65, orient: 80 },
  "SEV-1": { defrag: 70, orient: 85 },
  "SEV-2": { defrag: 75, orient: 85 },
};

/** The action for a context usage (percent); `sev` like "SEV-1" selects the per-SEV thresholds. */
export function contextAdvice(usagePercent: number, sev?: string | null): ContextAdvice {
  const t = { ...(sev && BY_SEV[sev] ? BY_SEV[sev] : { defrag: 70, orient: 80 }), emergency: 95 };
  const action: ContextAction =
    usagePercent >= t.emergency
      ? "emergency"
      : usagePercent >= t.orient
        ? "orient"
        : usagePercent >= t.defrag
          ? "defrag"
          : "continue";
  return { action, usagePercent, thresholds: t };
}
