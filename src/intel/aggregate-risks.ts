/** Spec 5.3: the features' risks as one system risk profile, most severe and open first. Pure. */
import type { FeatureReadiness } from "./feature-types.js";
import type { RiskLevel } from "./readiness-tables.js";
import { alphabetical } from "../core/text-order.js";

export interface SystemRisk {
  feature: string;
  level: RiskLevel;
  risk: string;
  impact: string;
  mitigation: string;
  status: string;
  open: boolean;
  source: string;
}

export interface RiskProfile {
  risks: SystemRisk[];
  counts: Record<RiskLevel, { open: number; total: number }>;
  /** Open HIGH risks without a stated mitigation: these block. */
  unmitigatedHigh: number;
  omitted: number;
}

const ORDER: RiskLevel[] = ["HIGH", "MEDIUM", "LOW", "UNSPECIFIED"];

/** Aggregates risks. Example: `aggregateRisks(report.features).counts.HIGH.open`. */
export function aggregateRisks(features: readonly Pick<FeatureReadiness, "name" | "risks">[], max = 200): RiskProfile {
  const all: SystemRisk[] = features.flatMap((f) =>
    f.risks.map((r) => ({
      feature: f.name,
      level: r.level,
      risk: r.risk,
      impact: r.impact,
      mitigation: r.mitigation,
      status: r.status,
      open: r.open,
      source: `${r.file}:${r.line}`,
    })),
  );
  all.sort(
    (a, b) =>
      ORDER.indexOf(a.level) - ORDER.indexOf(b.level) ||
      Number(b.open) - Number(a.open) ||
      alphabetical(a.feature, b.feature),
  );
  const counts = Object.fromEntries(ORDER.map((l) => [l, { open: 0, total: 0 }])) as RiskProfile["counts"];
  for (const r of all) {
    counts[r.level].total++;
    if (r.open) counts[r.level].open++;
  }
  const unmitigatedHigh = all.filter((r) => r.level === "HIGH" && r.open && !r.mitigation.trim()).length;
  return { risks: all.slice(0, max), counts, unmitigatedHigh, omitted: Math.max(0, all.length - max) };
}
