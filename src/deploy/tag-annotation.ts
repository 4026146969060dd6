/**
 * The text of a release tag's annotation (spec 6.8.1 "comprehensive annotations"): version, SEV,
 * features and approvals, handed in as data. Pure and deterministic, so a re-run after a crash
 * writes the same text.
 */

export interface TagAnnotationData {
  version: string;
  tag: string;
  environment: string;
  previous: string | null;
  /** "SEV-2"; null when not assessed. */
  sev: string | null;
  features: { name: string; status?: string }[];
  approvals: { phase: number; step: string; by: string; role?: string; at: string; note?: string }[];
  /** The release record's folder, e.g. docs/01_application/6-releases/v2.1.0. */
  releaseDir?: string;
}

/** Composes the annotation. Example: `tagAnnotation({version: "2.1.0", tag: "v2.1.0", …}).split("\n")[0]` → `"Release v2.1.0 (2.1.0)"`. */
export function tagAnnotation(d: TagAnnotationData): string {
  const lines = [`Release ${d.tag}${d.tag === d.version ? "" : ` (${d.version})`}`, ""];
  lines.push(`Version: ${d.version}`);
  lines.push(`Previous: ${d.previous ?? "none (first release)"}`);
  lines.push(`Environment: ${d.environment}`);
  lines.push(`SEV: ${d.sev ?? "not assessed"}`);
  if (d.releaseDir) lines.push(`Release record: ${d.releaseDir}`);
  lines.push("", `Features (${d.features.length}):`);
  if (d.features.length === 0) lines.push("- none recorded");
  for (const f of d.features) lines.push(`- ${oneLine(f.name)}${f.status ? ` [${oneLine(f.status)}]` : ""}`);
  lines.push("", `Approvals (${d.approvals.length}):`);
  if (d.approvals.length === 0) lines.push("- none recorded");
  for (const a of d.approvals) {
    lines.push(
      `- Phase ${a.phase} (${a.step}) approved by ${oneLine(a.by)}${a.role ? ` (${a.role})` : ""} at ${a.at}${a.note ? `: ${oneLine(a.note)}` : ""}`,
    );
  }
  lines.push("", "Tagged by brtops (BRTOPS RELEASE workflow v1.1.000).");
  return lines.join("\n") + "\n";
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
